package epsim.train;

import epsim.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static epsim.TestSupport.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepTest {
    @TempDir
    Path dir;

    static final String[] SMALL = {"--net", "784-12-10", "--kind", "gradient", "--gradient-batch", "3", "--train-limit", "50",
            "--threads", "2"};

    static String[] sweep(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("sweep", "--vary", "device.levels=8,32,ideal", "--vary", "periphery.adcBits=4,ideal",
                "--set", "device.writeNoise=0", "--out", out.toString()));
        a.addAll(List.of(SMALL));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    /** Everything but the wall-clock column. */
    static List<String> withoutSeconds(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) out.add(l.substring(0, l.lastIndexOf(',')));
        return out;
    }

    @Test
    void shardsConcatenateToTheWholeSweep() throws Exception {
        assertEquals(0, TestSupport.cli(sweep(dir.resolve("whole"))).exitCode());
        List<String> whole = Files.readAllLines(dir.resolve("whole/sweep.csv"));
        assertEquals(7, whole.size(), "header + 3 x 2 points");
        List<String> joined = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            TestSupport.Run r = TestSupport.cli(sweep(dir.resolve("shards"), "--shard", k + "/3"));
            assertEquals(0, r.exitCode(), r.err());
            joined.addAll(Files.readAllLines(dir.resolve("shards/sweep-shard-" + k + "-of-3.csv")));
        }
        joined.sort((a, b) -> a.startsWith("index") ? -1 : b.startsWith("index") ? 1
                : Integer.compare(Integer.parseInt(a.split(",")[0]), Integer.parseInt(b.split(",")[0])));
        assertEquals(withoutSeconds(whole), withoutSeconds(joined));
        assertTrue(Files.size(dir.resolve("whole/sweep-heatmap.png")) > 0);
        for (String row : whole.subList(1, whole.size())) {
            double cosine = Double.parseDouble(row.split(",")[5]);
            assertTrue(cosine > -1 && cosine <= 1, "a cosine in every row: " + row);
        }
    }

    @Test
    void badVarySpecs() {
        assertOneLineError(TestSupport.cli("sweep", "--vary", "device.colour=1,2", "--out", dir.toString()), "device.colour");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "device.levels", "--out", dir.toString()), "--vary device.levels");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "device.levels=4,,8", "--out", dir.toString()), "empty value");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "device.levels=0,8", "--kind", "gradient", "--out", dir.toString()), "device.levels");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "device.levels=4,8", "--shard", "3/2", "--out", dir.toString()), "--shard");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "device.levels=4,8", "--vary", "periphery.adcBits=4", "--list",
                "--out", dir.toString()), "--list");
    }
}
