package epsim.train;

import epsim.TestSupport;
import epsim.train.Checkpoint;
import epsim.train.EpochRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small, fast training runs: learning beats chance, and an interrupted run resumes bit for bit. */
class TrainingTest {
    @TempDir
    Path dir;



    @Test
    void learnsWellAboveChance() throws Exception {
        Path out = dir.resolve("run");
        TestSupport.Run run = TestSupport.cli(TestSupport.trainArgs("--model", "ideal", "--epochs", "3", "--out", out.toString()));
        assertEquals(0, run.exitCode(), run.err());
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        // the totals, then each layer's energy and the shared part's, per training sample and per inference
        String split = ",train_energy_layer1_J,train_energy_layer2_J,train_energy_shared_J,inference_energy_layer1_J,inference_energy_layer2_J,"
                + "inference_energy_shared_J";
        assertEquals(EpochRow.CSV_HEADER + split, rows.get(0));
        assertEquals(4, rows.size());
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",", -1);
            double total = Double.parseDouble(cells[7]), parts = 0; // train_energy_J, then the split's three training columns
            for (int i = cells.length - 6; i < cells.length - 3; i++) parts += Double.parseDouble(cells[i]);
            assertEquals(total, parts, 1e-5 * total, "the layers and the shared part add up to the total (to the CSV's 6 digits)");
        }
        double testAccuracy = Double.parseDouble(rows.get(3).split(",")[4]);
        // Chance is 10%; 600 examples and 3 epochs reach about 80%. 50% is far from both.
        assertTrue(testAccuracy > 0.5, "test accuracy " + testAccuracy);
        for (String f : List.of("run.json", "learning-curves.png", Checkpoint.FILE)) assertTrue(Files.size(out.resolve(f)) > 0, f);
        // every epoch is costed: energy per training sample and per inference, and the parts add up to the total
        List<String> header = List.of(rows.get(0).split(","));
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            double total = Double.parseDouble(cells[header.indexOf("train_energy_J")]), parts = 0;
            for (String part : List.of("adc", "dac", "crossbar", "neurons", "programming", "host")) {
                parts += Double.parseDouble(cells[header.indexOf("train_energy_" + part + "_J")]);
            }
            assertTrue(total > 0 && Double.parseDouble(cells[header.indexOf("inference_energy_J")]) > 0, row);
            assertEquals(total, parts, 1e-5 * total, "metrics.csv keeps 6 significant digits");
        }
        var runJson = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("run.json").toFile());
        assertTrue(runJson.at("/final/cost/perTrainingSample/energy/total").asDouble() > 0, runJson.toString());
        // the ideal chip writes every device once per batch: as many writes per device per epoch as the epoch has batches
        int examples = runJson.get("trainExamples").asInt(), batch = runJson.at("/options/batch").asInt(20);
        assertEquals(Math.ceil(examples / (double) batch), runJson.at("/final/wear/pulsesPerDevicePerEpoch/median").asDouble(), 1e-9, runJson.toString());
        assertEquals(3, runJson.at("/final/wear/epochs").asDouble(), 0);
        assertTrue(run.out().contains("cost per training sample"), run.out());
        TestSupport.Run eval = TestSupport.cli("eval", "--checkpoint", out.toString(), "--test-limit", "300");
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains(String.format(java.util.Locale.ROOT, "%.2f%%", 100 * testAccuracy)), eval.out());
        assertTrue(eval.out().contains("cost per inference"), eval.out());
        // the ideal chip has no noise: every repeat gives the same figure, and the line says why
        TestSupport.Run repeated = TestSupport.cli("eval", "--checkpoint", out.toString(), "--test-limit", "300", "--repeats", "3");
        assertEquals(0, repeated.exitCode(), repeated.err());
        assertTrue(repeated.out().contains(String.format(java.util.Locale.ROOT, "accuracy %.2f ± 0.00%% (mean ± sd of 3 evaluations, a noiseless chip",
                100 * testAccuracy)), repeated.out());
    }

    /**
     * --track-gradient probes every epoch: columns in metrics.csv (cosines in [-1, 1] with their
     * intervals), gradient.png, the setting in run.json, and a run resumed after epoch 1 tracks
     * the same figures bit for bit.
     */
    @Test
    void theGradientIsTrackedPerEpochAndResumed() throws Exception {
        Path whole = dir.resolve("tracked"), resumed = dir.resolve("resumed");
        String[] tracked = {"--track-gradient", "8", "--gradient-batches", "3"};
        TestSupport.Run run = TestSupport.cli(concat(TestSupport.trainArgs("--epochs", "2", "--out", whole.toString()), tracked));
        assertEquals(0, run.exitCode(), run.err());
        List<String> rows = Files.readAllLines(whole.resolve("metrics.csv"));
        List<String> header = List.of(rows.get(0).split(","));
        assertEquals(EpochRow.CSV_HEADER + ",gradient_cosine,gradient_cosine_ci95,gradient_cosine_layer1,gradient_cosine_layer1_ci95,"
                + "gradient_cosine_layer2,gradient_cosine_layer2_ci95,train_energy_layer1_J,train_energy_layer2_J,train_energy_shared_J,"
                + "inference_energy_layer1_J,inference_energy_layer2_J,inference_energy_shared_J", rows.get(0));
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",", -1);
            double cosine = Double.parseDouble(cells[header.indexOf("gradient_cosine")]);
            double half = Double.parseDouble(cells[header.indexOf("gradient_cosine_ci95")]);
            // EP at beta 1 on the noisy default chip: a positive but imperfect alignment
            assertTrue(cosine > 0 && cosine < 1 && half > 0, row);
        }
        assertTrue(Files.size(whole.resolve("gradient.png")) > 0);
        var runJson = new com.fasterxml.jackson.databind.ObjectMapper().readTree(whole.resolve("run.json").toFile());
        assertEquals(8, runJson.at("/options/trackGradient/batchSize").asInt(), runJson.toString());
        assertEquals(0, TestSupport.cli(concat(TestSupport.trainArgs("--epochs", "1", "--out", resumed.toString()), tracked)).exitCode());
        TestSupport.Run more = TestSupport.cli("train", "--resume", resumed.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, more.exitCode(), more.err());
        TestSupport.assertSameRun(whole, resumed);
    }

    /** Ghost units on a crossbar of their own: the checkpoint holds both arrays, and a resumed run is the whole run bit for bit. */
    @Test
    void aSeparateGhostCrossbarResumesBitForBit() throws Exception {
        Path whole = dir.resolve("ghost-whole"), resumed = dir.resolve("ghost-resumed");
        String[] ghost = {"--rule", "ghost", "--set", "ghost.crossbar=separate", "--set", "device.stepDtod=0.2"};
        assertEquals(0, TestSupport.cli(concat(TestSupport.trainArgs("--epochs", "2", "--out", whole.toString()), ghost)).exitCode());
        assertEquals(0, TestSupport.cli(concat(TestSupport.trainArgs("--epochs", "1", "--out", resumed.toString()), ghost)).exitCode());
        TestSupport.Run more = TestSupport.cli("train", "--resume", resumed.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, more.exitCode(), more.err());
        TestSupport.assertSameRun(whole, resumed);
        Checkpoint cp = Checkpoint.read(whole);
        assertEquals(8 * 2, cp.chip().devices().length, "both crossbars of a two-layer chip, four arrays per layer each");
    }

    /**
     * Tiki-Taka: the checkpoint holds the fast arrays and the transfer schedule (a transfer every 7 terms, which a batch of
     * the default size does not divide, so the schedule is mid-cycle at the checkpoint); a resumed run is the whole run bit for bit.
     */
    @Test
    void tikiTakaResumesBitForBit() throws Exception {
        Path whole = dir.resolve("tt-whole"), resumed = dir.resolve("tt-resumed");
        String[] tt = {"--set", "device.levels=64", "--set", "update.mode=tikiTaka", "--set", "update.transferEvery=7", "--set", "update.resetProbability=0.5"};
        assertEquals(0, TestSupport.cli(concat(TestSupport.trainArgs("--epochs", "2", "--out", whole.toString()), tt)).exitCode());
        assertEquals(0, TestSupport.cli(concat(TestSupport.trainArgs("--epochs", "1", "--out", resumed.toString()), tt)).exitCode());
        Checkpoint cp = Checkpoint.read(resumed);
        assertEquals(8 * 2, cp.chip().devices().length, "the weights and the fast arrays of a two-layer chip, four arrays per layer each");
        assertEquals(2, cp.chip().transferSchedule().length);
        assertTrue(cp.chip().transferSchedule()[0] % 7 != 0, "the checkpoint falls between two transfers");
        TestSupport.Run more = TestSupport.cli("train", "--resume", resumed.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, more.exitCode(), more.err());
        TestSupport.assertSameRun(whole, resumed);
    }

    /** A tiled chip with resistive wires and noisy digital partial sums: a resumed run is the whole run bit for bit (docs/tiles.md). */
    @Test
    void aWiredTiledChipResumesBitForBit() throws Exception {
        Path whole = dir.resolve("wired-whole"), resumed = dir.resolve("wired-resumed");
        String[] wired = {"--set", "array.tileRows=128", "--set", "array.tileColumns=16", "--set", "array.rowWireResistance=2",
                "--set", "array.columnWireResistance=3", "--set", "array.partialSums=digital", "--set", "array.partialSumNoise=0.01"};
        assertEquals(0, TestSupport.cli(concat(TestSupport.trainArgs("--epochs", "2", "--out", whole.toString()), wired)).exitCode());
        assertEquals(0, TestSupport.cli(concat(TestSupport.trainArgs("--epochs", "1", "--out", resumed.toString()), wired)).exitCode());
        TestSupport.Run more = TestSupport.cli("train", "--resume", resumed.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, more.exitCode(), more.err());
        TestSupport.assertSameRun(whole, resumed);
    }

    /** A checkpoint of another format, or of no format, is refused in one line, and nothing is overwritten. */
    @Test
    void foreignCheckpointsAreRefused() throws Exception {
        Path out = dir.resolve("run");
        TestSupport.Run run = TestSupport.cli(TestSupport.trainArgs("--model", "ideal", "--epochs", "1", "--out", out.toString()));
        assertEquals(0, run.exitCode(), run.err());
        Path file = out.resolve(Checkpoint.FILE);
        byte[] original = Files.readAllBytes(file);
        byte[] older = original.clone();
        older[7] = '2'; // "EPSIMCK2": the format before the ziggurat Gaussian and the 4-word random state
        Files.write(file, older);
        TestSupport.assertOneLineError(TestSupport.cli("train", "--resume", out.toString(), "--epochs", "2"), "older epsim");
        assertArrayEquals(older, Files.readAllBytes(file));
        Files.writeString(file, "not a checkpoint at all");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--resume", out.toString(), "--epochs", "2"), "not an epsim checkpoint");
    }

    @Test
    void killedAfterFirstEpochResumesBitForBit() throws Exception {
        Path whole = dir.resolve("whole"), killed = dir.resolve("killed");
        // The noisy default chip, so noise and write streams must be restored too.
        assertEquals(0, TestSupport.cli(TestSupport.trainArgs("--epochs", "2", "--out", whole.toString())).exitCode());
        Process p = TestSupport.launch(TestSupport.trainArgs("--epochs", "2", "--out", killed.toString()));
        TestSupport.waitFor(() -> Files.exists(killed.resolve("metrics.csv")), p); // written once epoch 1 is done
        p.destroyForcibly().waitFor();
        TestSupport.Run resumed = TestSupport.cli("train", "--resume", killed.toString(), "--no-progress");
        assertEquals(0, resumed.exitCode(), resumed.err());
        TestSupport.assertSameRun(whole, killed);
    }

    static String[] concat(String[] a, String... b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void ctrlCStopsAfterSavingAndResumesBitForBit() throws Exception {
        Path whole = dir.resolve("whole"), stopped = dir.resolve("stopped");
        // 4000 examples make the epoch last long enough to be interrupted inside it
        String[] longer = {"train", "--net", "784-40-10", "--train-limit", "4000", "--test-limit", "300", "--seed", "3",
                "--no-progress", "--epochs", "1"};
        assertEquals(0, TestSupport.cli(concat(longer, "--out", whole.toString())).exitCode());
        // A process started in the background inherits an ignored SIGINT, and the JVM then keeps
        // ignoring it; a tiny python exec wrapper restores the default so Ctrl-C reaches the JVM.
        String py = TestSupport.python();
        List<String> wrapper = py == null ? List.of() : List.of(py, "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])");
        Process p = TestSupport.launch(wrapper, concat(longer, "--out", stopped.toString()));
        TestSupport.waitFor(() -> Files.exists(stopped.resolve("run.json")), p);
        Thread.sleep(300); // let it get into the epoch
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(130, p.exitValue(), "exit code after Ctrl-C");
        Checkpoint mid = Checkpoint.read(stopped);
        assertEquals(1, mid.epoch(), "stopped inside epoch 1");
        assertTrue(mid.batchIndex() > 0, "saved mid-epoch");
        TestSupport.Run resumed = TestSupport.cli("train", "--resume", stopped.toString(), "--no-progress");
        assertEquals(0, resumed.exitCode(), resumed.err());
        TestSupport.assertSameRun(whole, stopped);
    }

    /** A network of 2501 weight layers trains, checkpoints and resumes from its own checkpoint. */
    @Test
    void deepNetworksResume() throws Exception {
        StringBuilder net = new StringBuilder("784");
        for (int i = 0; i < 2500; i++) net.append("-2");
        Path out = dir.resolve("deep");
        TestSupport.Run run = TestSupport.cli("train", "--net", net.append("-10").toString(), "--train-limit", "20", "--test-limit", "10",
                "--epochs", "1", "--free-steps", "2", "--nudge-steps", "1", "--no-progress", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        TestSupport.Run resumed = TestSupport.cli("train", "--resume", out.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(3, Files.readAllLines(out.resolve("metrics.csv")).size());
    }
}
