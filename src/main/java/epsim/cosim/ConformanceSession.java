package epsim.cosim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.chip.ChipOp;
import epsim.math.LayerParams;
import epsim.math.Topology;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The conformance checker's side of one session: numbered requests, replies parsed or failed, round trips timed, rows recorded. */
final class ConformanceSession {
    private final LineChannel channel;
    private final Conformance.Options options;
    private final List<ConformanceReport.Row> rows = new ArrayList<>();
    private final Map<String, List<Double>> times = new LinkedHashMap<>();
    private long nextId = 1;
    private final Set<ChipOp> exercised = EnumSet.noneOf(ChipOp.class);

    ConformanceSession(LineChannel channel, Conformance.Options options) {
        this.channel = channel;
        this.options = options;
    }

    void row(String op, String check, ConformanceReport.Verdict v, String detail) {
        rows.add(new ConformanceReport.Row(op, check, v, detail));
    }

    void check(String op, String check, boolean ok, String detail) {
        row(op, check, ok ? ConformanceReport.Verdict.PASS : ConformanceReport.Verdict.FAIL, detail);
    }

    ObjectNode request(String op) {
        ObjectNode o = Wire.NODES.objectNode();
        o.put("op", op);
        o.put("id", nextId++);
        return o;
    }

    /** Sends one request and returns its reply object (null, with a FAIL row, when the reply is not a JSON object). */
    JsonNode ask(ObjectNode request) {
        return ask(request, null);
    }

    /** The binary block of the last reply (null: none). */
    private byte[] lastBlock;

    byte[] lastBlock() {
        return lastBlock;
    }

    /** {@link #ask(ObjectNode)} of a request whose arrays are (partly) in {@code block} (null: none). */
    JsonNode ask(ObjectNode request, Wire.Frames block) {
        String op = request.path("op").asText();
        long start = System.nanoTime();
        MessageReader.Message reply = channel.exchange(Wire.message(request, block), options.timeoutSeconds());
        String line = reply.line();
        lastBlock = reply.block();
        times.computeIfAbsent(op, k -> new ArrayList<>()).add((System.nanoTime() - start) / 1e6);
        ChipOp known = ChipOp.byWire(op);
        if (known != null) exercised.add(known);
        try {
            JsonNode r = Wire.JSON.readTree(line);
            if (r != null && r.isObject()) return r;
        } catch (JsonProcessingException e) {
            // below
        }
        row(op, "the reply is one JSON object", ConformanceReport.Verdict.FAIL, "got " + Wire.abbreviate(line));
        return null;
    }

    static boolean ok(JsonNode r) {
        return r != null && r.path("ok").asBoolean(false);
    }

    static String error(JsonNode r) {
        return r == null ? "no reply object" : r.path("error").asText("(no error text)");
    }

    /** Each op's round-trip times so far: calls, median and 99th percentile. */
    List<ConformanceReport.Latency> latencies() {
        List<ConformanceReport.Latency> out = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : times.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (v.length == 0) continue;
            out.add(new ConformanceReport.Latency(e.getKey(), v.length, v[(v.length - 1) / 2], v[(int) Math.min(v.length - 1, Math.ceil(0.99 * v.length) - 1)]));
        }
        return out;
    }

    /** The values of a read reply, or null when it is an error or holds none. */
    static double[] values(JsonNode reply) {
        if (!ok(reply)) return null;
        try {
            return Wire.doubles(reply.get("values"), "values");
        } catch (Wire.BadMessage e) {
            return null;
        }
    }


    static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }


    /** The weights in f64, or null when the chip does not give them in topology {@code t}'s shapes. */
    LayerParams readWeights(Topology t) {
        try {
            JsonNode r = ask(request("read_weights").put("encoding", "f64"));
            return ok(r) ? Wire.params(r, t, "weights") : null;
        } catch (Wire.BadMessage e) {
            return null;
        }
    }


    /** Asks the chip to program {@code delta}: a FAIL row when it refuses. */
    void program(LayerParams delta) {
        ObjectNode r = request("program");
        r.set("delta", Wire.params(delta, Wire.Encoding.F64));
        JsonNode reply = ask(r);
        if (!ok(reply)) row("program", "a weight change is accepted", ConformanceReport.Verdict.FAIL, error(reply));
    }


    LineChannel channel() {
        return channel;
    }

    /** Forgets the round trips so far: the timing that follows measures a training step alone. */
    void clearTimes() {
        times.clear();
    }

    List<ConformanceReport.Row> rows() {
        return List.copyOf(rows);
    }

    Set<ChipOp> exercised() {
        return exercised;
    }
}
