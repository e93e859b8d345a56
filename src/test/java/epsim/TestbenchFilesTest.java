package epsim;

import epsim.testbench.Row;
import epsim.testbench.TestbenchRunner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every file in testbenches/ runs in the suite, so CI checks them all. */
class TestbenchFilesTest {
    @TestFactory
    Stream<DynamicTest> everyTestbenchPasses() {
        List<Path> files = TestbenchRunner.collect(List.of(TestSupport.root().resolve("testbenches")));
        assertTrue(files.size() >= 7, "expected the testbench files, found " + files);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            List<Row> rows = TestbenchRunner.run(TestbenchRunner.load(f));
            assertFalse(rows.isEmpty());
            List<Row> failed = rows.stream().filter(r -> r.verdict() == Row.Verdict.FAIL).collect(Collectors.toList());
            assertTrue(failed.isEmpty(), () -> failed.stream().map(TestbenchRunner::format).collect(Collectors.joining("\n")));
            assertTrue(rows.stream().anyMatch(r -> r.verdict() == Row.Verdict.PASS), "a testbench must check something");
        }));
    }
}
