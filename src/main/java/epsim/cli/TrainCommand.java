package epsim.cli;

import epsim.backend.ChipFactory;
import epsim.common.AtomicFiles;
import epsim.common.UserError;
import epsim.math.Kernels;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.train.Checkpoint;
import epsim.train.EpochRow;
import epsim.train.RunSetting;
import epsim.train.TrainConfig;
import epsim.train.Trainer;
import epsim.train.TrainingData;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a chip on a dataset with a learning rule. With no options: EP on the default hardware "
                + "model and the bundled MNIST subset. Writes metrics.csv, run.json, learning-curves.png and a "
                + "checkpoint after every epoch to --out; Ctrl-C stops after saving, --resume continues.")
final class TrainCommand implements Callable<Integer>, RuleOptions.Command, RunOptions.Command {
    @Mixin
    ModelOptions model;

    final RunOptions run = new RunOptions();

    final RuleOptions rule = new RuleOptions();

    @Override
    public RunOptions runOptions() {
        return run;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public RuleOptions ruleOptions() {
        return rule;
    }

    @Option(names = "--track-gradient", paramLabel = "N",
            description = "After every epoch, probe the rule's update against the exact gradient on --gradient-batches batches of N "
                    + "training examples: columns in metrics.csv and gradient.png (a tracked run draws on the chip's noise, so it is "
                    + "another run than an untracked one) (default: off).")
    Integer trackGradient;

    @Mixin
    ProbeOptions probe;

    @Option(names = "--no-checkpoint", description = "Write no checkpoint (metrics, run.json and plots still are): the run cannot be resumed.")
    boolean noCheckpoint;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/<timestamp>).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its last checkpoint (--epochs may extend it).")
    Path resume;

    @Option(names = "--chip", paramLabel = "SPEC",
            description = "Another chip instead of the in-process one: spice (equilibria solved by ngspice, docs/spice.md), "
                    + "exec:COMMAND (e.g. exec:\"./epsim serve --stdio --model ideal\") or tcp:HOST:PORT (docs/cosim-protocol.md). "
                    + "With --resume: the external chip to reconnect to (a run folder never starts one).")
    String chip;

    @Option(names = "--chip-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Longest wait for a reply of the --chip (default: ${DEFAULT-VALUE}).")
    double chipTimeout;

    @Option(names = "--progress", negatable = true, description = "Show a progress bar (default: when attached to a terminal).")
    Boolean progress;

    @Override
    public Integer call() throws IOException {
        TrainConfig config;
        Checkpoint checkpoint = null;
        Path dir;
        if (resume != null) {
            dir = resume;
            refuseRecordedOptions();
            config = TrainConfig.read(dir, "no run to resume");
            TrainConfig.checkModelFile(dir, config);
            config = config.withChip(ChipFactory.reconnect(config.chip(), chip, dir));
            if (run.given(RunSetting.EPOCHS)) config = config.withEpochs((Integer) run.value(RunSetting.EPOCHS, null));
            checkpoint = Checkpoint.read(dir);
            if (checkpoint.epoch() > config.epochs()) {
                System.out.printf("%s: all %d epochs are done (pass --epochs to extend)%n", dir, config.epochs());
                return 0;
            }
        } else {
            config = run.config(model, rule, chip);
            if (trackGradient != null) config = config.withTracking(probe.plan(trackGradient, "--track-gradient"));
            else probe.refuseUnused("--track-gradient N");
            dir = out != null ? out
                    : AtomicFiles.newFolder(Path.of("runs"), LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")), "--out");
            if (Files.exists(dir.resolve(Checkpoint.FILE))) {
                throw new UserError("--out " + dir + ": already holds a run (use --resume " + dir + " or another --out)");
            }
        }
        if (!(chipTimeout > 0) || !Double.isFinite(chipTimeout)) throw new UserError("--chip-timeout " + chipTimeout + ": expected a number of seconds > 0");
        AtomicFiles.folder(dir, resume != null ? "--resume" : "--out");
        if (resume != null) AtomicFiles.removeLeftovers(dir);
        Topology t = Topology.parse(config.net(), "--net");
        TrainingData data = TrainingData.load(config, t);
        HardwareModel m = resume == null ? model.load() : ModelLoader.load(config.model(), config.overrides()); // parsed once
        if (resume != null && !config.external()) TrainConfig.checkModel(dir, m);
        Trainer trainer = new Trainer(config, ChipFactory.build(config.chip(), m, t, config.seed(), chipTimeout), data, dir, Main.version());
        if (noCheckpoint) trainer.withoutCheckpoints(); // (refused with --resume above: a resumed run keeps its checkpoints)
        System.out.printf("epsim %s: %s on %s (%s, %s chip), net %s, %s: %d train / %d test, %d epochs, %s kernels -> %s%n",
                Main.version(), config.ruleLabel(), config.modelLabel(trainer.model().name()),
                trainer.chip().reportsModel() ? config.model() : "no model from the chip", config.backend(),
                config.net(), config.dataset(), trainer.trainSet().count(), trainer.testSet().count(), config.epochs(),
                Kernels.backend().label, dir);

        Path runDir = dir;
        Thread hook = new Thread(() -> {
            trainer.requestStopAndWait(120_000);
            if (trainer.stoppedEarly() && noCheckpoint) {
                System.out.printf("%nstopped after the current batch; no checkpoint was written (--no-checkpoint), so the run cannot be resumed%n");
                System.out.flush();
            } else if (trainer.stoppedEarly()) {
                System.out.printf("%nstopped after saving the checkpoint in %s (the last complete batch); continue with: %s train --resume %s%n",
                        runDir.resolve(epsim.train.Checkpoint.FILE), epsim.common.Shell.launcher(), epsim.common.Shell.quote(runDir.toString()));
                System.out.flush();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        boolean bar = ProgressBars.wanted(progress);
        Trainer.Result result;
        try (Progress p = new Progress(bar)) {
            result = trainer.run(checkpoint, p);
        } finally {
            trainer.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down (Ctrl-C): the hook is running and waits for us
        }
        if (result.stopped()) return 130; // the shutdown hook reports it
        EpochRow last = result.history().get(result.history().size() - 1);
        System.out.printf(Locale.ROOT, "final test accuracy %.2f%% (train %.2f%%); run in %s%n", 100 * last.testAccuracy(),
                100 * last.trainAccuracy(), dir);
        java.util.Map<String, double[]> trips = trainer.chip().roundTrips();
        if (!trips.isEmpty()) {
            double total = trips.values().stream().mapToDouble(v -> v[1]).sum();
            double run = result.history().stream().mapToDouble(EpochRow::seconds).sum();
            StringBuilder parts = new StringBuilder();
            trips.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1])).limit(4)
                    .forEach(e -> parts.append(parts.length() == 0 ? "" : ", ").append(e.getKey())
                            .append(String.format(Locale.ROOT, " %.0f%%", 100 * e.getValue()[1] / total)));
            System.out.printf(Locale.ROOT, "protocol: %.1f s in round trips to the chip (%s), over the epochs' %.1f s; per op in run.json%n",
                    total, parts, run);
        }
        if (last.cost() != null) {
            System.out.printf(Locale.ROOT, "cost per training sample %s; per inference %s (docs/cost.md)%n",
                    epsim.cost.EventCost.describe(last.cost().training()), epsim.cost.EventCost.describe(last.cost().inference()));
        }
        return 0;
    }

    /** Options a resumed run may take; every other option is recorded in its run.json and stays. */
    private static final java.util.Set<String> RESUMABLE = java.util.Set.of("--resume", "--epochs", "--chip", "--chip-timeout", "--progress");

    private void refuseRecordedOptions() {
        for (picocli.CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (!RESUMABLE.contains(o.longestName())) {
                throw new UserError(o.longestName() + ": a resumed run keeps the options recorded in its run.json; with --resume give only "
                        + "--epochs (to extend it), --chip, --chip-timeout or --progress");
            }
        }
    }

    /** Progress bar per epoch (samples/s, running loss and accuracy) and one line per epoch. */
    private static final class Progress implements Trainer.Listener, AutoCloseable {
        private final boolean show;
        private ProgressBar bar;
        private long startNanos;
        private int startDone = -1;

        Progress(boolean show) {
            this.show = show;
        }

        @Override
        public void epochStarted(int epoch, int epochs, int examples) {
            startNanos = System.nanoTime();
            startDone = -1;
            if (show) {
                bar = ProgressBars.create(String.format("epoch %d/%d", epoch, epochs), examples);
            }
        }

        @Override
        public void batchDone(int done, double loss, double accuracy) {
            if (startDone < 0) startDone = done;
            if (bar == null) return;
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            bar.stepTo(done);
            bar.setExtraMessage(String.format(Locale.ROOT, "%.0f samples/s loss %.4f acc %.2f%%",
                    (done - startDone) / Math.max(seconds, 1e-9), loss, 100 * accuracy));
        }

        @Override
        public void epochDone(EpochRow r) {
            close();
            System.out.printf(Locale.ROOT, "epoch %3d  train %.2f%%  test %.2f%%  test loss %.4f  free steps %.1f  %.1f s%n",
                    r.epoch(), 100 * r.trainAccuracy(), 100 * r.testAccuracy(), r.testLoss(), r.meanFreeSteps(), r.seconds());
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
