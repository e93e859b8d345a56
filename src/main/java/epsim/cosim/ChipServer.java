package epsim.cosim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.chip.AnalogChip;
import epsim.chip.Chip;
import epsim.common.JsonFields;
import epsim.common.UserError;
import epsim.math.Topology;
import epsim.model.ModelLoader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One protocol session: reads line-delimited JSON requests, drives an {@link AnalogChip}, writes
 * one reply line per request. A malformed, unknown, oversized or failing request gets an error
 * reply and the session goes on; end of input or a "close" request ends it. Every request is
 * checked against the chip's sizes before any work, and its work is bounded (relaxation steps, a
 * time limit per request); a session starts from the chip's defined circuit state
 * ({@link AnalogChip#resetCircuit}).
 */
public final class ChipServer {
    /** Saved neuron states a client may hold at once. */
    static final int MAX_SNAPSHOTS = 64;
    /** The most integration steps one relax request may ask for. */
    public static final int MAX_RELAX_STEPS = 10_000_000;

    private final AnalogChip chip;
    private final String version;
    private final int maxLineBytes;
    private final Map<Integer, Chip.State> snapshots = new HashMap<>();
    private int nextSnapshot = 1;
    private boolean greeted;
    private volatile long lastActivity = System.nanoTime();
    private final long requestNanos;
    private final Wire.ShapeLimit requests;
    private final int maxBatch;
    private final Persona persona;

    /**
     * What the chip shows of itself: the ops it implements (the others are answered "unsupported"),
     * and whether its handshake lists them and carries the hardware model. epsim's chip does all of
     * it; a narrower persona stands in for a real chip, which has no persist and no epsim model.
     */
    public record Persona(java.util.Set<epsim.chip.ChipOp> ops, boolean listsOps, boolean sendsModel, boolean frames) {
        public static final Persona EPSIM = new Persona(java.util.EnumSet.allOf(epsim.chip.ChipOp.class), true, true, true);

        public Persona(java.util.Set<epsim.chip.ChipOp> ops, boolean listsOps, boolean sendsModel) {
            this(ops, listsOps, sendsModel, true);
        }

        public Persona {
            if (!ops.containsAll(epsim.chip.ChipOp.core())) throw new UserError("a chip implements at least the core ops " + epsim.chip.ChipOp.names(epsim.chip.ChipOp.core()));
            ops = java.util.Set.copyOf(ops);
        }
    }

    public ChipServer(AnalogChip chip, String version, int maxLineBytes) {
        this(chip, version, maxLineBytes, 600);
    }

    public ChipServer(AnalogChip chip, String version, int maxLineBytes, double requestSeconds) {
        this(chip, version, maxLineBytes, requestSeconds, Persona.EPSIM);
    }

    /** @param requestSeconds the longest one request may work (a relaxation past it stops with an error reply) */
    public ChipServer(AnalogChip chip, String version, int maxLineBytes, double requestSeconds, Persona persona) {
        this.chip = chip;
        this.persona = persona;
        chip.resetCircuit();
        Topology t = chip.topology();
        this.requestNanos = (long) Math.min(Long.MAX_VALUE / 2.0, requestSeconds * 1e9);
        this.maxBatch = t.maxBatch();
        this.requests = Wire.ShapeLimit.forChip(t);
        this.version = version;
        this.maxLineBytes = maxLineBytes;
    }

    /** Nanotime of the last complete request (the idle watchdog reads it). */
    public long lastActivity() {
        return lastActivity;
    }

    /** Serves until end of input or "close". */
    public void serve(InputStream in, OutputStream out) throws IOException {
        MessageReader reader = new MessageReader(in, maxLineBytes, true);
        while (true) {
            MessageReader.Message m = reader.next();
            lastActivity = System.nanoTime();
            ObjectNode reply;
            Wire.Frames replyFrames = null;
            if (m == null) {
                switch (reader.trouble()) {
                    case LINE_TOO_LONG -> reply = error(null, "message too long (over " + maxLineBytes + " bytes); it was skipped");
                    case BLOCK_TOO_LONG -> reply = error(null, "a binary block over " + maxLineBytes + " bytes; the session ends (its bytes cannot be skipped)");
                    case BAD_FRAMES -> reply = error(null, "\"frames\": expected a whole number of bytes first in the line; the session ends");
                    default -> {
                        return;
                    }
                }
            } else if (m.line().isBlank()) {
                continue;
            } else {
                replyFrames = new Wire.Frames();
                reply = handle(m.line(), m.block(), replyFrames);
            }
            out.write(Wire.message(reply, replyFrames));
            out.flush();
            lastActivity = System.nanoTime();
            if (reply.path("closed").asBoolean(false) || (m == null && reader.trouble() != MessageReader.Trouble.LINE_TOO_LONG)) return;
        }
    }

    /** Answers one request line (what {@link #serve} does for each line it reads). */
    public ObjectNode handle(String text) {
        return handle(text, null, null);
    }

    /** The binary block of the request being answered (null: none), and the block its reply's frame-encoded arrays go into. */
    private byte[] requestBlock;
    private Wire.Frames replyFrames;

    /** {@link #handle(String)} of a request with binary block {@code block} (null: none); frame-encoded reply arrays go into {@code frames}. */
    ObjectNode handle(String text, byte[] block, Wire.Frames frames) {
        requestBlock = block;
        replyFrames = frames;
        try {
            return answer(text);
        } finally {
            requestBlock = null;
            replyFrames = null;
        }
    }

    private ObjectNode answer(String text) {
        JsonNode request;
        try {
            requests.check(text);
            request = Wire.JSON.readTree(text);
        } catch (Wire.BadMessage e) {
            return error(null, e.getMessage());
        } catch (JsonProcessingException e) {
            return error(null, "not valid JSON: " + Wire.abbreviate(e.getOriginalMessage()));
        }
        if (request == null || !request.isObject()) return error(null, "expected a JSON object");
        JsonNode id = request.get("id");
        if (id != null && id.isNumber() && !Double.isFinite(id.asDouble())) {
            return error(null, "id: expected a string or a finite number (it is echoed in the reply, and JSON has no infinity)");
        }
        JsonNode op = request.get("op");
        if (op == null || !op.isTextual()) return error(id, "op: missing (a string such as \"relax\")");
        try {
            ObjectNode reply = Wire.NODES.objectNode();
            if (id != null) reply.set("id", id);
            reply.put("ok", true);
            epsim.common.WorkLimit.until(System.nanoTime() + requestNanos);
            dispatch(op.asText(), request, reply);
            return reply;
        } catch (Wire.BadMessage | UserError e) {
            return error(id, op.asText() + ": " + e.getMessage());
        } catch (RuntimeException | OutOfMemoryError e) {
            // one request never ends the session: it is answered, and the chip stays as it was or as far as the request got
            return error(id, op.asText() + ": failed (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + Wire.abbreviate(e.getMessage())) + ")");
        } finally {
            epsim.common.WorkLimit.clear();
        }
    }

    private void dispatch(String op, JsonNode r, ObjectNode reply) {
        if (!op.equals("hello") && !greeted) throw new Wire.BadMessage("say hello first ({\"op\": \"hello\", \"protocol\": " + Wire.PROTOCOL + "})");
        Topology t = chip.topology();
        epsim.chip.ChipOp known = epsim.chip.ChipOp.byWire(op);
        if (known != null && !persona.ops().contains(known)) throw new Wire.BadMessage("unsupported by this chip");
        switch (op) {
            case "hello" -> {
                int asked = intField(r, "protocol", 1, Integer.MAX_VALUE);
                if (asked != Wire.PROTOCOL) throw new Wire.BadMessage("protocol " + asked + " is not supported (this server speaks " + Wire.PROTOCOL + ")");
                greeted = true;
                reply.put("protocol", Wire.PROTOCOL);
                reply.put("server", "epsim " + version);
                ArrayNode sizes = reply.putArray("topology");
                for (int l = 0; l < t.neuronLayers(); l++) sizes.add(t.size(l));
                if (persona.sendsModel()) reply.set("model", ModelLoader.toJson(chip.model()));
                reply.put("transfer", chip.transfer().jsonName);
                // binary frames, when the host offers them (a host that does not never sees one)
                if (persona.frames() && Wire.isTrue(r, "frames")) reply.put("frames", true);
                if (persona.listsOps()) {
                    ArrayNode ops = reply.putArray("ops");
                    for (String name : epsim.chip.ChipOp.names(persona.ops())) ops.add(name);
                }
            }
            case "set_inputs" -> chip.setInputs(doubles(r.get("inputs"), "inputs"), intField(r, "batch", 1, maxBatch));
            case "set_nudge" -> {
                double beta = number(r, "beta");
                chip.setNudge(beta == 0 ? null : doubles(r.get("target"), "target"), beta);
            }
            case "set_feedback_gain" -> chip.setFeedbackGain(number(r, "gain"));
            case "clamp" -> {
                int layer = intField(r, "layer", 1, t.weightLayers());
                JsonNode v = r.get("values");
                chip.clamp(layer, v == null || v.isNull() ? null : doubles(v, "values"));
            }
            case "set_ghost_units" -> {
                chip.setGhostUnits(FIELDS.bool(r, "enabled", "enabled"));
            }
            case "reset" -> chip.resetState();
            case "relax" -> {
                int steps = intField(r, "steps", 0, MAX_RELAX_STEPS);
                double tolerance = r.has("tolerance") ? number(r, "tolerance") : 0;
                Chip.Relaxation x = chip.relax(steps, tolerance);
                reply.put("steps", x.steps());
                reply.put("converged", x.converged());
                if (x.steps() == 0) reply.putNull("last_change"); // no step, no change
                else reply.put("last_change", finite(x.lastChange(), "the neurons' state"));
            }
            case "read" -> reply.set("values", array(finite(chip.read(intField(r, "layer", 0, t.weightLayers())), "the layer's outputs"), encoding(r)));
            case "read_layers" -> {
                JsonNode list = r.get("layers");
                if (list == null || !list.isArray() || list.isEmpty() || list.size() > t.neuronLayers()) {
                    throw new Wire.BadMessage("layers: expected a list of 1.." + t.neuronLayers() + " layer numbers");
                }
                Wire.Encoding e = encoding(r);
                int[] layers = new int[list.size()];
                for (int i = 0; i < layers.length; i++) {
                    JsonNode n = list.get(i);
                    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0 || n.asInt() > t.weightLayers()) {
                        throw new Wire.BadMessage("layers[" + i + "]: expected a layer number in 0.." + t.weightLayers());
                    }
                    layers[i] = n.asInt();
                }
                ArrayNode values = reply.putArray("values");
                for (double[] v : chip.readLayers(layers)) values.add(array(finite(v, "the layer's outputs"), e));
            }
            case "read_ghost" -> reply.set("values", array(finite(chip.readGhost(intField(r, "population", 0, t.weightLayers() - 1)),
                    "the ghost population's outputs"), encoding(r)));
            case "program" -> chip.program(Wire.params(r.get("delta"), t, "delta", requestBlock));
            case "update_outer_product" -> chip.updateOuterProduct(intField(r, "layer", 0, t.weightLayers() - 1),
                    doubles(r.get("rows"), "rows"), doubles(r.get("columns"), "columns"), number(r, "bias"),
                    intField(r, "terms", 0, maxBatch), number(r, "scale"));
            case "read_weights" -> {
                var w = chip.readWeights();
                for (int k = 0; k < w.layers(); k++) {
                    finite(w.w[k], "the weights");
                    finite(w.b[k], "the biases");
                }
                Wire.Encoding e = encoding(r);
                reply.setAll(Wire.params(w, e, e == Wire.Encoding.FRAME ? frames() : null));
            }
            case "save_state" -> {
                if (snapshots.size() >= MAX_SNAPSHOTS) throw new Wire.BadMessage("already " + MAX_SNAPSHOTS + " saved states; drop one first");
                // every kept state holds the batch's neuron states (and the ghosts'): the saved ones and this one within the budget
                epsim.common.MemoryBudget.require(16.0 * (snapshots.size() + 1) * Math.max(1, chip.batch()) * t.freeNeurons(),
                        "save_state: " + (snapshots.size() + 1) + " saved states of a batch of " + chip.batch() + " on " + t);
                int handle = nextSnapshot++;
                snapshots.put(handle, chip.saveState());
                reply.put("state", handle);
            }
            case "restore_state" -> {
                Chip.State s = snapshots.get(intField(r, "state", 1, Integer.MAX_VALUE));
                if (s == null) throw new Wire.BadMessage("state: no saved state with that handle");
                chip.restoreState(s);
            }
            case "drop_state" -> snapshots.remove(intField(r, "state", 1, Integer.MAX_VALUE));
            case "persist" -> reply.set("chip", Wire.persisted(chip.persist()));
            case "restore" -> chip.restore(Wire.persisted(r.get("chip"), "chip"));
            case "advance_time" -> chip.advanceTime(number(r, "seconds"));
            case "counters" -> reply.set("counters", Wire.counters(chip.counters()));
            case "reset_counters" -> chip.resetCounters();
            case "close" -> reply.put("closed", true);
            default -> throw new Wire.BadMessage("unknown op (see docs/cosim-protocol.md)");
        }
    }

    /** NaN and infinities never go out (JSON has no such numbers): the request fails naming what diverged. */
    private static double finite(double v, String what) {
        if (!Double.isFinite(v)) throw new Wire.BadMessage(what + " diverged (not a finite number); reset the chip or lower its gains");
        return v;
    }

    /** An array of the request being answered: frame references are read from its binary block. */
    private double[] doubles(JsonNode node, String field) {
        return Wire.doubles(node, field, requestBlock);
    }

    /** An array of the reply: into its binary block when the request asked for frames. */
    private JsonNode array(double[] values, Wire.Encoding e) {
        return Wire.array(values, e, e == Wire.Encoding.FRAME ? frames() : null);
    }

    private Wire.Frames frames() {
        if (replyFrames == null) throw new Wire.BadMessage("encoding: \"frame\" needs the binary framing of a connection (docs/cosim-protocol.md)");
        return replyFrames;
    }

    private static double[] finite(double[] values, String what) {
        for (double v : values) finite(v, what);
        return values;
    }

    private static Wire.Encoding encoding(JsonNode r) {
        JsonNode e = r.get("encoding");
        if (e == null) return Wire.Encoding.JSON;
        if (!e.isTextual()) throw new Wire.BadMessage("encoding: expected \"json\", \"f32\", \"f64\" or \"frame\"");
        return Wire.Encoding.of(e.asText());
    }

    /** Request fields: the reply's "op: " already says where. */
    private static final JsonFields FIELDS = new JsonFields("");

    private static double number(JsonNode r, String field) {
        return FIELDS.number(r.get(field), field, Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY, "a finite number");
    }

    private static int intField(JsonNode r, String field, int min, int max) {
        return (int) FIELDS.integer(r, field, field, min, max);
    }

    private static ObjectNode error(JsonNode id, String message) {
        ObjectNode o = Wire.NODES.objectNode();
        if (id != null) o.set("id", id);
        o.put("ok", false);
        o.put("error", message);
        return o;
    }
}
