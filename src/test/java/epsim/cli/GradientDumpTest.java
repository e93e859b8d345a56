package epsim.cli;

import epsim.TestSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `epsim gradient` output, read by an independent numpy script, gives the same implicit gradient. */
class GradientDumpTest {
    @TempDir
    Path dir;


    void check(String... modelArgs) throws Exception {
        String py = TestSupport.python();
        if (py == null && !TestSupport.inCi()) Assumptions.abort("python3 with numpy is not installed");
        assertTrue(py != null, "python3 with numpy is required in CI");
        String[] base = {"gradient", "--out", dir.toString(), "--batch", "3", "--seed", "4"};
        String[] args = new String[base.length + modelArgs.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(modelArgs, 0, args, base.length, modelArgs.length);
        TestSupport.Run run = TestSupport.cli(args);
        assertEquals(0, run.exitCode(), run.err());
        Process p = new ProcessBuilder(py, TestSupport.root().resolve("scripts/check_gradient.py").toString(),
                dir.toString(), "--tol", "1e-7").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("OK"), out);
    }

    @Test
    void smoothNetworkTwoHiddenLayers() throws Exception {
        check("--model", "ideal", "--set", "neuron.transfer=sigmoid", "--net", "15-10-8-4");
    }

    @Test
    void hardSigmoidDefaultChip() throws Exception {
        check("--model", "default", "--net", "40-20-10");
    }

    /**
     * With --checkpoint the probe runs on the run's chip with the run's rule settings (beta 1, its
     * step caps), prints them, and the dump holds the run's weights and first training examples,
     * which numpy's implicit gradient matches as it does a fresh chip's.
     */
    @Test
    void aRunsCheckpointIsProbedAndDumped() throws Exception {
        Path run = TestSupport.trainedRun(dir.resolve("run")), out = dir.resolve("dump");
        TestSupport.Run probe = TestSupport.cli("gradient", "--checkpoint", run.toString(), "--batch", "4", "--gradient-batches", "3",
                "--out", out.toString());
        assertEquals(0, probe.exitCode(), probe.err());
        assertTrue(probe.out().contains("gradient probe: EP symmetric, beta 1.0, 30 free and 8 nudged steps at most, tolerance 1.0E-4; 3 batches"),
                probe.out());
        assertTrue(probe.out().contains("all layers: cosine") && !probe.out().contains("NaN"), probe.out());
        var meta = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("meta.json").toFile());
        assertEquals("a run folder's checkpoint and its first training examples", meta.get("source").asText());
        long w1 = java.nio.file.Files.size(out.resolve("W1.npy")) - 8L * 784 * 40; // the run's 784-40-10 weights and the .npy header
        assertTrue(w1 > 0 && w1 <= 256, "W1.npy holds 40 x 784 doubles: " + w1);
        TestSupport.assertOneLineError(TestSupport.cli("gradient", "--checkpoint", dir.resolve("nothing").toString()), "run.json");
        TestSupport.assertOneLineError(TestSupport.cli("gradient", "--checkpoint", run.toString(), "--net", "784-10-10"), "--net", "the run's");
        String py = TestSupport.python();
        org.junit.jupiter.api.Assumptions.assumeTrue(py != null || TestSupport.inCi(),
                "numpy's cross-check of the dump skipped: no python3 with numpy (the probe and the refusals above were checked)");
        Process p = new ProcessBuilder(py, TestSupport.root().resolve("scripts/check_gradient.py").toString(), out.toString(), "--tol", "1e-7")
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), text);
    }
}
