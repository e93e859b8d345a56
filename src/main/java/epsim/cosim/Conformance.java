package epsim.cosim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.chip.ChipOp;
import epsim.common.Rng;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.TransferCurve;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A scripted session against any chip (docs/cosim-protocol.md, "Conformance"): framing, ids,
 * error replies that do not end the session, array encodings, sizes, relax semantics, states,
 * the optional ops, and with {@code destructive} the program / read_weights round trip and a
 * known network (all weights zero: every neuron settles at u = 0); then the round-trip latency
 * of the ops a training step uses. Every check is a row: PASS, FAIL, UNSUPPORTED or INFO.
 */
public final class Conformance {
    /** What a run of the checker does: its waits, whether it may reprogram the weights, its tolerance, its timing repeats. */
    public record Options(double timeoutSeconds, boolean destructive, double tolerance, int repeats) {}

    private final ConformanceSession session;
    private final Options options;
    private Topology t;
    private TransferCurve curve;
    private Set<ChipOp> listed; // the handshake's ops, or null when it lists none
    private List<ConformanceReport.Latency> latencies = List.of();

    private Conformance(LineChannel channel, Options options) {
        this.session = new ConformanceSession(channel, options);
        this.options = options;
    }

    /** Runs the script against the chip {@code spec} names (exec:COMMAND or tcp:HOST:PORT). */
    public static ConformanceReport run(String spec, Options options) {
        try (LineChannel channel = LineChannel.open(spec, options.timeoutSeconds(), RemoteChip.MAX_REPLY_BYTES)) {
            Conformance c = new Conformance(channel, options);
            try {
                c.script();
            } catch (LineChannel.Broken e) {
                c.session.row("session", "the chip stays connected and answers", ConformanceReport.Verdict.FAIL, e.getMessage() + "; the remaining checks were not run");
            }
            return new ConformanceReport(c.session.rows(), c.latencies);
        }
    }

    private boolean supported(ChipOp op) {
        return listed == null || listed.contains(op);
    }

    private void script() {
        JsonNode early = session.ask(session.request("reset"));
        session.check("hello", "other ops are refused before hello", early != null && !ConformanceSession.ok(early),
                early == null ? "no reply object" : ConformanceSession.ok(early) ? "reset was accepted before hello" : "refused: " + Wire.abbreviate(ConformanceSession.error(early)));
        if (!handshake()) return;
        double[] inputs = inputs();
        if (inputs == null) return;
        framing(); // with inputs set, so that its plain request (reset) is one every chip takes
        relaxAndRead();
        nudge();
        LayerParams w = weights();
        states();
        if (options.destructive() && w != null) {
            roundTrip(w);
            knownNetwork();
        } else {
            session.row("program", "program / read_weights round trip", ConformanceReport.Verdict.INFO, "not run: it reprograms the weights (--destructive)");
        }
        optionalOps();
        timing(inputs);
        latencies = session.latencies();
        JsonNode bye = session.ask(session.request("close"));
        if (bye != null && !ConformanceSession.ok(bye) && !supported(ChipOp.CLOSE)) {
            session.row("close", "close answers closed: true and ends the session", ConformanceReport.Verdict.UNSUPPORTED, "not listed (the host then just ends the connection)");
            return;
        }
        boolean closed = ConformanceSession.ok(bye) && bye.path("closed").asBoolean(false);
        String after;
        try {
            after = session.channel().poll(Math.min(5, options.timeoutSeconds()));
        } catch (LineChannel.Broken e) {
            after = null; // the end of the session, as it should
        }
        session.check("close", "close answers closed: true and ends the session", closed && after == null,
                !closed ? "reply " + (bye == null ? "none" : Wire.abbreviate(bye.toString())) : after != null ? "a line after close: " + Wire.abbreviate(after) : "session ended");
    }

    private boolean handshake() {
        ObjectNode hello = session.request("hello");
        hello.put("protocol", Wire.PROTOCOL);
        hello.put("frames", true); // offered as a host does; a chip that does not know the field ignores it
        JsonNode h = session.ask(hello);
        if (!ConformanceSession.ok(h)) {
            session.row("hello", "the handshake is answered", ConformanceReport.Verdict.FAIL, ConformanceSession.error(h) + "; the remaining checks need it");
            return false;
        }
        session.check("hello", "the reply echoes the request's id", h.path("id").asLong(-1) == hello.get("id").asLong(), "id " + h.path("id"));
        session.check("hello", "protocol " + Wire.PROTOCOL, h.path("protocol").asInt(-1) == Wire.PROTOCOL, "protocol " + h.path("protocol"));
        JsonNode sizes = h.get("topology");
        StringBuilder net = new StringBuilder();
        if (sizes != null && sizes.isArray() && sizes.size() >= 2) {
            for (JsonNode n : sizes) net.append(net.length() == 0 ? "" : "-").append(n.isIntegralNumber() && n.asInt() >= 1 ? n.asInt() : -1);
        }
        try {
            t = Topology.parse(net.toString(), "topology");
        } catch (RuntimeException e) {
            session.row("hello", "topology: layer sizes, input first", ConformanceReport.Verdict.FAIL, "got " + Wire.abbreviate(String.valueOf(sizes)));
            return false;
        }
        session.row("hello", "topology: layer sizes, input first", ConformanceReport.Verdict.PASS, t.toString());
        curve = epsim.common.JsonName.lookup(TransferCurve.class, h.path("transfer").asText(""));
        session.check("hello", "transfer: hardSigmoid, sigmoid or tanh", curve != null, "transfer " + h.path("transfer"));
        if (curve == null) return false;
        JsonNode ops = h.get("ops");
        if (ops == null) {
            session.row("hello", "ops: the ops the chip implements", ConformanceReport.Verdict.INFO, "not listed: the host takes every op as implemented and learns otherwise from error replies");
        } else {
            listed = EnumSet.noneOf(ChipOp.class);
            for (JsonNode n : ops) if (ChipOp.byWire(n.asText()) != null) listed.add(ChipOp.byWire(n.asText()));
            listed.add(ChipOp.HELLO);
            EnumSet<ChipOp> missing = EnumSet.copyOf(ChipOp.core());
            missing.removeAll(listed);
            session.check("hello", "ops include the core " + ChipOp.names(ChipOp.core()), missing.isEmpty(),
                    missing.isEmpty() ? ops.size() + " ops listed" : "missing " + ChipOp.names(missing));
        }
        session.row("hello", "model (optional)", ConformanceReport.Verdict.INFO, h.hasNonNull("model") ? "an epsim hardware model" : "none (the host uses a stand-in with the chip's transfer curve)");
        frames = Wire.isTrue(h, "frames");
        session.row("hello", "binary frames (optional)", ConformanceReport.Verdict.INFO, frames ? "agreed: arrays also travel as binary frames, checked below"
                : "not agreed: arrays travel as JSON or base64");
        return true;
    }

    private void framing() {
        ObjectNode structured = Wire.NODES.objectNode();
        structured.putArray("k").add(1);
        for (JsonNode id : List.<JsonNode>of(Wire.NODES.textNode("abc"), structured)) {
            ObjectNode r = session.request("reset");
            r.set("id", id);
            JsonNode reply = session.ask(r);
            session.check("framing", "a " + (id.isTextual() ? "string" : "structured") + " id is echoed", ConformanceSession.ok(reply) && id.equals(reply.get("id")),
                    reply == null ? "no reply" : "id " + Wire.abbreviate(String.valueOf(reply.get("id"))));
        }
        String line;
        try {
            line = session.channel().exchange("this is not JSON", options.timeoutSeconds());
        } catch (LineChannel.Broken e) {
            session.row("framing", "a malformed line gets an error reply", ConformanceReport.Verdict.FAIL, e.getMessage());
            throw e;
        }
        boolean refused = line.contains("\"ok\"") && line.contains("false");
        session.check("framing", "a malformed line gets an error reply", refused, Wire.abbreviate(line));
        JsonNode unknown = session.ask(session.request("no_such_op"));
        session.check("framing", "an unknown op gets an error reply", unknown != null && !ConformanceSession.ok(unknown) && unknown.hasNonNull("error"),
                unknown == null ? "no reply" : Wire.abbreviate(unknown.toString()));
        session.channel().send("");
        ObjectNode after = session.request("reset");
        JsonNode next = session.ask(after);
        session.check("framing", "after errors and a blank line the session goes on, in order", ConformanceSession.ok(next) && next.path("id").asLong() == after.get("id").asLong(),
                next == null ? "no reply" : Wire.abbreviate(next.toString()));
    }

    /** Sets a batch of 2 in each encoding; returns the inputs, or null when the chip takes none. */
    private double[] inputs() {
        int n0 = t.inputSize();
        Rng rng = Rng.stream(1, "conformance");
        double[] x = new double[2 * n0];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextDouble();
        for (Wire.Encoding e : TEXT_ENCODINGS) {
            ObjectNode r = session.request("set_inputs").put("batch", 2);
            r.set("inputs", Wire.array(x, e));
            JsonNode reply = session.ask(r);
            session.check("set_inputs", "inputs as " + e.label, ConformanceSession.ok(reply), ConformanceSession.ok(reply) ? "batch 2 x " + n0 : ConformanceSession.error(reply));
            if (!ConformanceSession.ok(reply) && e == Wire.Encoding.JSON) return null;
        }
        ObjectNode wrong = session.request("set_inputs").put("batch", 2);
        wrong.set("inputs", Wire.array(Arrays.copyOf(x, x.length - 1), Wire.Encoding.F64));
        JsonNode refused = session.ask(wrong);
        session.check("set_inputs", "a wrong array length is refused", refused != null && !ConformanceSession.ok(refused), refused == null ? "no reply" : Wire.abbreviate(ConformanceSession.error(refused)));
        ObjectNode again = session.request("set_inputs").put("batch", 2);
        again.set("inputs", Wire.array(x, Wire.Encoding.F64));
        session.ask(again);
        double[][] reads = new double[3][];
        for (Wire.Encoding e : TEXT_ENCODINGS) reads[e.ordinal()] = ConformanceSession.values(session.ask(session.request("read").put("layer", 0).put("encoding", e.label)));
        boolean sized = Arrays.stream(reads).allMatch(v -> v != null && v.length == x.length);
        session.check("read", "layer 0 gives batch x size(0) values in json, f32 and f64", sized,
                sized ? x.length + " values" : "lengths " + Arrays.stream(reads).map(v -> v == null ? "none" : String.valueOf(v.length)).toList());
        if (sized) {
            double f32 = 0, dac = 0;
            for (int i = 0; i < x.length; i++) {
                f32 = Math.max(f32, Math.abs(reads[1][i] - reads[2][i]));
                dac = Math.max(dac, Math.abs(reads[2][i] - x[i]));
            }
            session.check("read", "json and f64 agree exactly; f32 to its rounding (2^-24 relative)", Arrays.equals(reads[0], reads[2]) && f32 <= 1.2e-7,
                    String.format(Locale.ROOT, "f32 differs by %.2e", f32));
            session.row("read", "layer 0 returns the applied inputs (after the DACs)", ConformanceReport.Verdict.INFO, String.format(Locale.ROOT, "max |read - input| %.3g", dac));
            if (frames) frames(x, reads[2]);
        }
        return x;
    }

    /** The array encodings every chip takes; binary frames only after the handshake agreed to them. */
    private static final List<Wire.Encoding> TEXT_ENCODINGS = List.of(Wire.Encoding.JSON, Wire.Encoding.F32, Wire.Encoding.F64);

    /** Whether the chip agreed to binary frames in its handshake. */
    private boolean frames;

    /**
     * With frames agreed: the inputs sent in a binary block read back (in a block) as they did in
     * f64, and a frame reference outside its block is refused without ending the session.
     */
    private void frames(double[] x, double[] f64Read) {
        Wire.Frames block = new Wire.Frames();
        ObjectNode r = session.request("set_inputs").put("batch", 2);
        r.set("inputs", Wire.array(x, Wire.Encoding.FRAME, block));
        JsonNode set = session.ask(r, block);
        session.check("frames", "inputs in a binary block", ConformanceSession.ok(set), ConformanceSession.ok(set) ? "batch 2" : ConformanceSession.error(set));
        JsonNode read = session.ask(session.request("read").put("layer", 0).put("encoding", "frame"));
        double[] v = null;
        try {
            v = ConformanceSession.ok(read) ? Wire.doubles(read.get("values"), "values", session.lastBlock()) : null;
        } catch (Wire.BadMessage e) {
            session.row("frames", "layer 0 read into a binary block", ConformanceReport.Verdict.FAIL, e.getMessage());
        }
        if (v != null || !ConformanceSession.ok(read)) {
            session.check("frames", "layer 0 read into a binary block equals its f64 read bit for bit", v != null && Arrays.equals(v, f64Read),
                    v == null ? ConformanceSession.error(read) : v.length + " values");
        }
        Wire.Frames tooShort = new Wire.Frames();
        ObjectNode bad = session.request("set_inputs").put("batch", 2);
        tooShort.add(new double[] {0.5});
        ObjectNode outside = Wire.NODES.objectNode();
        outside.putArray("frame").add(0).add(x.length);
        bad.set("inputs", outside);
        JsonNode refused = session.ask(bad, tooShort);
        session.check("frames", "a frame reference outside its block is refused", refused != null && !ConformanceSession.ok(refused),
                refused == null ? "no reply" : Wire.abbreviate(ConformanceSession.ok(refused) ? "accepted" : ConformanceSession.error(refused)));
        ObjectNode again = session.request("set_inputs").put("batch", 2);
        again.set("inputs", Wire.array(x, Wire.Encoding.F64));
        session.ask(again);
    }

    private void relaxAndRead() {
        session.ask(session.request("reset"));
        JsonNode zero = session.ask(session.request("relax").put("steps", 0).put("tolerance", 0));
        session.check("relax", "0 steps: steps 0, last_change null", ConformanceSession.ok(zero) && zero.path("steps").asInt(-1) == 0 && zero.path("last_change").isNull(),
                zero == null ? "no reply" : Wire.abbreviate(zero.toString()));
        JsonNode five = session.ask(session.request("relax").put("steps", 5).put("tolerance", 0));
        session.check("relax", "steps within the cap, converged a boolean, last_change a number", ConformanceSession.ok(five) && five.path("steps").asInt(-1) >= 0
                        && five.path("steps").asInt(99) <= 5 && five.path("converged").isBoolean() && five.path("last_change").isNumber(),
                five == null ? "no reply" : Wire.abbreviate(five.toString()));
        JsonNode settle = session.ask(session.request("relax").put("steps", 10_000).put("tolerance", 1e-6));
        session.row("relax", "to tolerance 1e-6 within 10000 steps", ConformanceSession.ok(settle) ? ConformanceReport.Verdict.INFO : ConformanceReport.Verdict.FAIL,
                ConformanceSession.ok(settle) ? "steps " + settle.path("steps") + ", converged " + settle.path("converged") : ConformanceSession.error(settle));
        boolean allSized = true, inRails = true;
        for (int l = 1; l < t.neuronLayers(); l++) {
            double[] v = ConformanceSession.values(session.ask(session.request("read").put("layer", l).put("encoding", "f64")));
            allSized &= v != null && v.length == 2 * t.size(l);
            if (v != null) for (double y : v) inRails &= Double.isFinite(y) && y >= curve.railLow - 1e-12 && y <= curve.railHigh + 1e-12;
        }
        session.check("read", "layers 1..L: batch x size(l) values", allSized, t.weightLayers() + " layers read");
        session.check("read", "outputs lie within the transfer curve's rails", inRails, "[" + curve.railLow + ", " + curve.railHigh + "]");
        JsonNode bad = session.ask(session.request("read").put("layer", t.neuronLayers()).put("encoding", "f64"));
        session.check("read", "a layer beyond L is refused", bad != null && !ConformanceSession.ok(bad), bad == null ? "no reply" : Wire.abbreviate(ConformanceSession.error(bad)));
    }

    private void nudge() {
        JsonNode free = session.ask(session.request("set_nudge").put("beta", 0));
        session.check("set_nudge", "beta 0 (no target)", ConformanceSession.ok(free), ConformanceSession.ok(free) ? "accepted" : ConformanceSession.error(free));
        double[] y = new double[2 * t.outputSize()];
        y[0] = 1;
        ObjectNode r = session.request("set_nudge").put("beta", 0.5);
        r.set("target", Wire.array(y, Wire.Encoding.F64));
        JsonNode on = session.ask(r);
        session.check("set_nudge", "beta 0.5 with a batch x size(L) target", ConformanceSession.ok(on), ConformanceSession.ok(on) ? "accepted" : ConformanceSession.error(on));
        ObjectNode wrong = session.request("set_nudge").put("beta", 0.5);
        wrong.set("target", Wire.array(Arrays.copyOf(y, y.length - 1), Wire.Encoding.F64));
        JsonNode refused = session.ask(wrong);
        session.check("set_nudge", "a wrong target length is refused", refused != null && !ConformanceSession.ok(refused), refused == null ? "no reply" : Wire.abbreviate(ConformanceSession.error(refused)));
        session.ask(session.request("set_nudge").put("beta", 0));
    }

    private LayerParams weights() {
        LayerParams[] w = new LayerParams[2];
        String[] enc = {"json", "f64"};
        for (int i = 0; i < 2; i++) {
            JsonNode r = session.ask(session.request("read_weights").put("encoding", enc[i]));
            try {
                w[i] = ConformanceSession.ok(r) ? Wire.params(r, t, "weights") : null;
            } catch (Wire.BadMessage e) {
                session.row("read_weights", "w and b in the topology's shapes (" + enc[i] + ")", ConformanceReport.Verdict.FAIL, e.getMessage());
                return null;
            }
        }
        boolean same = w[0] != null && w[1] != null && Arrays.equals(w[0].flatten(), w[1].flatten());
        session.check("read_weights", "w and b in the topology's shapes, json and f64 equal", same, t.parameterCount() + " parameters");
        return w[1];
    }

    private void states() {
        if (!supported(ChipOp.SAVE_STATE)) {
            session.row("save_state", "save, nudge, restore: the reads come back", ConformanceReport.Verdict.UNSUPPORTED, "not listed in the handshake");
            return;
        }
        session.ask(session.request("reset"));
        session.ask(session.request("relax").put("steps", 50).put("tolerance", 0));
        JsonNode saved = session.ask(session.request("save_state"));
        if (!ConformanceSession.ok(saved)) {
            session.row("save_state", "save, nudge, restore: the reads come back", listed == null ? ConformanceReport.Verdict.UNSUPPORTED : ConformanceReport.Verdict.FAIL, ConformanceSession.error(saved));
            return;
        }
        double[] before = ConformanceSession.values(session.ask(session.request("read").put("layer", t.weightLayers()).put("encoding", "f64")));
        double[] y = new double[2 * t.outputSize()];
        ObjectNode nudge = session.request("set_nudge").put("beta", 1);
        nudge.set("target", Wire.array(y, Wire.Encoding.F64));
        session.ask(nudge);
        session.ask(session.request("relax").put("steps", 20).put("tolerance", 0));
        session.ask(session.request("set_nudge").put("beta", 0));
        JsonNode back = session.ask(session.request("restore_state").set("state", saved.get("state")));
        double[] after = ConformanceSession.values(session.ask(session.request("read").put("layer", t.weightLayers()).put("encoding", "f64")));
        // reads go through the ADC and may carry read noise: an exact match is expected of a noiseless chip only
        double diff = before == null || after == null || before.length != after.length ? Double.NaN : ConformanceSession.maxDiff(before, after);
        session.check("restore_state", "save, nudge, restore: the reads come back", ConformanceSession.ok(back) && diff <= options.tolerance(),
                ConformanceSession.ok(back) ? String.format(Locale.ROOT, "max |after - before| %.3g (tolerance %.3g)", diff, options.tolerance()) : ConformanceSession.error(back));
        JsonNode drop = session.ask(session.request("drop_state").set("state", saved.get("state")));
        session.row("drop_state", "forgets a state", ConformanceSession.ok(drop) ? ConformanceReport.Verdict.PASS : supported(ChipOp.DROP_STATE) && listed != null ? ConformanceReport.Verdict.FAIL : ConformanceReport.Verdict.UNSUPPORTED,
                ConformanceSession.ok(drop) ? "dropped" : ConformanceSession.error(drop));
    }

    /** Programs a small change, reads it back, and programs it away again. */
    private void roundTrip(LayerParams w0) {
        double scale = 0;
        for (double v : w0.flatten()) scale = Math.max(scale, Math.abs(v));
        scale = scale > 0 ? 0.01 * scale : 0.01;
        LayerParams d = new LayerParams(t);
        Rng rng = Rng.stream(2, "conformance");
        for (int k = 0; k < t.weightLayers(); k++) {
            for (int i = 0; i < d.w[k].length; i++) d.w[k][i] = scale * (2 * rng.nextDouble() - 1);
            for (int i = 0; i < d.b[k].length; i++) d.b[k][i] = scale * (2 * rng.nextDouble() - 1);
        }
        session.program(d);
        LayerParams w1 = session.readWeights(t);
        if (w1 == null) {
            session.row("program", "program / read_weights round trip", ConformanceReport.Verdict.FAIL, "read_weights failed after program");
            return;
        }
        double[] a = w0.flatten(), b = w1.flatten(), c = d.flatten();
        double err = 0;
        for (int i = 0; i < a.length; i++) err = Math.max(err, Math.abs(b[i] - a[i] - c[i]));
        session.check("program", "program / read_weights round trip", err <= options.tolerance() * scale,
                String.format(Locale.ROOT, "max |read - (before + delta)| = %.3g of a delta of %.3g (tolerance %.3g relative)", err, scale, options.tolerance()));
        session.program(new LayerParams(t).addScaled(d, -1));
    }

    /** All weights zero: every neuron settles at u = 0, so every layer reads rho(0); then the weights go back. */
    private void knownNetwork() {
        LayerParams w = session.readWeights(t);
        if (w == null) return;
        session.program(new LayerParams(t).addScaled(w, -1));
        session.ask(session.request("reset"));
        JsonNode relax = session.ask(session.request("relax").put("steps", 10_000).put("tolerance", 1e-9));
        double worst = 0;
        for (int l = 1; l < t.neuronLayers(); l++) {
            double[] v = ConformanceSession.values(session.ask(session.request("read").put("layer", l).put("encoding", "f64")));
            if (v == null) {
                worst = Double.NaN;
                break;
            }
            for (double y : v) worst = Math.max(worst, Math.abs(y - curve.rho(0)));
        }
        session.check("relax", "a known network (all weights zero) settles at u = 0: every layer reads rho(0) = " + curve.rho(0),
                ConformanceSession.ok(relax) && relax.path("converged").asBoolean(false) && worst <= options.tolerance(),
                String.format(Locale.ROOT, "converged %s in %s steps, max |read - rho(0)| %.3g (tolerance %.3g; an ideal chip meets it)",
                        relax == null ? "?" : relax.path("converged"), relax == null ? "?" : relax.path("steps"), worst, options.tolerance()));
        session.program(w);
    }

    /** The optional ops a training step or a checkpoint may use, each tried with a request that changes nothing. */
    private void optionalOps() {
        Map<ChipOp, ObjectNode> harmless = new LinkedHashMap<>();
        harmless.put(ChipOp.SET_FEEDBACK_GAIN, session.request("set_feedback_gain").put("gain", 1));
        ObjectNode clamp = session.request("clamp").put("layer", 1);
        clamp.putNull("values");
        harmless.put(ChipOp.CLAMP, clamp);
        harmless.put(ChipOp.SET_GHOST_UNITS, session.request("set_ghost_units").put("enabled", false));
        harmless.put(ChipOp.ADVANCE_TIME, session.request("advance_time").put("seconds", 0));
        harmless.put(ChipOp.COUNTERS, session.request("counters"));
        harmless.put(ChipOp.PERSIST, session.request("persist"));
        for (Map.Entry<ChipOp, ObjectNode> e : harmless.entrySet()) {
            JsonNode r = session.ask(e.getValue());
            String op = e.getKey().wire;
            if (ConformanceSession.ok(r)) {
                session.row(op, "answered", ConformanceReport.Verdict.PASS, listed != null && !listed.contains(e.getKey()) ? "implemented, though not listed in the handshake" : "ok");
                if (e.getKey() == ChipOp.PERSIST && supported(ChipOp.RESTORE)) {
                    JsonNode back = session.ask(session.request("restore").set("chip", r.get("chip")));
                    session.check("restore", "restores what persist returned", ConformanceSession.ok(back), ConformanceSession.ok(back) ? "ok" : ConformanceSession.error(back));
                }
            } else if (r != null && r.hasNonNull("error")) {
                boolean promised = listed != null && listed.contains(e.getKey());
                session.row(op, promised ? "answered" : "not implemented: answered with an error", promised ? ConformanceReport.Verdict.FAIL : ConformanceReport.Verdict.UNSUPPORTED,
                        Wire.abbreviate(ConformanceSession.error(r)));
            } else {
                session.row(op, "answered", ConformanceReport.Verdict.FAIL, "no error text in a refusal");
            }
        }
        readLayers();
        for (ChipOp op : List.of(ChipOp.READ_GHOST, ChipOp.RESET_COUNTERS, ChipOp.UPDATE_OUTER_PRODUCT)) {
            if (!session.exercised().contains(op)) session.row(op.wire, "not exercised (it needs a rule's circuit or changes state)", supported(op) ? ConformanceReport.Verdict.INFO : ConformanceReport.Verdict.UNSUPPORTED,
                    supported(op) ? (listed == null ? "no ops list" : "listed") : "not listed");
        }
    }

    /** read_layers, when listed: every layer in one reply, each batch x size, layer 0 as its own read gives it. */
    private void readLayers() {
        if (!supported(ChipOp.READ_LAYERS) || listed == null) {
            session.row("read_layers", "every layer in one round trip", ConformanceReport.Verdict.UNSUPPORTED, "not listed (the host reads layer by layer)");
            return;
        }
        double[] layer0 = ConformanceSession.values(session.ask(session.request("read").put("layer", 0).put("encoding", "f64")));
        ObjectNode r = session.request("read_layers").put("encoding", "f64");
        for (int l = 0; l < t.neuronLayers(); l++) r.withArray("layers").add(l);
        JsonNode reply = session.ask(r);
        JsonNode values = ConformanceSession.ok(reply) ? reply.get("values") : null;
        boolean shaped = values != null && values.isArray() && values.size() == t.neuronLayers();
        String detail = shaped ? "" : reply == null ? "no reply" : ConformanceSession.ok(reply) ? "values: not one array per layer" : ConformanceSession.error(reply);
        for (int l = 0; shaped && l < t.neuronLayers(); l++) {
            double[] v;
            try {
                v = Wire.doubles(values.get(l), "values[" + l + "]");
            } catch (Wire.BadMessage e) {
                v = null;
                detail = e.getMessage();
            }
            shaped = v != null && v.length == 2 * t.size(l) && (l != 0 || Arrays.equals(v, layer0));
            if (!shaped && detail.isEmpty()) detail = "layer " + l + ": " + (v == null ? "none" : v.length + " values" + (l == 0 ? " or not layer 0's read" : ""));
        }
        session.check("read_layers", "every layer in one reply, batch x size each, layer 0 equal to its read", shaped, shaped ? t.neuronLayers() + " layers" : detail);
    }

    /** The ops of one training step, repeated: where the time of a step goes. */
    private void timing(double[] inputs) {
        session.clearTimes();
        LayerParams zero = new LayerParams(t); // programs nothing: the round trip alone
        for (int i = 0; i < options.repeats(); i++) {
            ObjectNode s = session.request("set_inputs").put("batch", 2);
            s.set("inputs", Wire.array(inputs, Wire.Encoding.F64));
            session.ask(s);
            session.ask(session.request("reset"));
            session.ask(session.request("relax").put("steps", 10).put("tolerance", 0));
            session.ask(session.request("read").put("layer", t.weightLayers()).put("encoding", "f64"));
            session.ask(session.request("read_weights").put("encoding", "f64"));
            ObjectNode p = session.request("program");
            p.set("delta", Wire.params(zero, Wire.Encoding.F64));
            session.ask(p);
        }
    }
}
