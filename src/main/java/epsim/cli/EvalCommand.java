package epsim.cli;

import epsim.common.AtomicFiles;
import epsim.common.UserError;
import epsim.data.Dataset;
import epsim.data.Datasets;
import epsim.math.Topology;
import epsim.train.TrainConfig;
import epsim.train.Trainer;
import epsim.train.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a saved chip (a run folder's last checkpoint) on a dataset's test set.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "Run folder written by 'epsim train'.")
    Path dir;

    @Option(names = "--dataset", paramLabel = "NAME", description = "Dataset (default: the one the run trained on).")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder of the Fashion-MNIST IDX files.")
    Path dataDir;

    @Option(names = "--after", defaultValue = "0", paramLabel = "SECONDS",
            description = "Evaluate after the chip has sat idle this long (conductance drift), e.g. 3600.")
    double after;

    @Option(names = "--test-limit", defaultValue = "0", paramLabel = "N", description = "Evaluate the first N test examples only (0: all).")
    int testLimit;

    @Option(names = "--gradient-probe", paramLabel = "N",
            description = "Also compare the rule's update with the exact gradient, per layer (cosine, relative error, norm ratio), "
                    + "on batches of N training examples.")
    Integer gradientProbe;

    @picocli.CommandLine.Mixin
    ProbeOptions probe;

    @Option(names = "--repeats", defaultValue = "1", paramLabel = "N",
            description = "Evaluate N times, each with new draws of the chip's read and thermal noise, and give mean ± sd (default: ${DEFAULT-VALUE}).")
    int repeats;

    @picocli.CommandLine.Mixin
    SavedRunOptions saved;

    @Override
    public Integer call() {
        if (testLimit < 0) throw new UserError("--test-limit " + testLimit + ": expected an integer >= 0");
        if (repeats < 1 || repeats > Trainer.MAX_REPEATS) throw new UserError("--repeats " + repeats + ": expected an integer in 1.." + Trainer.MAX_REPEATS);
        TrainConfig config = saved.config(dir, c -> c);
        Topology t = Topology.parse(config.net(), "--net");
        if (gradientProbe == null) probe.refuseUnused("--gradient-probe N");
        epsim.train.GradientProbe.Plan plan = gradientProbe == null ? null : probe.plan(gradientProbe, "--gradient-probe");
        if (!(after >= 0) || !Double.isFinite(after)) throw new UserError("--after " + after + ": expected a finite number of seconds >= 0");
        TrainingData training = TrainingData.load(config, t);
        Trainer trainer = saved.open(dir, config, training, Main.version());
        try {
            trainer.advanceTime(after);
            String name = dataset != null ? dataset : config.dataset();
            Path data = dataDir != null ? dataDir : (dataset == null && config.dataDir() != null ? AtomicFiles.path(config.dataDir(), "run.json: dataDir") : null);
            Dataset test = Datasets.load(name, data).test();
            if (testLimit > 0) test = test.head(testLimit);
            TrainingData.fitting(test, t, name);
            java.util.List<Trainer.Evaluation> evaluations = trainer.evaluateRepeatedly(test, repeats);
            Trainer.Evaluation f = evaluations.get(0);
            String what = String.format(Locale.ROOT, "%s: %s test set (%d examples)%s", dir, name, test.count(),
                    after > 0 ? String.format(Locale.ROOT, " after %.0f s idle", after) : "");
            boolean noisy = trainer.model().device().readNoise() > 0 || trainer.model().neuron().thermalNoise() > 0;
            if (repeats == 1) {
                System.out.printf(Locale.ROOT, "%s: accuracy %.2f%%, loss %.4f%s%n", what, 100 * f.accuracy(), f.loss(), noisy
                        ? " (one draw of the chip's read and thermal noise, as the training run's figure was another; --repeats N gives mean ± sd)" : "");
            } else {
                double[] accuracy = evaluations.stream().mapToDouble(Trainer.Evaluation::accuracy).toArray();
                double[] loss = evaluations.stream().mapToDouble(Trainer.Evaluation::loss).toArray();
                System.out.printf(Locale.ROOT, "%s: accuracy %.2f ± %.2f%% (mean ± sd of %d evaluations, %s), loss %.4f ± %.4f%n", what,
                        100 * org.apache.commons.math3.stat.StatUtils.mean(accuracy), 100 * Math.sqrt(org.apache.commons.math3.stat.StatUtils.variance(accuracy)),
                        repeats, noisy ? "each with its own noise draws" : "a noiseless chip gives the same figure each time",
                        org.apache.commons.math3.stat.StatUtils.mean(loss), Math.sqrt(org.apache.commons.math3.stat.StatUtils.variance(loss)));
            }
            if (f.perInference() != null) {
                System.out.printf(Locale.ROOT, "%s: cost per inference %s (docs/cost.md)%n", dir, epsim.cost.EventCost.describe(f.perInference()));
            }
            if (gradientProbe != null) {
                for (String line : trainer.gradientReport(plan)) System.out.println(dir + ": " + line);
            }
        } finally {
            trainer.close(); // ends an external chip's session (and its process)
        }
        return 0;
    }
}
