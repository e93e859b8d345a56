package epsim.testbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import epsim.TestSupport;
import epsim.testbench.Row;
import epsim.testbench.TestbenchRunner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every file in testbenches/ runs in the suite, so CI checks them all. */
class TestbenchFilesTest {
    @TempDir
    Path dir;

    @Test
    void cliPrintsRowsAndWritesTheJsonReport() throws Exception {
        Path report = dir.resolve("report.json");
        TestSupport.Run run = TestSupport.cli("testbench", TestSupport.root().resolve("testbenches/gdu.json").toString(),
                "--report", report.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("PASS  gdu"), run.out());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertTrue(json.get("passed").asBoolean());
        assertEquals(3, json.get("rows").size());
        assertEquals("PASS", json.get("rows").get(0).get("verdict").asText());
        assertEquals(1e-3, json.get("rows").get(0).get("max").asDouble());
    }

    @Test
    void aFailingCheckExitsOne() throws Exception {
        String text = java.nio.file.Files.readString(TestSupport.root().resolve("testbenches/gdu.json"))
                .replace("\"normalizedError\": {\"max\": 1e-3}", "\"normalizedError\": {\"max\": 1e-9}");
        Path strict = dir.resolve("strict.json");
        java.nio.file.Files.writeString(strict, text);
        TestSupport.Run run = TestSupport.cli("testbench", strict.toString());
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.out().contains("FAIL"), run.out());
    }

    @TestFactory
    Stream<DynamicTest> everyTestbenchPasses() {
        List<Path> files = TestbenchRunner.collect(List.of(TestSupport.root().resolve("testbenches")));
        assertTrue(files.size() >= 7, "expected the testbench files, found " + files);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            if (f.getFileName().toString().startsWith("spice-") && !epsim.spice.Ngspice.available()) {
                // outside CI a missing ngspice skips its testbenches; under CI it is a failure
                assertFalse(TestSupport.inCi(), "ngspice is required in CI (apt-get install -y ngspice)");
                org.junit.jupiter.api.Assumptions.abort("ngspice is not installed");
            }
            List<Row> rows = TestbenchRunner.run(TestbenchRunner.load(f));
            assertFalse(rows.isEmpty());
            List<Row> failed = rows.stream().filter(r -> r.verdict() == Row.Verdict.FAIL).collect(Collectors.toList());
            assertTrue(failed.isEmpty(), () -> failed.stream().map(TestbenchRunner::format).collect(Collectors.joining("\n")));
            assertTrue(rows.stream().anyMatch(r -> r.verdict() == Row.Verdict.PASS), "a testbench must check something");
        }));
    }
}
