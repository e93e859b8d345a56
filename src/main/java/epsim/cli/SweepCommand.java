package epsim.cli;

import epsim.common.AtomicFiles;
import epsim.common.Shell;
import epsim.common.UserError;
import epsim.experiment.SweepGrid;
import epsim.experiment.SweepManifest;
import epsim.experiment.SweepOutcome;
import epsim.experiment.SweepReport;
import epsim.experiment.SweepRunner;
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
final class SweepCommand implements Callable<Integer>, RuleOptions.Command, RunOptions.Command {
    @Mixin
    ModelOptions model;

    final RunOptions run = new RunOptions();

    @Override
    public RunOptions runOptions() {
        return run;
    }

    final RuleOptions rule = new RuleOptions();

    @Override
    public RuleOptions ruleOptions() {
        return rule;
    }

    @Option(names = "--vary", paramLabel = "SECTION.FIELD=V1,V2,...",
            description = "A model field, 'model' (presets or files), seed, epochs, batch, lr (every layer) or rule.KEY (any rule setting, "
                    + "e.g. rule.beta, rule.readAverages, rule.name), evalAfter (seconds the trained chip idles, drifting, before its test) "
                    + "or evalRepeats (tests averaged, each with new noise draws) and its values (repeatable; the cross product is swept).")
    List<String> vary;

    @Option(names = "--list", description = "Zip the --vary lists (i-th values together) instead of the cross product.")
    boolean zip;

    @Option(names = "--kind", defaultValue = "both", description = "train, gradient or both (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--gradient-batch", defaultValue = "8",
            description = "Examples per batch of the gradient probe, run on each point's final chip (default: ${DEFAULT-VALUE}).")
    int gradientBatch;

    @Mixin
    ProbeOptions probe;

    @Option(names = "--gradient-settings", paramLabel = "WHICH", defaultValue = "fidelity",
            description = "The probe's rule settings: fidelity (beta 0.01, phases run to 1e-12 in at most 10000 steps: what the hardware "
                    + "allows) or training (the rule's own, the training operating point) (default: ${DEFAULT-VALUE}).")
    String gradientSettings;






    @Option(names = "--threads", description = "Points run at once (default: the available cores).")
    Integer threads;

    @Option(names = "--shard", paramLabel = "K/N", description = "Run only shard K of N (points with index = K-1 mod N).")
    String shard;

    @Option(names = "--progress", negatable = true, description = "Show a progress bar (default: when attached to a terminal).")
    Boolean progress;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/sweep-<timestamp>).")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--slurm", description = "Run the sweep as a Slurm job array, one task per shard: write DIR/sweep.sbatch and submit it "
            + "with sbatch, then print the job id and the merge command (docs/sweeps.md).")
    boolean slurm;

    @Option(names = "--slurm-tasks", paramLabel = "N", description = "With --slurm: array tasks, i.e. shards (default: one per point, at most 1000).")
    Integer slurmTasks;

    @Option(names = "--slurm-opt", paramLabel = "OPTION", description = "With --slurm: an sbatch option for the job script, e.g. "
            + "--slurm-opt=--partition=gpu or --slurm-opt=--time=02:00:00 (repeatable).")
    List<String> slurmOptions = new ArrayList<>();

    @Option(names = "--dry-run", description = "With --slurm: write the job script, do not submit it.")
    boolean dryRun;

    /** Options of the submitting command that the array tasks do not take (they get their own --shard and --out). */
    private static final java.util.Set<String> SUBMIT_ONLY = java.util.Set.of("--slurm", "--dry-run", "--slurm-tasks", "--slurm-opt", "--shard", "--out",
            "--progress", "--no-progress");

    @Override
    public Integer call() throws Exception {
        if (vary == null || vary.isEmpty()) throw new UserError("sweep: give at least one --vary KEY=V1,V2,... (or 'epsim sweep merge DIR')");
        boolean train = kind.equals("train") || kind.equals("both"), gradient = kind.equals("gradient") || kind.equals("both");
        if (!train && !gradient) throw new UserError("--kind " + kind + ": expected train, gradient or both");
        epsim.train.GradientProbe.Plan plan = null;
        if (gradient) {
            epsim.train.GradientProbe.Plan p = probe.plan(gradientBatch, "--gradient-batch");
            plan = new epsim.train.GradientProbe.Plan(p.batchSize(), p.batches(), p.selection(),
                    epsim.train.GradientProbe.Settings.parse(gradientSettings, "--gradient-settings"));
        } else {
            probe.refuseUnused("--kind gradient or both");
            for (String flag : List.of("--gradient-batch", "--gradient-settings")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(flag)) throw new UserError(flag + ": --kind train runs no gradient probe");
            }
        }
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
        List<SweepGrid.Axis> axes = new ArrayList<>();
        for (String v : vary) axes.add(SweepGrid.parseAxis(v));
        for (SweepGrid.Axis a : axes) {
            if (!train && (a.key().equals(SweepGrid.EVAL_AFTER) || a.key().equals(SweepGrid.EVAL_REPEATS))) {
                throw new UserError("--vary " + a.key() + ": evaluates the trained chip, and --kind gradient trains none");
            }
        }
        TrainConfig base = run.config(model, rule, null);
        SweepGrid grid = new SweepGrid(base, axes, zip);
        List<SweepGrid.Point> all = grid.points();
        List<SweepGrid.Point> mine = new ArrayList<>();
        for (SweepGrid.Point p : all) if (p.index() % shards == shardIndex - 1) mine.add(p);
        Path dir = out != null ? out
                : AtomicFiles.newFolder(Path.of("runs"), "sweep-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")), "--out");
        if (slurm) sbatchOutput(dir.toAbsolutePath().normalize().resolve("slurm").toString(), "--out " + dir); // refused before any file
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
        SweepManifest manifest = SweepManifest.of(axes, zip, base, kind, plan, Main.version(), command);
        grid.validate(all); // every point, before the manifest or any file is written
        manifest.bind(dir); // every shard, point and merge is tied to it
        if (slurm) return submit(dir, all.size());
        if (slurmTasks != null || !slurmOptions.isEmpty() || dryRun) throw new UserError("--slurm-tasks, --slurm-opt and --dry-run go with --slurm");
        System.out.printf("sweep: %d of %d points (shard %d/%d), %s, %d threads -> %s%n", mine.size(), all.size(), shardIndex, shards,
                kind, workers, dir);
        if (grid.variesModelName() && !base.overrides().isEmpty()) {
            System.out.println("sweep: --set " + String.join(" --set ", base.overrides()) + " applies to every varied model (labelled so in sweep.csv)");
        }
        for (String w : grid.warnings(mine)) System.err.println("epsim: warning: " + w);
        List<SweepOutcome> outcomes;
        if (ProgressBars.wanted(progress)) {
            try (ProgressBar bar = ProgressBars.create("sweep", mine.size())) {
                outcomes = SweepRunner.run(grid, mine, train, plan, dir, workers, i -> bar.step(), manifest);
            }
        } else {
            outcomes = SweepRunner.run(grid, mine, train, plan, dir, workers, i -> {}, manifest);
        }
        String name = shards == 1 ? "sweep.csv" : String.format(Locale.ROOT, "sweep-shard-%d-of-%d.csv", shardIndex, shards);
        SweepReport.write(dir, grid, outcomes, plan, name, shardIndex == 1, shards == 1);
        System.out.print(SweepReport.csv(grid, outcomes, true, plan));
        return 0;
    }

    /**
     * Writes the job-array script (task k runs shard k of N into the same folder, with the java and
     * jar this command runs on: a cluster's nodes share the file system) and submits it.
     */
    private Integer submit(Path dir, int points) throws Exception {
        if (shard != null) throw new UserError("--shard: with --slurm each array task runs its own shard");
        int tasks = slurmTasks != null ? slurmTasks : Math.min(points, 1000);
        if (tasks < 1 || tasks > points) throw new UserError("--slurm-tasks " + tasks + ": expected 1.." + points + " (the sweep has " + points + " points)");
        for (String o : slurmOptions) {
            if (!o.startsWith("-") || o.contains("\n") || o.contains("\r")) throw new UserError("--slurm-opt " + o + ": expected one sbatch option, e.g. --time=01:00:00");
        }
        Path out = dir.toAbsolutePath().normalize();
        String outputPattern = sbatchOutput(out.resolve("slurm").toString(), "--out " + out);
        List<String> args = new ArrayList<>();
        // the java and class path this command runs on (the jar, or a build's classes): a cluster's nodes share the file system
        String javaBinary = ProcessHandle.current().info().command().orElse("java");
        String classPath = Path.of(System.getProperty("java.class.path")).toAbsolutePath().toString();
        if (System.getProperty("java.class.path").contains(java.io.File.pathSeparator)) classPath = System.getProperty("java.class.path");
        args.addAll(List.of(javaBinary, "-cp", classPath, Main.class.getName()));
        List<String> given = spec.commandLine().getParseResult().originalArgs();
        for (int i = 0; i < given.size(); i++) {
            String a = given.get(i), name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            boolean takesValue = !a.contains("=") && spec.findOption(name) != null && spec.findOption(name).arity().max() > 0;
            if (SUBMIT_ONLY.contains(name)) {
                if (takesValue) i++;
                continue;
            }
            args.add(a);
        }
        StringBuilder script = new StringBuilder("#!/bin/sh\n# epsim sweep as a Slurm job array: task k of " + tasks + " runs shard k (docs/sweeps.md)\n");
        script.append("#SBATCH --job-name=epsim-sweep\n#SBATCH --array=1-").append(tasks).append('\n');
        script.append("#SBATCH --output=").append(outputPattern).append('\n');
        for (String o : slurmOptions) script.append("#SBATCH ").append(o).append('\n');
        // as the launcher: one BLAS thread, so that every task's bits are those of a one-machine run
        script.append("export OPENBLAS_NUM_THREADS=\"${OPENBLAS_NUM_THREADS:-1}\" OMP_NUM_THREADS=\"${OMP_NUM_THREADS:-1}\"\n");
        script.append("exec");
        for (String a : args) script.append(' ').append(Shell.quote(a));
        script.append(" --no-progress --shard \"${SLURM_ARRAY_TASK_ID}/").append(tasks).append("\" --out ").append(Shell.quote(out.toString())).append('\n');
        java.nio.file.Files.createDirectories(out.resolve("slurm"));
        Path file = out.resolve("sweep.sbatch");
        AtomicFiles.writeString(file, script.toString());
        if (dryRun) {
            System.out.printf("wrote %s (%d tasks); submit it with: sbatch %s; once its tasks are done: %s sweep merge %s%n", file, tasks,
                    Shell.quote(file.toString()), Shell.launcher(), Shell.quote(out.toString()));
            return 0;
        }
        Process p;
        try {
            p = new ProcessBuilder("sbatch", "--parsable", file.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new UserError("--slurm: sbatch not found (is this a Slurm login node?); --dry-run writes the script only: " + file);
        }
        String reply = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0 || !reply.matches("\\d+(;\\S+)?")) {
            throw new UserError("--slurm: sbatch refused " + file + ": " + reply.replace('\n', ' '));
        }
        String job = reply.split(";")[0];
        System.out.printf("submitted job array %s (%d tasks, %s); watch it with: squeue -j %s; when it is done: %s sweep merge %s%n", job, tasks, file,
                job, Shell.launcher(), Shell.quote(out.toString()));
        return 0;
    }


    /**
     * The job's output pattern in folder {@code name} as the value of an {@code #SBATCH} directive: in double quotes (sbatch
     * reads a quoted directive value whole, spaces, quotes and # included: checked against the real
     * sbatch in SlurmSweepTest), with % written %% (sbatch's file-name pattern). A name that no
     * directive can carry is refused: a control character (a newline would end the line and start a
     * shell command), a double quote (it would end the value) or a backslash (sbatch takes it as an
     * escape, and in a file name it turns the pattern's %A_%a off).
     */
    static String sbatchOutput(String name, String what) {
        if (Shell.hasControl(name) || name.contains("\\") || name.contains("\"")) {
            throw new UserError(what + ": a Slurm job's output path cannot hold a control character (a newline...), a double quote or a "
                    + "backslash; choose another --out");
        }
        return "\"" + name.replace("%", "%%") + "/%A_%a.out\""; // the pattern: job array id _ task id
    }

    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = "Merge a sweep run in shards (on one machine or a cluster): check that every point of its manifest has its outcome, "
                    + "then write sweep.csv in point order, the summary across seeds and the plots an unsharded run draws.")
    static final class Merge implements Callable<Integer> {
        @picocli.CommandLine.Parameters(paramLabel = "DIR", description = "The sweep's --out folder.")
        Path dir;

        @Override
        public Integer call() {
            List<SweepOutcome> outcomes = SweepRunner.merge(dir);
            long failed = outcomes.stream().filter(o -> o.error() != null).count();
            System.out.printf("merged %d points into %s%s%n", outcomes.size(), dir.resolve("sweep.csv"), failed == 0 ? "" : " (" + failed + " failed: see their error column)");
            return 0;
        }
    }
}
