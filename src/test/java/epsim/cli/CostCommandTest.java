package epsim.cli;

import epsim.TestSupport;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** epsim cost reports the events per training sample and per inference that the schedule implies, and their cost. */
class CostCommandTest {
    /** Rows "name  a  b ..." of the block of lines that starts with {@code title}, up to the next blank line. */
    static Map<String, double[]> block(String out, String title) {
        Map<String, double[]> rows = new HashMap<>();
        List<String> lines = out.lines().toList();
        int start = 0;
        while (!lines.get(start).startsWith(title)) start++;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.isBlank() || line.startsWith("(")) break;
            String[] cells = line.trim().split("\\s{2,}");
            double[] v = new double[cells.length - 1];
            for (int i = 1; i < cells.length; i++) v[i - 1] = Double.parseDouble(cells[i].replace("%", ""));
            rows.put(cells[0], v);
        }
        return rows;
    }

    @Test
    void eventsPerSampleAreTheSchedulesOwn() {
        TestSupport.Run r = TestSupport.cli("cost", "--model", "ideal", "--net", "784-20-10", "--batch", "4", "--batches", "2",
                "--train-limit", "100", "--test-limit", "100");
        assertEquals(0, r.exitCode(), r.err());
        Map<String, double[]> rows = block(r.out(), "event");
        // EP symmetric: a free and two nudged phases per training sample, one free phase per inference
        assertEquals(3, rows.get("relaxations")[0], 0);
        assertEquals(1, rows.get("relaxations")[1], 0);
        assertEquals(784, rows.get("DAC conversions")[0], 0);
        assertEquals(784, rows.get("DAC conversions")[1], 0);
        assertEquals(3 * (20 + 10), rows.get("ADC conversions")[0], 0, "layers 1..L after each phase");
        assertEquals(10, rows.get("ADC conversions")[1], 0, "the outputs");
        // one analog write of every device per batch of 4: 2 x 15910 devices / 4 samples
        assertEquals(2 * (784 * 20 + 20 + 20 * 10 + 10) / 4.0, rows.get("device updates")[0], 1e-9);
        assertEquals(0, rows.get("device updates")[1], 0);
        // an analog write takes one slot per row, in the G+ and the G- pass: 2 x (20 + 10) rows per batch of 4
        assertEquals(2 * (20 + 10) / 4.0, rows.get("programming slots")[0], 1e-9);
        // the host per batch of 4: layer 1's product of the phase difference with the input (4 x 20 x 785), layer 2's two
        // products (2 x 4 x 10 x 20), the bias sums (4 x 30), and the learning rate times every parameter (15910)
        assertEquals((4 * 20 * 785 + 2 * 4 * 10 * 20 + 4 * 30 + 15910) / 4.0, rows.get("host multiply-accumulates")[0], 1e-9);
        assertEquals(0, rows.get("host multiply-accumulates")[1], 0);

        for (String table : List.of("energy (J)", "latency (s)")) {
            Map<String, double[]> t = block(r.out(), table);
            for (int column : new int[] {0, 2}) {
                double sum = 0;
                for (Map.Entry<String, double[]> e : t.entrySet()) if (!e.getKey().equals("total")) sum += e.getValue()[column];
                // the table prints 6 significant digits
                assertEquals(t.get("total")[column], sum, 1e-5 * t.get("total")[column], table + ": the parts add up to the total");
            }
        }
        Map<String, double[]> phases = block(r.out(), "phase");
        assertEquals(List.of("free", "nudged +beta", "nudged -beta", "update").stream().sorted().toList(),
                phases.keySet().stream().sorted().toList());
        assertEquals(1, phases.get("free")[0], 0, "one free relaxation per training sample");
        assertTrue(r.out().contains("digital baseline"), r.out());
        TestSupport.assertOneLineError(TestSupport.cli("cost", "--batches", "0"), "--batches");
    }

    @Test
    void theWearLineCountsEveryPulseOfTheCountedBatches() {
        // the ideal chip writes every device once per batch (analog writes): 2 batches of 4 from an epoch of 100 examples are
        // 2 writes per device in 0.08 epochs, 25 per device per epoch for every device, and no endurance to wear out
        TestSupport.Run r = TestSupport.cli("cost", "--model", "ideal", "--net", "784-20-10", "--batch", "4", "--batches", "2",
                "--train-limit", "100", "--test-limit", "100");
        assertEquals(0, r.exitCode(), r.err());
        String wear = r.out().lines().filter(l -> l.startsWith("wear,")).findFirst().orElseThrow();
        assertTrue(wear.contains("mean 25.00, median 25.00, 90% 25.00, 99% 25.00, max 25.00 (0.00% of 31820 devices took none)"), wear);
        assertTrue(wear.contains("no endurance in the model"), wear);
        // pcm wears: the line gives the epochs until 1% (or the stated fraction) of its devices wear out
        TestSupport.Run pcm = TestSupport.cli("cost", "--model", "pcm", "--net", "784-20-10", "--batch", "4", "--batches", "2",
                "--train-limit", "100", "--test-limit", "100", "--wear-fraction", "0.05");
        assertEquals(0, pcm.exitCode(), pcm.err());
        assertTrue(pcm.out().contains("epochs until 5.00% of devices wear out"), pcm.out());
        TestSupport.Run bad = TestSupport.cli("cost", "--model", "pcm", "--wear-fraction", "2");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--wear-fraction"), bad.err());
    }
}
