package epsim.cosim;

import epsim.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The conformance checker passes epsim's own chip and fails deliberately broken ones with a row that names the broken rule. */
class ConformanceTest {
    @TempDir
    Path dir;

    @Test
    void epsimServePasses() throws Exception {
        Path report = dir.resolve("report.json");
        TestSupport.Run run = TestSupport.cli("conformance", "--destructive", "--repeats", "3", "--report", report.toString(),
                "--chip", CosimTest.serveCommand("--model", "ideal", "--net", "16-12-4"));
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains(" 0 failed, 0 unsupported"), run.out());
        assertTrue(run.out().contains("program / read_weights round trip") && run.out().contains("round trip per op (ms)"), run.out());
        // both framings: the text encodings, then binary frames once the handshake agreed to them
        assertTrue(run.out().contains("agreed: arrays also travel as binary frames") && run.out().contains("equals its f64 read bit for bit")
                && run.out().contains("a frame reference outside its block is refused"), run.out());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile());
        assertTrue(json.get("passed").asBoolean() && json.get("latency_ms").size() == 6, json.toString());
    }

    /** A chip with the core and EP's ops, no model and no persist: it passes, and says what it does not implement. */
    @Test
    void aMinimalChipPassesWithItsGapsReported() {
        TestSupport.Run run = TestSupport.cli("conformance", "--destructive", "--repeats", "2", "--chip",
                CosimTest.serveCommand("--model", "ideal", "--net", "16-12-4", "--ops", "save_state,restore_state", "--hello-without-model"));
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("UNSUPPORTED  persist") && run.out().contains("none (the host uses a stand-in"), run.out());
        TestSupport.Run plain = TestSupport.cli("conformance", "--repeats", "2", "--chip", CosimTest.serveCommand("--model", "ideal", "--net", "16-12-4", "--no-frames"));
        assertEquals(0, plain.exitCode(), plain.out() + plain.err());
        assertTrue(plain.out().contains("not agreed: arrays travel as JSON or base64") && !plain.out().contains("binary block"), plain.out());
    }

    @Test
    void brokenChipsFailWithTheRuleTheyBreak() throws Exception {
        String python = TestSupport.python();
        if (python == null) return; // TestSupport.python fails under CI when missing
        Path proxy = dir.resolve("broken_chip.py");
        try (var in = ConformanceTest.class.getResourceAsStream("/epsim/broken_chip.py")) {
            Files.copy(in, proxy);
        }
        String serve = CosimTest.serveCommand("--model", "ideal", "--net", "16-12-4").substring("exec:".length());
        String[][] cases = {
                {"wrong-ids", "FAIL         hello          the reply echoes the request's id"},
                {"dies-on-error", "FAIL         session        the chip stays connected and answers"},
                {"short-reads", "FAIL         read           layer 0 gives batch x size(0) values in json, f32 and f64"},
        };
        for (String[] c : cases) {
            TestSupport.Run run = TestSupport.cli("conformance", "--repeats", "1", "--chip-timeout", "20",
                    "--chip", "exec:" + python + " " + proxy + " " + c[0] + " " + serve);
            assertEquals(1, run.exitCode(), c[0] + ": " + run.out() + run.err());
            assertTrue(run.out().contains(c[1]), c[0] + ": " + run.out());
        }
    }

    /**
     * docs/examples/chip.c, the C reference chip: it builds with any C99 compiler, passes the
     * checker (its gaps reported as UNSUPPORTED), and EP trains on it through the protocol alone.
     */
    @Test
    void theCReferenceChipBuildsPassesAndTrains() throws Exception {
        String cc = TestSupport.findExecutable("gcc", "cc");
        if (cc == null && !TestSupport.inCi()) return;
        assertTrue(cc != null, "a C compiler (gcc) is required in CI");
        Path exe = dir.resolve("chip");
        Process build = new ProcessBuilder(cc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-O2", "-o", exe.toString(),
                TestSupport.root().resolve("docs/examples/chip.c").toString(), "-lm").redirectErrorStream(true).start();
        String log = new String(build.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(build.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, build.exitValue(), "chip.c does not build warning-free: " + log);
        TestSupport.Run check = TestSupport.cli("conformance", "--destructive", "--repeats", "3", "--chip", "exec:" + exe + " 16-12-4");
        assertEquals(0, check.exitCode(), check.out() + check.err());
        assertTrue(check.out().contains("PASS         program        program / read_weights round trip"), check.out());
        Path run = dir.resolve("run");
        TestSupport.Run train = TestSupport.cli("train", "--chip", "exec:" + exe + " 784-40-10", "--net", "784-40-10", "--train-limit", "600",
                "--test-limit", "300", "--epochs", "2", "--no-progress", "--out", run.toString());
        assertEquals(0, train.exitCode(), train.err());
        double accuracy = Double.parseDouble(Files.readAllLines(run.resolve("metrics.csv")).get(2).split(",")[4]);
        // chance is 10%; EP on this chip reaches about 60% after 2 epochs of 600 examples: 40% is far from both
        assertTrue(accuracy > 0.4, "test accuracy " + accuracy);
    }
}
