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
}
