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
 * one reply line per request. A malformed, unknown or oversized request gets an error reply and
 * the session goes on; end of input or a "close" request ends it.
 */
public final class ChipServer {
    /** Saved neuron states a client may hold at once. */
    static final int MAX_SNAPSHOTS = 64;

    private final AnalogChip chip;
    private final String version;
    private final int maxLineBytes;
    private final Map<Integer, Chip.State> snapshots = new HashMap<>();
    private int nextSnapshot = 1;
    private boolean greeted;
    private volatile long lastActivity = System.nanoTime();

    public ChipServer(AnalogChip chip, String version, int maxLineBytes) {
        this.chip = chip;
        this.version = version;
        this.maxLineBytes = maxLineBytes;
    }

    /** Nanotime of the last complete request (the idle watchdog reads it). */
    public long lastActivity() {
        return lastActivity;
    }

    /** Serves until end of input or "close". */
    public void serve(InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean oversized = false;
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) >= 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] != '\n') continue;
                if (!oversized) {
                    line.write(buf, start, i - start);
                    if (line.size() > maxLineBytes) oversized = true;
                }
                start = i + 1;
                lastActivity = System.nanoTime();
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                ObjectNode reply;
                if (oversized) {
                    reply = error(null, "message too long (over " + maxLineBytes + " bytes); it was skipped");
                    oversized = false;
                } else if (text.isBlank()) {
                    continue;
                } else {
                    reply = handle(text);
                }
                out.write((Wire.JSON.writeValueAsString(reply) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                lastActivity = System.nanoTime();
                if (reply.path("closed").asBoolean(false)) return;
            }
            if (!oversized) {
                line.write(buf, start, n - start);
                if (line.size() > maxLineBytes) {
                    oversized = true;
                    line.reset();
                }
            }
        }
    }

    ObjectNode handle(String text) {
        JsonNode request;
        try {
            request = Wire.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return error(null, "not valid JSON: " + Wire.abbreviate(e.getOriginalMessage()));
        }
        if (request == null || !request.isObject()) return error(null, "expected a JSON object");
        JsonNode id = request.get("id");
        JsonNode op = request.get("op");
        if (op == null || !op.isTextual()) return error(id, "op: missing (a string such as \"relax\")");
        try {
            ObjectNode reply = Wire.NODES.objectNode();
            if (id != null) reply.set("id", id);
            reply.put("ok", true);
            dispatch(op.asText(), request, reply);
            return reply;
        } catch (Wire.BadMessage | UserError e) {
            return error(id, op.asText() + ": " + e.getMessage());
        }
    }

    private void dispatch(String op, JsonNode r, ObjectNode reply) {
        if (!op.equals("hello") && !greeted) throw new Wire.BadMessage("say hello first ({\"op\": \"hello\", \"protocol\": " + Wire.PROTOCOL + "})");
        Topology t = chip.topology();
        switch (op) {
            case "hello" -> {
                int asked = intField(r, "protocol", 1, Integer.MAX_VALUE);
                if (asked != Wire.PROTOCOL) throw new Wire.BadMessage("protocol " + asked + " is not supported (this server speaks " + Wire.PROTOCOL + ")");
                greeted = true;
                reply.put("protocol", Wire.PROTOCOL);
                reply.put("server", "epsim " + version);
                ArrayNode sizes = reply.putArray("topology");
                for (int l = 0; l < t.neuronLayers(); l++) sizes.add(t.size(l));
                reply.set("model", ModelLoader.toJson(chip.model()));
                reply.put("transfer", chip.transfer().jsonName);
            }
            case "set_inputs" -> chip.setInputs(Wire.doubles(r.get("inputs"), "inputs"), intField(r, "batch", 1, 1_000_000));
            case "set_nudge" -> {
                double beta = number(r, "beta");
                chip.setNudge(beta == 0 ? null : Wire.doubles(r.get("target"), "target"), beta);
            }
            case "set_feedback_gain" -> chip.setFeedbackGain(number(r, "gain"));
            case "clamp" -> {
                int layer = intField(r, "layer", 1, t.weightLayers());
                JsonNode v = r.get("values");
                chip.clamp(layer, v == null || v.isNull() ? null : Wire.doubles(v, "values"));
            }
            case "set_ghost_units" -> {
                chip.setGhostUnits(FIELDS.bool(r, "enabled", "enabled"));
            }
            case "reset" -> chip.resetState();
            case "relax" -> {
                int steps = intField(r, "steps", 0, Integer.MAX_VALUE);
                double tolerance = r.has("tolerance") ? number(r, "tolerance") : 0;
                Chip.Relaxation x = chip.relax(steps, tolerance);
                reply.put("steps", x.steps());
                reply.put("converged", x.converged());
                reply.put("last_change", x.lastChange());
            }
            case "read" -> reply.set("values", Wire.array(chip.read(intField(r, "layer", 0, t.weightLayers())), encoding(r)));
            case "read_ghost" -> reply.set("values", Wire.array(chip.readGhost(intField(r, "population", 0, t.weightLayers() - 1)), encoding(r)));
            case "program" -> chip.program(Wire.params(r.get("delta"), t, "delta"));
            case "read_weights" -> reply.setAll(Wire.params(chip.readWeights(), encoding(r)));
            case "save_state" -> {
                if (snapshots.size() >= MAX_SNAPSHOTS) throw new Wire.BadMessage("already " + MAX_SNAPSHOTS + " saved states; drop one first");
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
            case "close" -> reply.put("closed", true);
            default -> throw new Wire.BadMessage("unknown op (see docs/cosim-protocol.md)");
        }
    }

    private static Wire.Encoding encoding(JsonNode r) {
        JsonNode e = r.get("encoding");
        if (e == null) return Wire.Encoding.JSON;
        if (!e.isTextual()) throw new Wire.BadMessage("encoding: expected \"json\", \"f32\" or \"f64\"");
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
