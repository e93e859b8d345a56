package epsim.experiment;

import epsim.TestSupport;
import epsim.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sweep run in shards into one folder, merged, is the unsharded sweep row for row; shards of
 * another sweep are refused; a missing point is named with the command that runs it; a re-run
 * skips the finished points.
 */
class ShardedSweepTest {
    @TempDir
    Path dir;

    private static final String[] SWEEP = {"sweep", "--vary", "device.levels=16,64,256", "--vary", "seed=1,2", "--net", "784-12-10",
            "--epochs", "1", "--train-limit", "200", "--test-limit", "100", "--threads", "2", "--no-progress"};

    private static String[] with(String... extra) {
        List<String> a = new ArrayList<>(List.of(SWEEP));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    private static List<String> withoutSeconds(Path csv) throws Exception {
        return TestSupport.sweepRowsWithoutSeconds(csv);
    }

    @Test
    void shardsMergeIntoTheUnshardedSweep() throws Exception {
        Path whole = dir.resolve("whole"), sharded = dir.resolve("sharded");
        assertEquals(0, TestSupport.cli(with("--out", whole.toString())).exitCode());
        TestSupport.Run early = TestSupport.cli("sweep", "merge", sharded.toString());
        TestSupport.assertOneLineError(early, "no sweep manifest");
        for (String shard : List.of("1/3", "3/3")) assertEquals(0, TestSupport.cli(with("--shard", shard, "--out", sharded.toString())).exitCode());
        TestSupport.Run incomplete = TestSupport.cli("sweep", "merge", sharded.toString());
        TestSupport.assertOneLineError(incomplete, "2 of 6 points have no outcome ([1, 4])",
                "epsim 'sweep' '--vary' 'device.levels=16,64,256'");
        // another sweep's shard into the same folder is refused before any work
        TestSupport.assertOneLineError(TestSupport.cli(with("--shard", "2/3", "--batch", "10", "--out", sharded.toString())), "holds another sweep");
        assertEquals(0, TestSupport.cli(with("--shard", "2/3", "--out", sharded.toString())).exitCode());
        TestSupport.Run merged = TestSupport.cli("sweep", "merge", sharded.toString());
        assertEquals(0, merged.exitCode(), merged.err());
        assertEquals(withoutSeconds(whole.resolve("sweep.csv")), withoutSeconds(sharded.resolve("sweep.csv")), "the same rows, the same figures");
        for (String f : List.of("sweep-summary.csv", "sweep-device-levels.png", "sweep-pareto.png")) assertTrue(Files.size(sharded.resolve(f)) > 0, f);
        assertEquals(Files.readString(whole.resolve("sweep-summary.csv")), Files.readString(sharded.resolve("sweep-summary.csv")));

        // a re-run of the whole sweep skips every finished point: their outcomes are not rewritten
        Path outcome = sharded.resolve("points/0003").resolve(SweepOutcome.FILE);
        long before = Files.getLastModifiedTime(outcome).toMillis();
        Thread.sleep(20);
        assertEquals(0, TestSupport.cli(with("--out", sharded.toString())).exitCode());
        assertEquals(before, Files.getLastModifiedTime(outcome).toMillis(), "a finished point is not run again");
        assertEquals(withoutSeconds(whole.resolve("sweep.csv")).subList(1, 7), withoutSeconds(sharded.resolve("sweep.csv")).subList(1, 7));
    }

    /** A sweep killed after its point's first epoch continues from the checkpoint and ends where an uncut one does. */
    @Test
    void aKilledPointContinuesFromItsCheckpoint() throws Exception {
        Path whole = dir.resolve("whole"), cut = dir.resolve("cut");
        List<String> base = List.of("sweep", "--vary", "device.levels=64", "--net", "784-40-10", "--epochs", "3", "--train-limit", "600",
                "--test-limit", "300", "--threads", "1", "--no-progress", "--out");
        List<String> a = new ArrayList<>(base), b = new ArrayList<>(base);
        a.add(whole.toString());
        b.add(cut.toString());
        assertEquals(0, TestSupport.cli(a.toArray(new String[0])).exitCode());
        Process p = TestSupport.launch(b.toArray(new String[0]));
        Path metrics = cut.resolve("points/0000/metrics.csv");
        TestSupport.waitFor(() -> Files.exists(metrics), p); // written once epoch 1 is done
        p.destroyForcibly().waitFor();
        assertTrue(!Files.exists(cut.resolve("points/0000").resolve(SweepOutcome.FILE)), "killed before the point finished");
        assertEquals(0, TestSupport.cli(b.toArray(new String[0])).exitCode());
        assertEquals(withoutSeconds(whole.resolve("sweep.csv")), withoutSeconds(cut.resolve("sweep.csv")));
        TestSupport.assertSameRun(whole.resolve("points/0000"), cut.resolve("points/0000"));
    }

    /** A point that fails (here: its checkpoint was damaged) gives a row with its error; the others finish; a re-run tries it again. */
    @Test
    void aFailedPointIsARowWithItsError() throws Exception {
        Path out = dir.resolve("failing");
        String[] sweep = {"sweep", "--vary", "device.levels=16,64", "--net", "784-12-10", "--epochs", "1", "--train-limit", "100",
                "--test-limit", "50", "--threads", "1", "--no-progress", "--out", out.toString()};
        assertEquals(0, TestSupport.cli(sweep).exitCode());
        List<String> good = withoutSeconds(out.resolve("sweep.csv"));
        Path point = out.resolve("points/0001");
        Files.delete(point.resolve(SweepOutcome.FILE));
        Files.writeString(point.resolve(Checkpoint.FILE), "not a checkpoint");
        TestSupport.Run again = TestSupport.cli(sweep);
        assertEquals(0, again.exitCode(), "a failed point does not stop the sweep: " + again.err());
        List<String> rows = Files.readAllLines(out.resolve("sweep.csv"));
        assertTrue(rows.get(2).endsWith("not an epsim checkpoint\""), rows.get(2));
        assertEquals(good.get(1), withoutSeconds(out.resolve("sweep.csv")).get(1), "the other point is its finished self");
        TestSupport.Run merged = TestSupport.cli("sweep", "merge", out.toString());
        assertTrue(merged.exitCode() == 0 && merged.out().contains("1 failed"), merged.out() + merged.err());
        Files.delete(point.resolve(Checkpoint.FILE)); // the damage removed, the re-run tries the point again
        assertEquals(0, TestSupport.cli(sweep).exitCode());
        assertEquals(good, withoutSeconds(out.resolve("sweep.csv")));
    }
}
