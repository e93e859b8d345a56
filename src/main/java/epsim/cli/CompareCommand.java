package epsim.cli;

import epsim.common.AtomicFiles;
import epsim.common.UserError;
import epsim.experiment.Comparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Several runs side by side: a summary table (final and best test accuracy, epochs, time, energy per training "
                + "sample, what each run was) and their learning curves overlaid on one scale (compare-accuracy.png, compare-loss.png). "
                + "Runs of the same design on several seeds are compared in pairs, seed by seed, with the first such design: the mean "
                + "difference of final test accuracy with its 95%% t interval, the exact sign test, the Wilcoxon signed-rank test "
                + "(6 seeds or more), whether the seeds resolve it and how many would (compare-paired.csv).")
final class CompareCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", arity = "1..*", description = "Run folders written by epsim train (read from their checkpoint, or from metrics.csv for a run with --no-checkpoint).")
    List<Path> runs;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for compare.csv and the plots (default: a new runs/compare-<timestamp>).")
    Path out;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "The table as text (aligned), md, csv or tex "
            + "(default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        epsim.common.TextTable.Format written = epsim.common.TextTable.Format.parse(format, "--format");
        if (runs.size() > 100) throw new UserError("compare: at most 100 runs at once, got " + runs.size());
        List<Comparison.Run> read = Comparison.readAll(runs);
        Path dir = out != null ? AtomicFiles.folder(out, "--out")
                : AtomicFiles.folder(AtomicFiles.newFolder(Path.of("runs"), "compare-" + java.time.LocalDateTime.now()
                        .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")), "--out"), "--out");
        System.out.print(Comparison.table(read).render(written));
        List<Comparison.Paired> paired = Comparison.paired(read);
        AtomicFiles.writeString(dir.resolve("compare.csv"), Comparison.csv(read));
        if (!paired.isEmpty()) {
            System.out.println(written.note("paired over the seeds both designs ran (final test accuracy, design minus the first design):"));
            System.out.print(Comparison.pairedTable(paired).render(written));
            AtomicFiles.writeString(dir.resolve("compare-paired.csv"), Comparison.pairedCsv(paired));
        }
        Comparison.plots(dir, read);
        System.out.println(written.note("compare: compare.csv" + (paired.isEmpty() ? "" : ", compare-paired.csv")
                + ", compare-accuracy.png and compare-loss.png in " + dir));
        return 0;
    }
}
