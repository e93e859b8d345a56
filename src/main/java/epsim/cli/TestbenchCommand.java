package epsim.cli;

import epsim.testbench.Row;
import epsim.testbench.TestbenchRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "testbench", mixinStandardHelpOptions = true,
        description = "Run testbench files: one row per check (verdict, name, measured figure, bound). "
                + "Exits 1 if any check fails, 2 on a bad file.")
final class TestbenchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE|DIR", arity = "0..*", defaultValue = "testbenches",
            description = "Testbench files or directories of them (default: ${DEFAULT-VALUE}).")
    List<Path> paths;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the rows as JSON to FILE.")
    Path report;

    @Override
    public Integer call() {
        List<Row> rows = TestbenchRunner.runAll(TestbenchRunner.collect(paths), System.out);
        if (report != null) TestbenchRunner.writeReport(report, rows);
        long failed = rows.stream().filter(r -> r.verdict() == Row.Verdict.FAIL).count();
        long passed = rows.stream().filter(r -> r.verdict() == Row.Verdict.PASS).count();
        System.out.printf("%d passed, %d failed, %d reported%n", passed, failed, rows.size() - passed - failed);
        return failed == 0 ? 0 : 1;
    }
}
