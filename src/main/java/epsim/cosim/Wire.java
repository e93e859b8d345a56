package epsim.cosim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.chip.ChipCounters;
import epsim.chip.PersistedChip;
import epsim.math.LayerParams;
import epsim.math.Topology;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * The value encodings of the co-simulation protocol (docs/cosim-protocol.md). An array travels as
 * a plain JSON array of numbers, or as {"f32": base64} / {"f64": base64} of little-endian IEEE
 * floats; "f64" and JSON arrays are exact (Jackson writes the shortest decimal that reads back to
 * the same double), "f32" rounds.
 */
public final class Wire {
    public static final int PROTOCOL = 1;
    /**
     * Strings up to the largest message (f64 arrays travel as one base64 string); NaN is refused,
     * never read; one message per line: anything after the first JSON value (a second object) is an
     * error, not dropped.
     */
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build()).build())
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Whether a reply says ok: the JSON value true, not a string or a number that reads as one. */
    static boolean ok(com.fasterxml.jackson.databind.JsonNode reply) {
        return isTrue(reply, "ok");
    }

    /** Whether {@code field} of a message is the JSON value true (a string or a number that reads as true is not). */
    static boolean isTrue(com.fasterxml.jackson.databind.JsonNode message, String field) {
        com.fasterxml.jackson.databind.JsonNode v = message == null ? null : message.get(field);
        return v != null && v.isBoolean() && v.booleanValue();
    }
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Wire() {}

    /** A malformed request: the reply names {@code what}. */
    public static final class BadMessage extends RuntimeException {
        public BadMessage(String what) {
            super(what);
        }
    }

    public enum Encoding {
        /** FRAME: float64 in the message's binary block, for peers that agreed to frames in their handshake. */
        JSON("json"), F32("f32"), F64("f64"), FRAME("frame");

        final String label;

        Encoding(String label) {
            this.label = label;
        }

        static Encoding of(String s) {
            for (Encoding e : values()) if (e.label.equals(s)) return e;
            throw new BadMessage("encoding: expected json, f32, f64 or frame, got \"" + s + "\"");
        }
    }

    /**
     * The binary block of a message being written (docs/cosim-protocol.md, "Binary frames"): each
     * array added is appended as little-endian float64 and referred to in the JSON as
     * {"frame": [byte offset, count]}.
     */
    public static final class Frames {
        private byte[] bytes = new byte[0]; // grown on the first array: most replies carry none
        private int size;

        JsonNode add(double[] values) {
            long needed = size + 8L * values.length;
            if (needed > Integer.MAX_VALUE - 8) throw new IllegalStateException("a message's frames over 2 GB");
            if (needed > bytes.length) bytes = java.util.Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * bytes.length)));
            ByteBuffer.wrap(bytes, size, 8 * values.length).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(values);
            ObjectNode o = NODES.objectNode();
            o.putArray("frame").add(size).add(values.length);
            size += 8 * values.length;
            return o;
        }

        int size() {
            return size;
        }
    }

    /**
     * A message as bytes on the wire: its JSON line, and when {@code frames} holds anything, the
     * line begins with "frames": N and the N bytes of the block follow its newline.
     */
    static byte[] message(ObjectNode o, Frames frames) {
        int block = frames == null ? 0 : frames.size();
        ObjectNode head = o;
        if (block > 0) {
            head = NODES.objectNode();
            head.put("frames", block); // first, so that a reader finds it before parsing
            head.setAll(o);
        }
        try {
            byte[] json = JSON.writeValueAsBytes(head);
            byte[] out = java.util.Arrays.copyOf(json, json.length + 1 + block);
            out[json.length] = '\n';
            if (block > 0) System.arraycopy(frames.bytes, 0, out, json.length + 1, block);
            return out;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #array(double[], Encoding)}, or into {@code frames} for {@link Encoding#FRAME}. */
    public static JsonNode array(double[] values, Encoding e, Frames frames) {
        if (e != Encoding.FRAME) return array(values, e);
        if (frames == null) throw new IllegalStateException("frame encoding without a block");
        return frames.add(values);
    }

    public static JsonNode array(double[] values, Encoding e) {
        if (e == Encoding.FRAME) throw new IllegalStateException("frame encoding needs the message's block");
        if (e == Encoding.JSON) {
            ArrayNode a = NODES.arrayNode(values.length);
            for (double v : values) a.add(v);
            return a;
        }
        ByteBuffer buf = ByteBuffer.allocate(values.length * (e == Encoding.F32 ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            if (e == Encoding.F32) buf.putFloat((float) v);
            else buf.putDouble(v);
        }
        ObjectNode o = NODES.objectNode();
        o.put(e.label, Base64.getEncoder().encodeToString(buf.array()));
        return o;
    }

    /** Reads an array field; {@code field} names it in errors. */
    public static double[] doubles(JsonNode node, String field) {
        return doubles(node, field, null);
    }

    /** Reads an array field of a message whose binary block is {@code block} (null: it has none). */
    public static double[] doubles(JsonNode node, String field, byte[] block) {
        if (node == null || node.isNull()) throw new BadMessage(field + ": missing");
        if (node.isObject() && node.size() == 1 && node.has("frame")) return frame(node.get("frame"), field, block);
        if (node.isArray()) {
            double[] out = new double[node.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode v = node.get(i);
                if (!v.isNumber()) throw new BadMessage(field + "[" + i + "]: expected a number, got " + abbreviate(v.toString()));
                out[i] = v.asDouble();
            }
            return out;
        }
        if (node.isObject() && node.size() == 1 && (node.has("f32") || node.has("f64"))) {
            boolean single = node.has("f32");
            JsonNode text = node.get(single ? "f32" : "f64");
            if (!text.isTextual()) throw new BadMessage(field + ": expected a base64 string");
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(text.asText());
            } catch (IllegalArgumentException ex) {
                throw new BadMessage(field + ": not valid base64");
            }
            int width = single ? 4 : 8;
            if (bytes.length % width != 0) throw new BadMessage(field + ": " + bytes.length + " bytes is not a whole number of " + width + "-byte floats");
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            double[] out = new double[bytes.length / width];
            for (int i = 0; i < out.length; i++) out[i] = single ? buf.getFloat() : buf.getDouble();
            return out;
        }
        throw new BadMessage(field + ": expected an array of numbers, {\"f32\"|\"f64\": base64} or {\"frame\": [offset, count]}");
    }

    /** The float64 values a {"frame": [offset, count]} reference names in the message's block, every bound checked. */
    private static double[] frame(JsonNode ref, String field, byte[] block) {
        if (block == null) throw new BadMessage(field + ": a frame reference in a message without a binary block (\"frames\": N first)");
        if (ref == null || !ref.isArray() || ref.size() != 2 || !ref.get(0).canConvertToLong() || !ref.get(1).canConvertToLong()
                || !ref.get(0).isIntegralNumber() || !ref.get(1).isIntegralNumber()) {
            throw new BadMessage(field + ".frame: expected [byte offset, count] as two integers");
        }
        long offset = ref.get(0).asLong(), count = ref.get(1).asLong();
        if (offset < 0 || count < 0 || offset > block.length || count > (block.length - offset) / 8) {
            throw new BadMessage(field + ".frame: [" + offset + ", " + count + "] lies outside the " + block.length + "-byte block");
        }
        double[] out = new double[(int) count];
        ByteBuffer.wrap(block, (int) offset, (int) (8 * count)).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
        return out;
    }

    public static ObjectNode params(LayerParams p, Encoding e) {
        return params(p, e, null);
    }

    public static ObjectNode params(LayerParams p, Encoding e, Frames frames) {
        ObjectNode o = NODES.objectNode();
        ArrayNode w = o.putArray("w"), b = o.putArray("b");
        for (int k = 0; k < p.layers(); k++) {
            w.add(array(p.w[k], e, frames));
            b.add(array(p.b[k], e, frames));
        }
        return o;
    }

    public static LayerParams params(JsonNode node, Topology t, String field) {
        return params(node, t, field, null);
    }

    /** Layer parameters from a message whose binary block is {@code block} (null: none). */
    public static LayerParams params(JsonNode node, Topology t, String field, byte[] block) {
        if (node == null || !node.isObject()) throw new BadMessage(field + ": expected {\"w\": [...], \"b\": [...]}");
        JsonNode w = node.get("w"), b = node.get("b");
        int layers = t.weightLayers();
        if (w == null || !w.isArray() || w.size() != layers || b == null || !b.isArray() || b.size() != layers) {
            throw new BadMessage(field + ": expected \"w\" and \"b\" arrays of " + layers + " layers");
        }
        LayerParams p = new LayerParams(t);
        for (int k = 0; k < layers; k++) {
            double[] wk = doubles(w.get(k), field + ".w[" + k + "]", block);
            double[] bk = doubles(b.get(k), field + ".b[" + k + "]", block);
            if (wk.length != p.w[k].length) throw new BadMessage(field + ".w[" + k + "]: expected " + p.w[k].length + " values, got " + wk.length);
            if (bk.length != p.b[k].length) throw new BadMessage(field + ".b[" + k + "]: expected " + p.b[k].length + " values, got " + bk.length);
            for (double v : wk) if (!Double.isFinite(v)) throw new BadMessage(field + ".w[" + k + "]: values must be finite");
            for (double v : bk) if (!Double.isFinite(v)) throw new BadMessage(field + ".b[" + k + "]: values must be finite");
            p.w[k] = wk;
            p.b[k] = bk;
        }
        return p;
    }

    public static ObjectNode persisted(PersistedChip p) {
        ObjectNode o = NODES.objectNode();
        ArrayNode devices = o.putArray("devices");
        for (double[][] d : p.devices()) {
            ArrayNode one = devices.addArray();
            for (double[] a : d) one.add(array(a, Encoding.F64));
        }
        ArrayNode noise = o.putArray("noise"), writes = o.putArray("writes");
        for (long v : p.noiseState()) noise.add(Long.toString(v));
        for (long v : p.writeState()) writes.add(Long.toString(v));
        o.put("time", p.time());
        if (p.transferSchedule().length > 0) {
            ArrayNode schedule = o.putArray("transfers");
            for (long v : p.transferSchedule()) schedule.add(Long.toString(v));
        }
        return o;
    }

    /** A chip's counters as the "counters" reply carries them (docs/cosim-protocol.md). */
    public static ObjectNode counters(ChipCounters c) {
        ObjectNode o = NODES.objectNode();
        o.put("relaxations", c.relaxations());
        o.put("steps", c.steps());
        o.put("chip_seconds", c.chipSeconds());
        o.put("dac_conversions", c.dacConversions());
        o.put("adc_conversions", c.adcConversions());
        o.put("device_reads", c.deviceReads());
        o.put("crossbar_joules", c.crossbarJoules());
        o.put("pulses_up", c.pulsesUp());
        o.put("pulses_down", c.pulsesDown());
        o.put("device_updates", c.deviceUpdates());
        o.put("programming_slots", c.programmingSlots());
        o.put("weight_reads", c.weightReads());
        o.put("verify_writes", c.verifyWrites());
        o.put("tile_reads", c.tileReads());
        o.put("partial_sum_conversions", c.partialSumConversions());
        if (c.layers() != null) {
            ObjectNode layers = o.putObject("by_layer");
            for (int e = 0; e < epsim.chip.LayerEvents.EVENTS.size(); e++) {
                com.fasterxml.jackson.databind.node.ArrayNode a = layers.putArray(BY_LAYER_KEYS.get(e));
                for (double v : c.layers().values()[e]) {
                    if (e == epsim.chip.LayerEvents.JOULES) a.add(v);
                    else a.add((long) v);
                }
            }
        }
        return o;
    }

    /** The keys of a "counters" reply's optional "by_layer" object, in {@link epsim.chip.LayerEvents#EVENTS} order. */
    static final java.util.List<String> BY_LAYER_KEYS = java.util.List.of("adc_conversions", "device_reads", "crossbar_joules", "pulses_up",
            "pulses_down", "device_updates", "programming_slots", "weight_reads", "tile_reads", "partial_sum_conversions");

    /** The most weight layers a "by_layer" list may have: far beyond any network a chip holds, and it bounds the message. */
    static final int MAX_LAYERS = 10_000;

    /** The optional split by layer: every key, one number >= 0 per layer, the same number of layers throughout. */
    private static epsim.chip.LayerEvents byLayer(JsonNode node, String field) {
        if (node == null) return null;
        if (!node.isObject()) throw new BadMessage(field + ": expected an object of per-layer lists");
        double[][] values = new double[BY_LAYER_KEYS.size()][];
        for (int e = 0; e < values.length; e++) {
            String key = field + "." + BY_LAYER_KEYS.get(e);
            JsonNode a = node.get(BY_LAYER_KEYS.get(e));
            if (a == null || !a.isArray() || a.size() < 1 || a.size() > MAX_LAYERS) throw new BadMessage(key + ": expected a list of 1.." + MAX_LAYERS + " numbers");
            if (e > 0 && a.size() != values[0].length) throw new BadMessage(key + ": expected " + values[0].length + " numbers (one per layer), got " + a.size());
            values[e] = new double[a.size()];
            for (int k = 0; k < a.size(); k++) {
                JsonNode n = a.get(k);
                boolean ok = e == epsim.chip.LayerEvents.JOULES ? n.isNumber() && Double.isFinite(n.asDouble()) && n.asDouble() >= 0
                        : n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0;
                if (!ok) throw new BadMessage(key + "[" + k + "]: expected " + (e == epsim.chip.LayerEvents.JOULES ? "a finite number >= 0" : "an integer >= 0"));
                values[e][k] = e == epsim.chip.LayerEvents.JOULES ? n.asDouble() : n.asLong();
            }
        }
        for (String k : (Iterable<String>) node::fieldNames) {
            if (!BY_LAYER_KEYS.contains(k)) throw new BadMessage(field + "." + k + ": unknown count (expected one of " + String.join(", ", BY_LAYER_KEYS) + ")");
        }
        return new epsim.chip.LayerEvents(values);
    }

    /** Counts a chip may leave out of its "counters" reply (a chip that does not count them): read as 0, as docs/cosim-protocol.md says. */
    private static final java.util.Set<String> OPTIONAL_COUNTS = java.util.Set.of("programming_slots", "weight_reads", "tile_reads",
            "partial_sum_conversions");

    public static ChipCounters counters(JsonNode node, String field) {
        if (node == null || !node.isObject()) throw new BadMessage(field + ": expected an object of counts");
        String[] keys = {"relaxations", "steps", "dac_conversions", "adc_conversions", "device_reads", "pulses_up", "pulses_down",
                "device_updates", "programming_slots", "weight_reads", "verify_writes", "tile_reads", "partial_sum_conversions"};
        long[] v = new long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            JsonNode n = node.get(keys[i]);
            if (n == null && OPTIONAL_COUNTS.contains(keys[i])) continue;
            if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
                throw new BadMessage(field + "." + keys[i] + ": expected an integer >= 0");
            }
            v[i] = n.asLong();
        }
        double seconds = nonNegative(node, field, "chip_seconds", false);
        double joules = nonNegative(node, field, "crossbar_joules", true);
        return new ChipCounters(v[0], v[1], seconds, v[2], v[3], v[4], joules, v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
                byLayer(node.get("by_layer"), field + ".by_layer"));
    }

    private static double nonNegative(JsonNode node, String field, String key, boolean optional) {
        JsonNode n = node.get(key);
        if (n == null && optional) return 0;
        if (n == null || !n.isNumber() || !(n.asDouble() >= 0) || !Double.isFinite(n.asDouble())) {
            throw new BadMessage(field + "." + key + ": expected a finite number >= 0");
        }
        return n.asDouble();
    }

    /** Reads a chip's persisted state as the "persist" reply sends it; every part is checked for its type. */
    public static PersistedChip persisted(JsonNode node, String field) {
        String shape = field + ": expected {\"devices\": [[arrays]], \"noise\": [4 integers], \"writes\": [4 integers], \"time\": seconds}"
                + " as sent by the \"persist\" reply";
        if (node == null || !node.isObject()) throw new BadMessage(shape);
        JsonNode devices = node.get("devices"), time = node.get("time");
        if (devices == null || !devices.isArray() || time == null || !time.isNumber()) throw new BadMessage(shape);
        double[][][] d = new double[devices.size()][][];
        for (int i = 0; i < d.length; i++) {
            JsonNode one = devices.get(i);
            if (!one.isArray()) throw new BadMessage(field + ".devices[" + i + "]: expected an array of arrays");
            d[i] = new double[one.size()][];
            for (int j = 0; j < d[i].length; j++) d[i][j] = doubles(one.get(j), field + ".devices[" + i + "][" + j + "]");
        }
        JsonNode transfers = node.get("transfers");
        long[] schedule = new long[0];
        if (transfers != null) {
            if (!transfers.isArray() || transfers.size() > d.length) throw new BadMessage(field + ".transfers: expected an array of integers, one per weight layer");
            schedule = new long[transfers.size()];
            for (int i = 0; i < schedule.length; i++) {
                try {
                    schedule[i] = Long.parseLong(transfers.get(i).asText());
                } catch (NumberFormatException e) {
                    throw new BadMessage(field + ".transfers[" + i + "]: expected an integer, got " + abbreviate(transfers.get(i).toString()));
                }
            }
        }
        return new PersistedChip(d, longs(node.get("noise"), field + ".noise"), longs(node.get("writes"), field + ".writes"), time.asDouble(), schedule);
    }

    private static long[] longs(JsonNode a, String field) {
        if (a == null || !a.isArray() || a.size() != 4) throw new BadMessage(field + ": expected 4 integers (as decimal strings)");
        long[] out = new long[4];
        for (int i = 0; i < 4; i++) {
            try {
                out[i] = Long.parseLong(a.get(i).asText());
            } catch (NumberFormatException e) {
                throw new BadMessage(field + "[" + i + "]: expected an integer, got " + abbreviate(a.get(i).toString()));
            }
        }
        return out;
    }

    /**
     * Refuses, before any tree is built, a message whose shape no request of a chip this size
     * has: more than {@code maxValues} scalars, more than {@code maxContainers} arrays and objects,
     * or deeper than {@link #MAX_DEPTH}. A parsed tree costs tens of bytes per value, so this is
     * what keeps one long line from exhausting the heap.
     */
    public static void checkShape(String text, long maxValues, long maxContainers) {
        long values = 0, containers = 0;
        int depth = 0;
        try (JsonParser p = JSON.getFactory().createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
                    if (++containers > maxContainers) throw new BadMessage("more than " + maxContainers + " arrays and objects (no request has that many)");
                    if (++depth > MAX_DEPTH) throw new BadMessage("nested deeper than " + MAX_DEPTH + " levels");
                } else if (t == JsonToken.END_ARRAY || t == JsonToken.END_OBJECT) {
                    depth--;
                } else if (t.isScalarValue() && ++values > maxValues) {
                    throw new BadMessage("more than " + maxValues + " values (more than any request to this chip needs)");
                }
            }
        } catch (IOException e) {
            throw new BadMessage("not valid JSON: " + abbreviate(e.getMessage()));
        }
    }

    /**
     * What one message to or from a chip of topology {@code t} may hold: restore carries every
     * device (4 arrays per synapse and bias, two per device with drift, twice with a separate ghost crossbar); a batch-sized array holds
     * at most maxBatch x the widest layer; a few containers per layer.
     */
    public record ShapeLimit(long maxValues, long maxContainers) {
        public static ShapeLimit forChip(Topology t) {
            int widest = 0;
            for (int l = 0; l < t.neuronLayers(); l++) widest = Math.max(widest, t.size(l));
            return new ShapeLimit(Math.max(8 * t.parameterCount(), (long) t.maxBatch() * widest) + 1024, 32L * t.weightLayers() + 64);
        }

        public void check(String text) {
            checkShape(text, maxValues, maxContainers);
        }
    }

    /** How deep a request nests: restore's chip.devices[i][j].f64 is the deepest, at 5. */
    static final int MAX_DEPTH = 8;

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
