package epsim.cli;

import epsim.TestSupport;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** epsim cost reports the events per training sample and per inference that the schedule implies. */
class CostCommandTest {
    @Test
    void eventsPerSampleAreTheSchedulesOwn() {
        TestSupport.Run r = TestSupport.cli("cost", "--model", "ideal", "--net", "784-20-10", "--batch", "4", "--batches", "2",
                "--train-limit", "100", "--test-limit", "100");
        assertEquals(0, r.exitCode(), r.err());
        Map<String, double[]> rows = new HashMap<>();
        for (String line : r.out().lines().skip(2).toList()) {
            String[] cells = line.trim().split("\\s{2,}");
            rows.put(cells[0], new double[] {Double.parseDouble(cells[1]), Double.parseDouble(cells[2])});
        }
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
        TestSupport.assertOneLineError(TestSupport.cli("cost", "--batches", "0"), "--batches");
    }
}
