package epsim.cli;

import epsim.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** epsim compare: runs side by side, read through their validated records; a folder that is not a run is one line. */
class CompareCommandTest {
    @TempDir
    Path dir;

    @Test
    void runsAreComparedSideBySide() throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        assertEquals(0, TestSupport.cli(TestSupport.trainArgs("--model", "ideal", "--epochs", "2", "--out", a.toString())).exitCode());
        assertEquals(0, TestSupport.cli(TestSupport.trainArgs("--model", "rram", "--set", "device.levels=64", "--epochs", "1",
                "--read-averages", "4", "--out", b.toString())).exitCode());
        TestSupport.Run r = TestSupport.cli("compare", a.toString(), b.toString(), "--out", dir.resolve("cmp").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("rram + device.levels=64"), r.out());
        // the rule settings that differ from the defaults are named, so that the two runs' labels differ where the runs do
        assertTrue(r.out().contains("batch 20, readAverages 4 on rram") && r.out().contains("seed 3"), r.out());
        List<String> csv = Files.readAllLines(dir.resolve("cmp/compare.csv"));
        assertEquals(3, csv.size(), "header and two runs");
        assertTrue(csv.get(1).contains(",2,") && csv.get(2).contains(",1,"), "the epochs of each run: " + csv);
        for (String png : List.of("compare-accuracy.png", "compare-loss.png")) assertTrue(Files.size(dir.resolve("cmp").resolve(png)) > 0);
        TestSupport.assertOneLineError(TestSupport.cli("compare", dir.resolve("cmp").toString()), "no run record");
        // a run without checkpoints is compared from its metrics.csv, to the same figures as the checkpointed run
        // (counted from the end of a row: area, energy, seconds, best, final, epochs; the label before them holds commas)
        Path plain = dir.resolve("plain");
        assertEquals(0, TestSupport.cli(TestSupport.trainArgs("--model", "ideal", "--epochs", "2", "--no-checkpoint", "--out", plain.toString())).exitCode());
        TestSupport.Run both = TestSupport.cli("compare", a.toString(), plain.toString(), "--out", dir.resolve("cmp2").toString());
        assertEquals(0, both.exitCode(), both.err());
        List<String> rows = Files.readAllLines(dir.resolve("cmp2/compare.csv"));
        String[] x = rows.get(1).split(","), y = rows.get(2).split(",");
        for (int k : new int[] {4, 5, 6}) assertEquals(x[x.length - k], y[y.length - k], "the same run, read from its checkpoint and from metrics.csv: " + rows);
        // metrics.csv keeps 6 significant digits of each energy component: their sum agrees to about 1e-5
        double e = Double.parseDouble(x[x.length - 2]);
        assertEquals(e, Double.parseDouble(y[y.length - 2]), 2e-5 * e, "energy per training sample");
        assertEquals(x[x.length - 1], y[y.length - 1], "the area run.json records, the same for both");
        assertTrue(Double.parseDouble(x[x.length - 1]) > 0, "an area: " + rows);
        assertFalse(Files.exists(dir.resolve("cmp2/compare-paired.csv")), "one design on one seed: nothing to pair");
    }

    /** Two designs on the same two seeds are compared seed by seed; a third design on other seeds is not paired with them. */
    @Test
    void designsOnTheSameSeedsArePaired() throws Exception {
        List<String> folders = new java.util.ArrayList<>();
        for (String[] run : new String[][] {{"a1", "ideal", "1"}, {"a2", "ideal", "2"}, {"b1", "default", "1"}, {"b2", "default", "2"}, {"c5", "rram", "5"}}) {
            Path out = dir.resolve(run[0]);
            String[] args = TestSupport.trainArgs("--model", run[1], "--epochs", "1", "--out", out.toString());
            for (int i = 0; i + 1 < args.length; i++) if (args[i].equals("--seed")) args[i + 1] = run[2];
            assertEquals(0, TestSupport.cli(args).exitCode());
            folders.add(out.toString());
        }
        List<String> args = new java.util.ArrayList<>(List.of("compare"));
        args.addAll(folders);
        args.addAll(List.of("--out", dir.resolve("cmp").toString()));
        TestSupport.Run r = TestSupport.cli(args.toArray(new String[0]));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("paired over the seeds") && r.out().contains("Wilcoxon p"), r.out());
        List<String> csv = Files.readAllLines(dir.resolve("cmp/compare-paired.csv"));
        assertEquals(2, csv.size(), "header and default against ideal: " + csv);
        String[] cells = csv.get(1).split(",", -1);
        assertTrue(csv.get(1).startsWith("\"EP") && csv.get(1).contains("on default") && csv.get(1).contains("on ideal"), csv.get(1));
        // the mean difference is the mean of the two final accuracies' differences, read from compare.csv
        List<String> runs = Files.readAllLines(dir.resolve("cmp/compare.csv"));
        double[] fin = new double[5];
        for (int i = 0; i < 5; i++) {
            String[] x = runs.get(i + 1).split(",");
            fin[i] = Double.parseDouble(x[x.length - 5]);
        }
        double expected = ((fin[2] - fin[0]) + (fin[3] - fin[1])) / 2;
        int at = cells.length - 9; // seeds, mean, sd, low, high, sign p, Wilcoxon p, resolved, seeds needed
        assertEquals("2", cells[at]);
        assertEquals(expected, Double.parseDouble(cells[at + 1]), 1e-6);
    }
}
