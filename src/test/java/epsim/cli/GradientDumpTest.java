package epsim.cli;

import epsim.TestSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
}
