package epsim.cli;

import epsim.common.AtomicFiles;
import epsim.common.UserError;
import epsim.train.Sweep;
import epsim.train.TrainConfig;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "sweep", mixinStandardHelpOptions = true, subcommands = SweepCommand.Merge.class,
        description = "Design-space sweep: train and/or gradient-check every combination of hardware-model values, "
                + "in parallel, writing sweep.csv and plots (docs/sweeps.md).")
final class SweepCommand implements Callable<Integer>, RuleOptions.Command {
    @Mixin
    ModelOptions model;

    @Mixin
    RunOptions run;

    final RuleOptions rule = new RuleOptions();

    @Override
    public RuleOptions ruleOptions() {
        return rule;
    }

    @Option(names = "--vary", paramLabel = "SECTION.FIELD=V1,V2,...",
            description = "A model field, 'model' (presets or files), seed, epochs, batch, lr (every layer) or rule.KEY (any rule setting, "
                    + "e.g. rule.beta, rule.readAverages, rule.name) and its values (repeatable; the cross product is swept).")
    List<String> vary;

    @Option(names = "--list", description = "Zip the --vary lists (i-th values together) instead of the cross product.")
    boolean zip;

    @Option(names = "--kind", defaultValue = "both", description = "train, gradient or both (default: ${DEFAULT-VALUE}).")
    String kind;


    @Option(names = "--epochs", defaultValue = "15", description = "Epochs per training point (default: ${DEFAULT-VALUE}).")
    int epochs;


    @Option(names = "--gradient-batch", defaultValue = "8",
            description = "Examples per batch of the gradient probe, run on each point's final chip (default: ${DEFAULT-VALUE}).")
    int gradientBatch;

    @Mixin
    ProbeOptions probe;






    @Option(names = "--threads", description = "Points run at once (default: the available cores).")
    Integer threads;

    @Option(names = "--shard", paramLabel = "K/N", description = "Run only shard K of N (points with index = K-1 mod N).")
    String shard;

    @Option(names = "--progress", negatable = true, description = "Show a progress bar (default: when attached to a terminal).")
    Boolean progress;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/sweep-<timestamp>).")
    Path out;

    /** The --set list a varied model is labelled with (none when the model does not vary). */
    private static List<String> labelled(List<Sweep.Axis> axes, TrainConfig base) {
        for (Sweep.Axis a : axes) if (a.key().equals(Sweep.MODEL)) return base.overrides();
        return List.of();
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (vary == null || vary.isEmpty()) throw new UserError("sweep: give at least one --vary KEY=V1,V2,... (or 'epsim sweep merge DIR')");
        boolean train = kind.equals("train") || kind.equals("both"), gradient = kind.equals("gradient") || kind.equals("both");
        if (!train && !gradient) throw new UserError("--kind " + kind + ": expected train, gradient or both");
        epsim.train.GradientProbe.Plan plan = gradient ? probe.plan(gradientBatch, "--gradient-batch") : null;
        int shardIndex = 1, shards = 1;
        if (shard != null) {
            String[] parts = shard.split("/");
            try {
                shardIndex = Integer.parseInt(parts[0]);
                shards = Integer.parseInt(parts[1]);
            } catch (RuntimeException e) {
                throw new UserError("--shard " + shard + ": expected K/N, e.g. 3/16");
            }
            if (parts.length != 2 || shards < 1 || shardIndex < 1 || shardIndex > shards) {
                throw new UserError("--shard " + shard + ": expected K/N with 1 <= K <= N");
            }
        }
        int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (workers < 1) throw new UserError("--threads " + workers + ": expected an integer >= 1");
        List<Sweep.Axis> axes = new ArrayList<>();
        for (String v : vary) axes.add(Sweep.parseAxis(v));
        TrainConfig base = run.config(model, rule, epochs, null);
        List<Sweep.Point> all = Sweep.points(axes, zip);
        List<Sweep.Point> mine = new ArrayList<>();
        for (Sweep.Point p : all) if (p.index() % shards == shardIndex - 1) mine.add(p);
        Path dir = out != null ? out
                : AtomicFiles.newFolder(Path.of("runs"), "sweep-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")), "--out");
        AtomicFiles.folder(dir, "--out");
        List<String> command = new ArrayList<>();
        for (java.util.Iterator<String> it = spec.commandLine().getParseResult().originalArgs().iterator(); it.hasNext(); ) {
            String a = it.next();
            if (a.equals("--shard")) { // the re-run command is the whole sweep's: it skips what any shard finished
                if (it.hasNext()) it.next();
            } else if (!a.startsWith("--shard=")) {
                command.add(a);
            }
        }
        epsim.train.SweepManifest manifest = epsim.train.SweepManifest.of(axes, zip, base, kind, plan, Main.version(), command);
        Sweep.validate(base, axes, all); // every point, before the manifest or any file is written
        manifest.bind(dir); // every shard, point and merge is tied to it
        System.out.printf("sweep: %d of %d points (shard %d/%d), %s, %d threads -> %s%n", mine.size(), all.size(), shardIndex, shards,
                kind, workers, dir);
        if (!labelled(axes, base).isEmpty()) {
            System.out.println("sweep: --set " + String.join(" --set ", base.overrides()) + " applies to every varied model (labelled so in sweep.csv)");
        }
        for (String w : Sweep.warnings(base, axes, mine)) System.err.println("epsim: warning: " + w);
        List<Sweep.Outcome> outcomes;
        if (ProgressBars.wanted(progress)) {
            try (ProgressBar bar = ProgressBars.create("sweep", mine.size())) {
                outcomes = Sweep.run(base, axes, mine, train, plan, dir, workers, i -> bar.step(), manifest);
            }
        } else {
            outcomes = Sweep.run(base, axes, mine, train, plan, dir, workers, i -> {}, manifest);
        }
        String name = shards == 1 ? "sweep.csv" : String.format(Locale.ROOT, "sweep-shard-%d-of-%d.csv", shardIndex, shards);
        String table = Sweep.csv(axes, outcomes, shardIndex == 1, labelled(axes, base));
        AtomicFiles.writeString(dir.resolve(name), table);
        if (shards == 1) {
            List<Sweep.Group> seeds = Sweep.acrossSeeds(axes, outcomes);
            if (seeds != null) AtomicFiles.writeString(dir.resolve("sweep-summary.csv"), Sweep.summaryCsv(axes, seeds));
            Sweep.plots(dir, axes, outcomes);
        }
        System.out.print(Sweep.csv(axes, outcomes, true, labelled(axes, base)));
        return 0;
    }

    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = "Merge a sweep run in shards (on one machine or a cluster): check that every point of its manifest has its outcome, "
                    + "then write sweep.csv in point order, the summary across seeds and the plots an unsharded run draws.")
    static final class Merge implements Callable<Integer> {
        @picocli.CommandLine.Parameters(paramLabel = "DIR", description = "The sweep's --out folder.")
        Path dir;

        @Override
        public Integer call() {
            List<Sweep.Outcome> outcomes = Sweep.merge(dir);
            long failed = outcomes.stream().filter(o -> o.error() != null).count();
            System.out.printf("merged %d points into %s%s%n", outcomes.size(), dir.resolve("sweep.csv"), failed == 0 ? "" : " (" + failed + " failed: see their error column)");
            return 0;
        }
    }
}
