package epsim.cosim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.chip.ChipOp;
import epsim.common.Rng;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.TransferCurve;

import java.util.ArrayList;
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
    public enum Verdict { PASS, FAIL, UNSUPPORTED, INFO }

    public record Row(String op, String check, Verdict verdict, String detail) {}

    /** Round-trip times of one op, in milliseconds. */
    public record Latency(String op, int calls, double median, double p99) {}

    public record Report(List<Row> rows, List<Latency> latencies) {
        public boolean passed() {
            return rows.stream().noneMatch(r -> r.verdict() == Verdict.FAIL);
        }

        public long count(Verdict v) {
            return rows.stream().filter(r -> r.verdict() == v).count();
        }
    }

    /** What a run of the checker does: its waits, whether it may reprogram the weights, its tolerance, its timing repeats. */
    public record Options(double timeoutSeconds, boolean destructive, double tolerance, int repeats) {}

    private final LineChannel channel;
    private final Options options;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, List<Double>> times = new LinkedHashMap<>();
    private long nextId = 1;
    private Topology t;
    private TransferCurve curve;
    private Set<ChipOp> listed; // the handshake's ops, or null when it lists none
    private final Set<ChipOp> exercised = EnumSet.noneOf(ChipOp.class);
    private List<Latency> latencies = List.of();

    private Conformance(LineChannel channel, Options options) {
        this.channel = channel;
        this.options = options;
    }

    /** Runs the script against the chip {@code spec} names (exec:COMMAND or tcp:HOST:PORT). */
    public static Report run(String spec, Options options) {
        try (LineChannel channel = LineChannel.open(spec, options.timeoutSeconds(), RemoteChip.MAX_REPLY_BYTES)) {
            Conformance c = new Conformance(channel, options);
            try {
                c.script();
            } catch (LineChannel.Broken e) {
                c.row("session", "the chip stays connected and answers", Verdict.FAIL, e.getMessage() + "; the remaining checks were not run");
            }
            return new Report(List.copyOf(c.rows), c.latencies);
        }
    }

    private void row(String op, String check, Verdict v, String detail) {
        rows.add(new Row(op, check, v, detail));
    }

    private void check(String op, String check, boolean ok, String detail) {
        row(op, check, ok ? Verdict.PASS : Verdict.FAIL, detail);
    }

    private ObjectNode request(String op) {
        ObjectNode o = Wire.NODES.objectNode();
        o.put("op", op);
        o.put("id", nextId++);
        return o;
    }

    /** Sends one request and returns its reply object (null, with a FAIL row, when the reply is not a JSON object). */
    private JsonNode ask(ObjectNode request) {
        String op = request.path("op").asText();
        long start = System.nanoTime();
        String line;
        try {
            line = channel.exchange(Wire.JSON.writeValueAsString(request), options.timeoutSeconds());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        times.computeIfAbsent(op, k -> new ArrayList<>()).add((System.nanoTime() - start) / 1e6);
        ChipOp known = ChipOp.byWire(op);
        if (known != null) exercised.add(known);
        try {
            JsonNode r = Wire.JSON.readTree(line);
            if (r != null && r.isObject()) return r;
        } catch (JsonProcessingException e) {
            // below
        }
        row(op, "the reply is one JSON object", Verdict.FAIL, "got " + Wire.abbreviate(line));
        return null;
    }

    private static boolean ok(JsonNode r) {
        return r != null && r.path("ok").asBoolean(false);
    }

    private static String error(JsonNode r) {
        return r == null ? "no reply object" : r.path("error").asText("(no error text)");
    }

    private boolean supported(ChipOp op) {
        return listed == null || listed.contains(op);
    }

    private void script() {
        JsonNode early = ask(request("reset"));
        check("hello", "other ops are refused before hello", early != null && !ok(early),
                early == null ? "no reply object" : ok(early) ? "reset was accepted before hello" : "refused: " + Wire.abbreviate(error(early)));
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
            row("program", "program / read_weights round trip", Verdict.INFO, "not run: it reprograms the weights (--destructive)");
        }
        optionalOps();
        timing(inputs);
        latencies = latencies();
        JsonNode bye = ask(request("close"));
        if (bye != null && !ok(bye) && !supported(ChipOp.CLOSE)) {
            row("close", "close answers closed: true and ends the session", Verdict.UNSUPPORTED, "not listed (the host then just ends the connection)");
            return;
        }
        boolean closed = ok(bye) && bye.path("closed").asBoolean(false);
        String after;
        try {
            after = channel.poll(Math.min(5, options.timeoutSeconds()));
        } catch (LineChannel.Broken e) {
            after = null; // the end of the session, as it should
        }
        check("close", "close answers closed: true and ends the session", closed && after == null,
                !closed ? "reply " + (bye == null ? "none" : Wire.abbreviate(bye.toString())) : after != null ? "a line after close: " + Wire.abbreviate(after) : "session ended");
    }

    private boolean handshake() {
        ObjectNode hello = request("hello");
        hello.put("protocol", Wire.PROTOCOL);
        JsonNode h = ask(hello);
        if (!ok(h)) {
            row("hello", "the handshake is answered", Verdict.FAIL, error(h) + "; the remaining checks need it");
            return false;
        }
        check("hello", "the reply echoes the request's id", h.path("id").asLong(-1) == hello.get("id").asLong(), "id " + h.path("id"));
        check("hello", "protocol " + Wire.PROTOCOL, h.path("protocol").asInt(-1) == Wire.PROTOCOL, "protocol " + h.path("protocol"));
        JsonNode sizes = h.get("topology");
        StringBuilder net = new StringBuilder();
        if (sizes != null && sizes.isArray() && sizes.size() >= 2) {
            for (JsonNode n : sizes) net.append(net.length() == 0 ? "" : "-").append(n.isIntegralNumber() && n.asInt() >= 1 ? n.asInt() : -1);
        }
        try {
            t = Topology.parse(net.toString(), "topology");
        } catch (RuntimeException e) {
            row("hello", "topology: layer sizes, input first", Verdict.FAIL, "got " + Wire.abbreviate(String.valueOf(sizes)));
            return false;
        }
        row("hello", "topology: layer sizes, input first", Verdict.PASS, t.toString());
        curve = epsim.common.JsonName.lookup(TransferCurve.class, h.path("transfer").asText(""));
        check("hello", "transfer: hardSigmoid, sigmoid or tanh", curve != null, "transfer " + h.path("transfer"));
        if (curve == null) return false;
        JsonNode ops = h.get("ops");
        if (ops == null) {
            row("hello", "ops: the ops the chip implements", Verdict.INFO, "not listed: the host takes every op as implemented and learns otherwise from error replies");
        } else {
            listed = EnumSet.noneOf(ChipOp.class);
            for (JsonNode n : ops) if (ChipOp.byWire(n.asText()) != null) listed.add(ChipOp.byWire(n.asText()));
            listed.add(ChipOp.HELLO);
            EnumSet<ChipOp> missing = EnumSet.copyOf(ChipOp.core());
            missing.removeAll(listed);
            check("hello", "ops include the core " + ChipOp.names(ChipOp.core()), missing.isEmpty(),
                    missing.isEmpty() ? ops.size() + " ops listed" : "missing " + ChipOp.names(missing));
        }
        row("hello", "model (optional)", Verdict.INFO, h.hasNonNull("model") ? "an epsim hardware model" : "none (the host uses a stand-in with the chip's transfer curve)");
        return true;
    }

    private void framing() {
        ObjectNode structured = Wire.NODES.objectNode();
        structured.putArray("k").add(1);
        for (JsonNode id : List.<JsonNode>of(Wire.NODES.textNode("abc"), structured)) {
            ObjectNode r = request("reset");
            r.set("id", id);
            JsonNode reply = ask(r);
            check("framing", "a " + (id.isTextual() ? "string" : "structured") + " id is echoed", ok(reply) && id.equals(reply.get("id")),
                    reply == null ? "no reply" : "id " + Wire.abbreviate(String.valueOf(reply.get("id"))));
        }
        String line;
        try {
            line = channel.exchange("this is not JSON", options.timeoutSeconds());
        } catch (LineChannel.Broken e) {
            row("framing", "a malformed line gets an error reply", Verdict.FAIL, e.getMessage());
            throw e;
        }
        boolean refused = line.contains("\"ok\"") && line.contains("false");
        check("framing", "a malformed line gets an error reply", refused, Wire.abbreviate(line));
        JsonNode unknown = ask(request("no_such_op"));
        check("framing", "an unknown op gets an error reply", unknown != null && !ok(unknown) && unknown.hasNonNull("error"),
                unknown == null ? "no reply" : Wire.abbreviate(unknown.toString()));
        channel.send("");
        ObjectNode after = request("reset");
        JsonNode next = ask(after);
        check("framing", "after errors and a blank line the session goes on, in order", ok(next) && next.path("id").asLong() == after.get("id").asLong(),
                next == null ? "no reply" : Wire.abbreviate(next.toString()));
    }

    /** Sets a batch of 2 in each encoding; returns the inputs, or null when the chip takes none. */
    private double[] inputs() {
        int n0 = t.inputSize();
        Rng rng = Rng.stream(1, "conformance");
        double[] x = new double[2 * n0];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextDouble();
        for (Wire.Encoding e : Wire.Encoding.values()) {
            ObjectNode r = request("set_inputs").put("batch", 2);
            r.set("inputs", Wire.array(x, e));
            JsonNode reply = ask(r);
            check("set_inputs", "inputs as " + e.label, ok(reply), ok(reply) ? "batch 2 x " + n0 : error(reply));
            if (!ok(reply) && e == Wire.Encoding.JSON) return null;
        }
        ObjectNode wrong = request("set_inputs").put("batch", 2);
        wrong.set("inputs", Wire.array(Arrays.copyOf(x, x.length - 1), Wire.Encoding.F64));
        JsonNode refused = ask(wrong);
        check("set_inputs", "a wrong array length is refused", refused != null && !ok(refused), refused == null ? "no reply" : Wire.abbreviate(error(refused)));
        ObjectNode again = request("set_inputs").put("batch", 2);
        again.set("inputs", Wire.array(x, Wire.Encoding.F64));
        ask(again);
        double[][] reads = new double[3][];
        for (Wire.Encoding e : Wire.Encoding.values()) reads[e.ordinal()] = values(ask(request("read").put("layer", 0).put("encoding", e.label)));
        boolean sized = Arrays.stream(reads).allMatch(v -> v != null && v.length == x.length);
        check("read", "layer 0 gives batch x size(0) values in json, f32 and f64", sized,
                sized ? x.length + " values" : "lengths " + Arrays.stream(reads).map(v -> v == null ? "none" : String.valueOf(v.length)).toList());
        if (sized) {
            double f32 = 0, dac = 0;
            for (int i = 0; i < x.length; i++) {
                f32 = Math.max(f32, Math.abs(reads[1][i] - reads[2][i]));
                dac = Math.max(dac, Math.abs(reads[2][i] - x[i]));
            }
            check("read", "json and f64 agree exactly; f32 to its rounding (2^-24 relative)", Arrays.equals(reads[0], reads[2]) && f32 <= 1.2e-7,
                    String.format(Locale.ROOT, "f32 differs by %.2e", f32));
            row("read", "layer 0 returns the applied inputs (after the DACs)", Verdict.INFO, String.format(Locale.ROOT, "max |read - input| %.3g", dac));
        }
        return x;
    }

    private double[] values(JsonNode reply) {
        if (!ok(reply)) return null;
        try {
            return Wire.doubles(reply.get("values"), "values");
        } catch (Wire.BadMessage e) {
            return null;
        }
    }

    private void relaxAndRead() {
        ask(request("reset"));
        JsonNode zero = ask(request("relax").put("steps", 0).put("tolerance", 0));
        check("relax", "0 steps: steps 0, last_change null", ok(zero) && zero.path("steps").asInt(-1) == 0 && zero.path("last_change").isNull(),
                zero == null ? "no reply" : Wire.abbreviate(zero.toString()));
        JsonNode five = ask(request("relax").put("steps", 5).put("tolerance", 0));
        check("relax", "steps within the cap, converged a boolean, last_change a number", ok(five) && five.path("steps").asInt(-1) >= 0
                        && five.path("steps").asInt(99) <= 5 && five.path("converged").isBoolean() && five.path("last_change").isNumber(),
                five == null ? "no reply" : Wire.abbreviate(five.toString()));
        JsonNode settle = ask(request("relax").put("steps", 10_000).put("tolerance", 1e-6));
        row("relax", "to tolerance 1e-6 within 10000 steps", ok(settle) ? Verdict.INFO : Verdict.FAIL,
                ok(settle) ? "steps " + settle.path("steps") + ", converged " + settle.path("converged") : error(settle));
        boolean allSized = true, inRails = true;
        for (int l = 1; l < t.neuronLayers(); l++) {
            double[] v = values(ask(request("read").put("layer", l).put("encoding", "f64")));
            allSized &= v != null && v.length == 2 * t.size(l);
            if (v != null) for (double y : v) inRails &= Double.isFinite(y) && y >= curve.railLow - 1e-12 && y <= curve.railHigh + 1e-12;
        }
        check("read", "layers 1..L: batch x size(l) values", allSized, t.weightLayers() + " layers read");
        check("read", "outputs lie within the transfer curve's rails", inRails, "[" + curve.railLow + ", " + curve.railHigh + "]");
        JsonNode bad = ask(request("read").put("layer", t.neuronLayers()).put("encoding", "f64"));
        check("read", "a layer beyond L is refused", bad != null && !ok(bad), bad == null ? "no reply" : Wire.abbreviate(error(bad)));
    }

    private void nudge() {
        JsonNode free = ask(request("set_nudge").put("beta", 0));
        check("set_nudge", "beta 0 (no target)", ok(free), ok(free) ? "accepted" : error(free));
        double[] y = new double[2 * t.outputSize()];
        y[0] = 1;
        ObjectNode r = request("set_nudge").put("beta", 0.5);
        r.set("target", Wire.array(y, Wire.Encoding.F64));
        JsonNode on = ask(r);
        check("set_nudge", "beta 0.5 with a batch x size(L) target", ok(on), ok(on) ? "accepted" : error(on));
        ObjectNode wrong = request("set_nudge").put("beta", 0.5);
        wrong.set("target", Wire.array(Arrays.copyOf(y, y.length - 1), Wire.Encoding.F64));
        JsonNode refused = ask(wrong);
        check("set_nudge", "a wrong target length is refused", refused != null && !ok(refused), refused == null ? "no reply" : Wire.abbreviate(error(refused)));
        ask(request("set_nudge").put("beta", 0));
    }

    private LayerParams weights() {
        LayerParams[] w = new LayerParams[2];
        String[] enc = {"json", "f64"};
        for (int i = 0; i < 2; i++) {
            JsonNode r = ask(request("read_weights").put("encoding", enc[i]));
            try {
                w[i] = ok(r) ? Wire.params(r, t, "weights") : null;
            } catch (Wire.BadMessage e) {
                row("read_weights", "w and b in the topology's shapes (" + enc[i] + ")", Verdict.FAIL, e.getMessage());
                return null;
            }
        }
        boolean same = w[0] != null && w[1] != null && Arrays.equals(w[0].flatten(), w[1].flatten());
        check("read_weights", "w and b in the topology's shapes, json and f64 equal", same, t.parameterCount() + " parameters");
        return w[1];
    }

    private void states() {
        if (!supported(ChipOp.SAVE_STATE)) {
            row("save_state", "save, nudge, restore: the reads come back", Verdict.UNSUPPORTED, "not listed in the handshake");
            return;
        }
        ask(request("reset"));
        ask(request("relax").put("steps", 50).put("tolerance", 0));
        JsonNode saved = ask(request("save_state"));
        if (!ok(saved)) {
            row("save_state", "save, nudge, restore: the reads come back", listed == null ? Verdict.UNSUPPORTED : Verdict.FAIL, error(saved));
            return;
        }
        double[] before = values(ask(request("read").put("layer", t.weightLayers()).put("encoding", "f64")));
        double[] y = new double[2 * t.outputSize()];
        ObjectNode nudge = request("set_nudge").put("beta", 1);
        nudge.set("target", Wire.array(y, Wire.Encoding.F64));
        ask(nudge);
        ask(request("relax").put("steps", 20).put("tolerance", 0));
        ask(request("set_nudge").put("beta", 0));
        JsonNode back = ask(request("restore_state").set("state", saved.get("state")));
        double[] after = values(ask(request("read").put("layer", t.weightLayers()).put("encoding", "f64")));
        // reads go through the ADC and may carry read noise: an exact match is expected of a noiseless chip only
        double diff = before == null || after == null || before.length != after.length ? Double.NaN : maxDiff(before, after);
        check("restore_state", "save, nudge, restore: the reads come back", ok(back) && diff <= options.tolerance(),
                ok(back) ? String.format(Locale.ROOT, "max |after - before| %.3g (tolerance %.3g)", diff, options.tolerance()) : error(back));
        JsonNode drop = ask(request("drop_state").set("state", saved.get("state")));
        row("drop_state", "forgets a state", ok(drop) ? Verdict.PASS : supported(ChipOp.DROP_STATE) && listed != null ? Verdict.FAIL : Verdict.UNSUPPORTED,
                ok(drop) ? "dropped" : error(drop));
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private LayerParams readWeights() {
        try {
            JsonNode r = ask(request("read_weights").put("encoding", "f64"));
            return ok(r) ? Wire.params(r, t, "weights") : null;
        } catch (Wire.BadMessage e) {
            return null;
        }
    }

    private void program(LayerParams delta) {
        ObjectNode r = request("program");
        r.set("delta", Wire.params(delta, Wire.Encoding.F64));
        JsonNode reply = ask(r);
        if (!ok(reply)) row("program", "a weight change is accepted", Verdict.FAIL, error(reply));
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
        program(d);
        LayerParams w1 = readWeights();
        if (w1 == null) {
            row("program", "program / read_weights round trip", Verdict.FAIL, "read_weights failed after program");
            return;
        }
        double[] a = w0.flatten(), b = w1.flatten(), c = d.flatten();
        double err = 0;
        for (int i = 0; i < a.length; i++) err = Math.max(err, Math.abs(b[i] - a[i] - c[i]));
        check("program", "program / read_weights round trip", err <= options.tolerance() * scale,
                String.format(Locale.ROOT, "max |read - (before + delta)| = %.3g of a delta of %.3g (tolerance %.3g relative)", err, scale, options.tolerance()));
        program(new LayerParams(t).addScaled(d, -1));
    }

    /** All weights zero: every neuron settles at u = 0, so every layer reads rho(0); then the weights go back. */
    private void knownNetwork() {
        LayerParams w = readWeights();
        if (w == null) return;
        program(new LayerParams(t).addScaled(w, -1));
        ask(request("reset"));
        JsonNode relax = ask(request("relax").put("steps", 10_000).put("tolerance", 1e-9));
        double worst = 0;
        for (int l = 1; l < t.neuronLayers(); l++) {
            double[] v = values(ask(request("read").put("layer", l).put("encoding", "f64")));
            if (v == null) {
                worst = Double.NaN;
                break;
            }
            for (double y : v) worst = Math.max(worst, Math.abs(y - curve.rho(0)));
        }
        check("relax", "a known network (all weights zero) settles at u = 0: every layer reads rho(0) = " + curve.rho(0),
                ok(relax) && relax.path("converged").asBoolean(false) && worst <= options.tolerance(),
                String.format(Locale.ROOT, "converged %s in %s steps, max |read - rho(0)| %.3g (tolerance %.3g; an ideal chip meets it)",
                        relax == null ? "?" : relax.path("converged"), relax == null ? "?" : relax.path("steps"), worst, options.tolerance()));
        program(w);
    }

    /** The optional ops a training step or a checkpoint may use, each tried with a request that changes nothing. */
    private void optionalOps() {
        Map<ChipOp, ObjectNode> harmless = new LinkedHashMap<>();
        harmless.put(ChipOp.SET_FEEDBACK_GAIN, request("set_feedback_gain").put("gain", 1));
        ObjectNode clamp = request("clamp").put("layer", 1);
        clamp.putNull("values");
        harmless.put(ChipOp.CLAMP, clamp);
        harmless.put(ChipOp.SET_GHOST_UNITS, request("set_ghost_units").put("enabled", false));
        harmless.put(ChipOp.ADVANCE_TIME, request("advance_time").put("seconds", 0));
        harmless.put(ChipOp.COUNTERS, request("counters"));
        harmless.put(ChipOp.PERSIST, request("persist"));
        for (Map.Entry<ChipOp, ObjectNode> e : harmless.entrySet()) {
            JsonNode r = ask(e.getValue());
            String op = e.getKey().wire;
            if (ok(r)) {
                row(op, "answered", Verdict.PASS, listed != null && !listed.contains(e.getKey()) ? "implemented, though not listed in the handshake" : "ok");
                if (e.getKey() == ChipOp.PERSIST && supported(ChipOp.RESTORE)) {
                    JsonNode back = ask(request("restore").set("chip", r.get("chip")));
                    check("restore", "restores what persist returned", ok(back), ok(back) ? "ok" : error(back));
                }
            } else if (r != null && r.hasNonNull("error")) {
                boolean promised = listed != null && listed.contains(e.getKey());
                row(op, promised ? "answered" : "not implemented: answered with an error", promised ? Verdict.FAIL : Verdict.UNSUPPORTED,
                        Wire.abbreviate(error(r)));
            } else {
                row(op, "answered", Verdict.FAIL, "no error text in a refusal");
            }
        }
        for (ChipOp op : List.of(ChipOp.READ_GHOST, ChipOp.RESET_COUNTERS, ChipOp.UPDATE_OUTER_PRODUCT)) {
            if (!exercised.contains(op)) row(op.wire, "not exercised (it needs a rule's circuit or changes state)", supported(op) ? Verdict.INFO : Verdict.UNSUPPORTED,
                    supported(op) ? (listed == null ? "no ops list" : "listed") : "not listed");
        }
    }

    /** The ops of one training step, repeated: where the time of a step goes. */
    private void timing(double[] inputs) {
        times.clear();
        LayerParams zero = new LayerParams(t); // programs nothing: the round trip alone
        for (int i = 0; i < options.repeats(); i++) {
            ObjectNode s = request("set_inputs").put("batch", 2);
            s.set("inputs", Wire.array(inputs, Wire.Encoding.F64));
            ask(s);
            ask(request("reset"));
            ask(request("relax").put("steps", 10).put("tolerance", 0));
            ask(request("read").put("layer", t.weightLayers()).put("encoding", "f64"));
            ask(request("read_weights").put("encoding", "f64"));
            ObjectNode p = request("program");
            p.set("delta", Wire.params(zero, Wire.Encoding.F64));
            ask(p);
        }
    }

    private List<Latency> latencies() {
        List<Latency> out = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : times.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (v.length == 0) continue;
            out.add(new Latency(e.getKey(), v.length, v[(v.length - 1) / 2], v[(int) Math.min(v.length - 1, Math.ceil(0.99 * v.length) - 1)]));
        }
        return out;
    }

    /** The report as text: one row per check, then the latencies. */
    public static String describe(Report r) {
        StringBuilder b = new StringBuilder();
        for (Row row : r.rows()) {
            b.append(String.format(Locale.ROOT, "%-11s  %-14s %s: %s%n", row.verdict(), row.op(), row.check(), row.detail()));
        }
        if (!r.latencies().isEmpty()) {
            b.append(String.format(Locale.ROOT, "%nround trip per op (ms)      calls   median      p99%n"));
            for (Latency l : r.latencies()) b.append(String.format(Locale.ROOT, "  %-24s %6d %8.3f %8.3f%n", l.op(), l.calls(), l.median(), l.p99()));
        }
        b.append(String.format(Locale.ROOT, "%n%d passed, %d failed, %d unsupported, %d reported%n", r.count(Verdict.PASS), r.count(Verdict.FAIL),
                r.count(Verdict.UNSUPPORTED), r.count(Verdict.INFO)));
        return b.toString();
    }

    /** The report as JSON (--report). */
    public static ObjectNode toJson(Report r) {
        ObjectNode o = Wire.NODES.objectNode();
        o.put("passed", r.passed());
        ArrayNode rows = o.putArray("rows");
        for (Row row : r.rows()) rows.addObject().put("op", row.op()).put("check", row.check()).put("verdict", row.verdict().name()).put("detail", row.detail());
        ArrayNode lat = o.putArray("latency_ms");
        for (Latency l : r.latencies()) lat.addObject().put("op", l.op()).put("calls", l.calls()).put("median", l.median()).put("p99", l.p99());
        return o;
    }
}
