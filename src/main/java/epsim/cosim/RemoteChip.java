package epsim.cosim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.chip.ChipCounters;
import epsim.chip.HostedChip;
import epsim.chip.PersistedChip;
import epsim.common.UserError;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.model.TransferCurve;

import java.util.ArrayDeque;
import java.util.List;

/**
 * A chip on the other side of the co-simulation protocol: another process started with
 * {@code exec:COMMAND} (talking over its standard input and output) or a server at
 * {@code tcp:HOST:PORT}. Arrays travel as binary float64 frames when the chip's handshake agrees,
 * else as base64 float64: exact either way, so a run against {@code epsim serve} gives the same
 * bits as the in-process chip. Every reply is awaited at most
 * {@code timeoutSeconds}; a dead, silent or misbehaving peer ends the run with a one-line error.
 */
public final class RemoteChip implements HostedChip {
    /** Neuron states kept on the server at once; older ones are dropped (rules only restore the latest). */
    static final int KEPT_STATES = 16;
    /** The longest reply line read (the server's default --max-message); a longer one ends the run with an error. */
    public static final int MAX_REPLY_BYTES = 268_435_456;

    private final String spec;
    private boolean ownModel = true;
    private final RemoteCalls calls;
    private final Topology topology;
    private final HardwareModel model;
    /** The ops the chip implements: its handshake's "ops", or every op when the handshake lists none. */
    private final java.util.Set<epsim.chip.ChipOp> ops;
    /** Whether the handshake listed its ops: read_layers, an op for speed only, is sent only to a chip that lists it. */
    private final boolean opsListed;
    /** Optional ops the chip answered with an error (a chip whose handshake lists no ops): not sent again. */
    private final java.util.Set<epsim.chip.ChipOp> refused = java.util.EnumSet.noneOf(epsim.chip.ChipOp.class);
    private String lastRefusal;
    private final ArrayDeque<Integer> states = new ArrayDeque<>();
    private int batch;
    // What the chip was last told, so that rules re-stating their circuit each batch cost no round trip
    private double sentGain = 1;
    private boolean sentGhosts;
    private boolean[] clampedLayers;

    private record RemoteState(int handle) implements State {}

    public static RemoteChip connect(String spec, double timeoutSeconds) {
        return connect(spec, timeoutSeconds, MAX_REPLY_BYTES);
    }

    /** @param maxReplyBytes the longest reply line read; a longer one ends the session with an error */
    public static RemoteChip connect(String spec, double timeoutSeconds, int maxReplyBytes) {
        return connect(spec, timeoutSeconds, maxReplyBytes, true);
    }

    /**
     * @param offerFrames whether the handshake offers binary frames (docs/cosim-protocol.md); arrays travel in them when the
     *                    chip agrees, else as base64 f64, with the same bits either way
     */
    public static RemoteChip connect(String spec, double timeoutSeconds, int maxReplyBytes, boolean offerFrames) {
        LineChannel channel = LineChannel.open(spec, timeoutSeconds, maxReplyBytes);
        try {
            return new RemoteChip(spec, channel, timeoutSeconds, offerFrames);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private RemoteChip(String spec, LineChannel channel, double timeoutSeconds, boolean offerFrames) {
        this.spec = spec;
        this.calls = new RemoteCalls(spec, channel, timeoutSeconds);
        ObjectNode hello = calls.request("hello");
        hello.put("protocol", Wire.PROTOCOL);
        if (offerFrames) hello.put("frames", true); // a chip that does not know the field ignores it, and arrays stay base64
        JsonNode h = calls.call(hello);
        if (offerFrames && Wire.isTrue(h, "frames")) calls.useFrames();
        JsonNode version = h.get("protocol");
        if (version == null || !version.isIntegralNumber() || version.asLong() != Wire.PROTOCOL) {
            throw calls.fail("the handshake's protocol is " + (version == null ? "missing" : Wire.abbreviate(version.toString())) + ", this host speaks "
                    + Wire.PROTOCOL + " (docs/cosim-protocol.md)");
        }
        JsonNode transfer = h.get("transfer");
        if (transfer != null && !transfer.isNull()
                && (!transfer.isTextual() || epsim.common.JsonName.lookup(TransferCurve.class, transfer.asText()) == null)) {
            throw calls.fail("the handshake's transfer " + Wire.abbreviate(transfer.toString()) + " is not hardSigmoid, sigmoid or tanh");
        }
        JsonNode sizes = h.get("topology");
        if (sizes == null || !sizes.isArray() || sizes.size() < 2) throw calls.fail("the handshake has no topology");
        StringBuilder net = new StringBuilder();
        for (JsonNode n : sizes) {
            if (!n.isIntegralNumber() || !n.canConvertToInt()) throw calls.fail("the handshake's topology holds " + Wire.abbreviate(n.toString()) + ", not layer sizes");
            net.append(net.length() == 0 ? "" : "-").append(n.asInt());
        }
        this.topology = Topology.parse(net.toString(), "--chip " + spec + ": topology");
        this.clampedLayers = new boolean[topology.neuronLayers()];
        calls.limitReplies(Wire.ShapeLimit.forChip(topology));
        this.ops = handshakeOps(h.get("ops"));
        this.opsListed = h.get("ops") != null && !h.get("ops").isNull();
        JsonNode m = h.get("model");
        if (m == null || m.isNull()) {
            this.model = standIn(h.get("transfer"));
            this.ownModel = false;
        } else {
            try {
                this.model = ModelLoader.parse(Wire.JSON.writeValueAsString(m), "--chip " + spec + ": model", List.of());
            } catch (JsonProcessingException e) {
                throw calls.fail("the handshake's model is not JSON");
            }
            if (transfer != null && !transfer.isNull() && !transfer.asText().equals(model.neuron().transfer().jsonName)) {
                throw calls.fail("the handshake's transfer " + transfer.asText() + " is not its model's (" + model.neuron().transfer().jsonName + ")");
            }
        }
    }

    /** The handshake's list of ops; a chip that lists none is taken to implement every op (as the first protocol text assumed). */
    private java.util.Set<epsim.chip.ChipOp> handshakeOps(JsonNode list) {
        if (list == null || list.isNull()) return java.util.EnumSet.allOf(epsim.chip.ChipOp.class);
        if (!list.isArray()) throw calls.fail("the handshake's ops: expected an array of op names");
        java.util.EnumSet<epsim.chip.ChipOp> set = java.util.EnumSet.noneOf(epsim.chip.ChipOp.class);
        for (JsonNode n : list) {
            epsim.chip.ChipOp op = n.isTextual() ? epsim.chip.ChipOp.byWire(n.asText()) : null;
            if (op != null) set.add(op); // an op this host does not know is the chip's own business
        }
        set.add(epsim.chip.ChipOp.HELLO);
        java.util.EnumSet<epsim.chip.ChipOp> missing = java.util.EnumSet.copyOf(epsim.chip.ChipOp.core());
        missing.removeAll(set);
        if (!missing.isEmpty()) throw calls.fail("the chip lacks the core ops " + epsim.chip.ChipOp.names(missing) + " (docs/cosim-protocol.md, \"The chip contract\")");
        return set;
    }

    /**
     * The model of a chip whose handshake has none (a foreign chip): the ideal preset with the
     * chip's transfer curve, for what the host itself needs of it (the curve, the exact references'
     * step). It states no cost (the run is not costed) and host updates.
     */
    private HardwareModel standIn(JsonNode transfer) {
        if (transfer == null || !transfer.isTextual() || epsim.common.JsonName.lookup(TransferCurve.class, transfer.asText()) == null) {
            throw calls.fail("a handshake without a model must give \"transfer\" (hardSigmoid, sigmoid or tanh)");
        }
        ObjectNode ideal = ModelLoader.toJson(ModelLoader.load("ideal", List.of()));
        ideal.remove(epsim.model.ModelField.COST_SECTION);
        ideal.remove(epsim.model.ModelField.UPDATE_SECTION);
        ideal.put("name", "the chip's own (its handshake has no model)");
        ((ObjectNode) ideal.get("neuron")).put("transfer", transfer.asText());
        try {
            return ModelLoader.parse(Wire.JSON.writeValueAsString(ideal), "--chip " + spec + ": stand-in model", List.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String arrayTransport() {
        return calls.frames() ? "binary frames" : "base64 f64";
    }

    /** Per op: calls and seconds of round trip so far (docs/cosim-protocol.md, "Overhead"). */
    @Override
    public java.util.Map<String, double[]> roundTrips() {
        return calls.roundTrips();
    }

    @Override
    public boolean reportsModel() {
        return ownModel;
    }

    @Override
    public boolean supports(epsim.chip.ChipOp op) {
        return ops.contains(op) && !refused.contains(op);
    }

    /**
     * {@link #call} for an op the chip may refuse (persist): an error reply is said once on stderr
     * and gives null; a dead or silent chip still ends the run.
     */
    private JsonNode callOptional(ObjectNode request) {
        JsonNode r = calls.call(request, calls.timeoutSeconds(), true);
        if (Wire.ok(r)) return r;
        refused.add(epsim.chip.ChipOp.byWire(request.get("op").asText()));
        lastRefusal = Wire.abbreviate(r.path("error").asText(""));
        return null;
    }

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public TransferCurve transfer() {
        return model.neuron().transfer();
    }

    @Override
    public HardwareModel model() {
        return model;
    }

    @Override
    public void setFeedbackGain(double gain) {
        if (gain == sentGain) return;
        calls.call(calls.request("set_feedback_gain").put("gain", gain));
        sentGain = gain;
    }

    @Override
    public void clamp(int layer, double[] outputs) {
        boolean inRange = layer >= 1 && layer < clampedLayers.length;
        if (outputs == null && inRange && !clampedLayers[layer] && batch > 0) return;
        ObjectNode r = calls.request("clamp").put("layer", layer);
        Wire.Frames block = calls.block();
        if (outputs == null) r.putNull("values");
        else r.set("values", RemoteCalls.array(outputs, block));
        calls.call(r, block);
        if (inRange) clampedLayers[layer] = outputs != null;
    }

    @Override
    public void setGhostUnits(boolean enabled) {
        if (enabled == sentGhosts) return;
        calls.call(calls.request("set_ghost_units").put("enabled", enabled));
        sentGhosts = enabled;
    }

    @Override
    public double[] readGhost(int k) {
        double[] v = calls.values(calls.call(calls.request("read_ghost").put("population", k).put("encoding", calls.replyEncoding())), "values");
        return sized(v, (long) batch * (k >= 0 && k + 1 < topology.neuronLayers() ? topology.size(k + 1) : 0), "read_ghost");
    }

    @Override
    public void setInputs(double[] inputs, int batchSize) {
        ObjectNode r = calls.request("set_inputs").put("batch", batchSize);
        Wire.Frames block = calls.block();
        r.set("inputs", RemoteCalls.array(inputs, block));
        calls.call(r, block);
        if (batchSize != batch) java.util.Arrays.fill(clampedLayers, false); // a new batch size releases every clamp
        batch = batchSize;
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public void setNudge(double[] target, double beta) {
        ObjectNode r = calls.request("set_nudge").put("beta", beta);
        Wire.Frames block = calls.block();
        if (target != null && beta != 0) r.set("target", RemoteCalls.array(target, block));
        calls.call(r, block);
    }

    @Override
    public void resetState() {
        calls.call(calls.request("reset"));
    }

    @Override
    public Relaxation relax(int maxSteps, double tolerance) {
        JsonNode r = calls.call(calls.request("relax").put("steps", maxSteps).put("tolerance", tolerance));
        JsonNode steps = r.get("steps"), converged = r.get("converged"), change = r.get("last_change");
        if (steps == null || !steps.isIntegralNumber() || !steps.canConvertToInt() || steps.asInt() < 0 || steps.asInt() > maxSteps) {
            throw calls.fail("reply to \"relax\": steps: expected an integer in 0.." + maxSteps + ", got " + Wire.abbreviate(String.valueOf(steps)));
        }
        if (converged == null || !converged.isBoolean()) throw calls.fail("reply to \"relax\": converged: expected true or false");
        if (change != null && !change.isNull() && !change.isNumber()) throw calls.fail("reply to \"relax\": last_change: expected a number");
        return new Relaxation(steps.asInt(), converged.asBoolean(), change == null || change.isNull() ? Double.NaN : change.asDouble());
    }

    @Override
    public double[] read(int layer) {
        double[] v = calls.values(calls.call(calls.request("read").put("layer", layer).put("encoding", calls.replyEncoding())), "values");
        int size = layer >= 0 && layer < topology.neuronLayers() ? topology.size(layer) : 0;
        return sized(v, (long) batch * size, "read");
    }

    /** One round trip for all of {@code layers} when the chip implements read_layers, else a read each. */
    @Override
    public double[][] readLayers(int... layers) {
        // a chip that lists no ops is taken to implement every op, but one that predates read_layers would refuse it
        if (!opsListed || !supports(epsim.chip.ChipOp.READ_LAYERS) || layers.length < 2) return HostedChip.super.readLayers(layers);
        ObjectNode r = calls.request("read_layers").put("encoding", calls.replyEncoding());
        com.fasterxml.jackson.databind.node.ArrayNode list = r.putArray("layers");
        for (int l : layers) list.add(l);
        JsonNode reply = calls.call(r);
        JsonNode values = reply.get("values");
        if (values == null || !values.isArray() || values.size() != layers.length) {
            throw calls.fail("reply to \"read_layers\": values: expected " + layers.length + " arrays, one per layer asked");
        }
        double[][] out = new double[layers.length][];
        for (int i = 0; i < layers.length; i++) {
            int size = layers[i] >= 0 && layers[i] < topology.neuronLayers() ? topology.size(layers[i]) : 0;
            out[i] = sized(calls.values(values, i, "values[" + i + "]"), (long) batch * size, "read_layers");
        }
        return out;
    }

    /** A reply's values must be as many as asked for, and finite. */
    private double[] sized(double[] v, long expected, String op) {
        if (v.length != expected) throw calls.fail("reply to \"" + op + "\": " + v.length + " values, expected " + expected + " (batch x layer size)");
        for (double x : v) if (!Double.isFinite(x)) throw calls.fail("reply to \"" + op + "\": a value is not finite");
        return v;
    }

    @Override
    public State saveState() {
        JsonNode state = calls.call(calls.request("save_state")).get("state");
        if (state == null || !state.isIntegralNumber() || !state.canConvertToInt()) throw calls.fail("reply to \"save_state\": state: expected an integer handle");
        int handle = state.asInt();
        states.addLast(handle);
        if (states.size() > KEPT_STATES) {
            int oldest = states.removeFirst();
            if (supports(epsim.chip.ChipOp.DROP_STATE)) callOptional(calls.request("drop_state").put("state", oldest)); // else the chip bounds its own
        }
        return new RemoteState(handle);
    }

    @Override
    public void restoreState(State state) {
        if (!(state instanceof RemoteState s)) throw new UserError("restore: the state does not belong to this chip");
        calls.call(calls.request("restore_state").put("state", s.handle()));
    }

    @Override
    public void program(LayerParams delta) {
        ObjectNode r = calls.request("program");
        Wire.Frames block = calls.block();
        r.set("delta", Wire.params(delta, RemoteCalls.encoding(block), block));
        calls.call(r, block);
    }

    /** The update mode the chip's handshake model states (host when its model has no update section). */
    @Override
    public HardwareModel.UpdateMode updateMode() {
        return model.update().mode();
    }

    @Override
    public void updateOuterProduct(int k, double[] d, double[] x, double bias, int terms, double scale) {
        ObjectNode r = calls.request("update_outer_product").put("layer", k).put("bias", bias).put("terms", terms).put("scale", scale);
        Wire.Frames block = calls.block();
        r.set("rows", RemoteCalls.array(d, block));
        r.set("columns", RemoteCalls.array(x, block));
        calls.call(r, block);
    }

    @Override
    public LayerParams readWeights() {
        JsonNode r = calls.call(calls.request("read_weights").put("encoding", calls.replyEncoding()));
        try {
            return calls.params(r, topology, "weights");
        } catch (Wire.BadMessage e) {
            throw calls.fail("reply " + e.getMessage());
        }
    }

    @Override
    public PersistedChip persist() {
        if (!supports(epsim.chip.ChipOp.PERSIST)) return null;
        JsonNode reply = callOptional(calls.request("persist"));
        if (reply == null) { // refused: the chip keeps its state, and is not asked again
            System.err.println("epsim: warning: --chip " + spec + " refused \"persist\" (" + lastRefusal
                    + "), so it is not asked again");
            return null;
        }
        PersistedChip p;
        try {
            p = Wire.persisted(reply.get("chip"), "chip");
        } catch (Wire.BadMessage e) {
            throw calls.fail("reply " + e.getMessage());
        }
        try {
            p.checkShape(topology); // a checkpoint is only written if it can be read back
        } catch (UserError e) {
            throw calls.fail("reply to \"persist\": " + e.getMessage());
        }
        return p;
    }

    @Override
    public void restore(PersistedChip state) {
        ObjectNode r = calls.request("restore");
        r.set("chip", Wire.persisted(state));
        calls.call(r);
    }

    /** The chip's own counts (op "counters"); a chip without them answers with an error, which stops the run. */
    @Override
    public ChipCounters counters() {
        if (!supports(epsim.chip.ChipOp.COUNTERS)) throw calls.fail("the chip does not implement counters");
        try {
            return Wire.counters(calls.call(calls.request("counters")).get("counters"), "counters");
        } catch (Wire.BadMessage e) {
            throw calls.fail("reply " + e.getMessage());
        }
    }

    @Override
    public void resetCounters() {
        if (!supports(epsim.chip.ChipOp.RESET_COUNTERS)) throw calls.fail("the chip does not implement reset_counters");
        calls.call(calls.request("reset_counters"));
    }

    @Override
    public void advanceTime(double seconds) {
        if (seconds == 0) return;
        if (!supports(epsim.chip.ChipOp.ADVANCE_TIME)) throw calls.fail("the chip does not implement advance_time (idle drift)");
        calls.call(calls.request("advance_time").put("seconds", seconds));
    }

    /** Says goodbye (briefly), then ends the connection and the chip's process with every process it started. */
    @Override
    public void close() {
        calls.close();
    }
}
