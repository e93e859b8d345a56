package epsim.cosim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;

/** What a conformance run found: one row per check (PASS, FAIL, UNSUPPORTED, INFO), then each op's round-trip times. */
public record ConformanceReport(List<ConformanceReport.Row> rows, List<ConformanceReport.Latency> latencies) {
    public enum Verdict { PASS, FAIL, UNSUPPORTED, INFO }

    public record Row(String op, String check, Verdict verdict, String detail) {}

    /** Round-trip times of one op, in milliseconds. */
    public record Latency(String op, int calls, double median, double p99) {}

    public boolean passed() {
        return rows.stream().noneMatch(r -> r.verdict() == Verdict.FAIL);
    }

    public long count(Verdict v) {
        return rows.stream().filter(r -> r.verdict() == v).count();
    }

    /** The report as text: one row per check, then the latencies. */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (Row row : rows) {
            b.append(String.format(Locale.ROOT, "%-11s  %-14s %s: %s%n", row.verdict(), row.op(), row.check(), row.detail()));
        }
        if (!latencies.isEmpty()) {
            b.append(String.format(Locale.ROOT, "%nround trip per op (ms)      calls   median      p99%n"));
            for (Latency l : latencies) b.append(String.format(Locale.ROOT, "  %-24s %6d %8.3f %8.3f%n", l.op(), l.calls(), l.median(), l.p99()));
        }
        b.append(String.format(Locale.ROOT, "%n%d passed, %d failed, %d unsupported, %d reported%n", count(Verdict.PASS), count(Verdict.FAIL),
                count(Verdict.UNSUPPORTED), count(Verdict.INFO)));
        return b.toString();
    }

    /** The report as JSON (--report). */
    public ObjectNode toJson() {
        ObjectNode o = Wire.NODES.objectNode();
        o.put("passed", passed());
        ArrayNode table = o.putArray("rows");
        for (Row row : rows) table.addObject().put("op", row.op()).put("check", row.check()).put("verdict", row.verdict().name()).put("detail", row.detail());
        ArrayNode lat = o.putArray("latency_ms");
        for (Latency l : latencies) lat.addObject().put("op", l.op()).put("calls", l.calls()).put("median", l.median()).put("p99", l.p99());
        return o;
    }
}
