package epsim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.backend.ChipFactory;
import epsim.chip.AnalogChip;
import epsim.common.AtomicFiles;
import epsim.common.MemoryBudget;
import epsim.common.Npy;
import epsim.common.Rng;
import epsim.common.UserError;
import epsim.data.Dataset;
import epsim.data.SyntheticBatch;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.reference.Compare;
import epsim.reference.IdealNetwork;
import epsim.reference.References;
import epsim.rule.LearningRule;
import epsim.rule.Rule;
import epsim.rule.RuleSetting;
import epsim.rule.RuleSettings;
import epsim.train.GradientProbe;
import epsim.train.RunSetting;
import epsim.train.TrainConfig;
import epsim.train.Trainer;
import epsim.train.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "gradient", mixinStandardHelpOptions = true,
        description = {"Measure how the rule's update points along the exact gradient (per layer: cosine, relative error, norm ratio, "
                + "with 95%% intervals over --gradient-batches batches), and with --out write the chip's weights, the batch, the rule's "
                + "update and the three exact reference gradients as .npy files (format in docs/cli.md), to check with any tool.",
                "Without --checkpoint: a freshly fabricated chip and synthetic batches, with the rule defaults below. With --checkpoint DIR: "
                + "the run's chip and training examples, and the run's own rule settings as defaults (the probe prints what it used)."})
final class GradientCommand implements Callable<Integer>, RuleOptions.Command, RunOptions.Command {
    @Mixin
    ModelOptions model;

    final RuleOptions rule = new RuleOptions();

    @Override
    public RuleOptions ruleOptions() {
        return rule;
    }

    /** The measurement's own defaults: a small beta, phases run to a tight tolerance, no learning. */
    @Override
    public RuleSettings ruleDefaults(Topology t) {
        return RuleSettings.defaults(t).forFidelity().with(RuleSetting.LEARNING_RATES, new double[t.weightLayers()]);
    }

    final RunOptions run = new RunOptions(java.util.EnumSet.of(RunSetting.NET, RunSetting.SEED, RunSetting.BATCH)).withDefault(RunSetting.BATCH, 8);

    @Override
    public RunOptions runOptions() {
        return run;
    }

    /** The run settings as given (the network and seed only without --checkpoint; the batch's range is checked against the net). */
    private long seed;
    private int batch;

    @Option(names = "--fd-coordinates", paramLabel = "N",
            description = "Finite differences on N random parameters (default: all when there are at most 2000, else 200).")
    Integer fdCoordinates;

    @Option(names = "--fd-step", defaultValue = "1e-5", description = "Central-difference step h (default: ${DEFAULT-VALUE}).")
    double fdStep;

    @Option(names = "--bptt-steps", paramLabel = "T",
            description = "Steps of the unrolled free phase (default: as many as the ideal dynamics need to settle to 1e-13).")
    Integer bpttSteps;

    @Option(names = "--out", paramLabel = "DIR", description = "Write the .npy dump of the (first) batch here (EP only).")
    Path out;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Measure on this run folder's chip instead of a fresh one.")
    Path checkpoint;

    @Mixin
    SavedRunOptions saved;

    @Mixin
    ProbeOptions probe;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** What a run folder fixes: given beside --checkpoint they would be silently ignored. */
    private static final List<String> FIXED_BY_THE_RUN = List.of("--model", "--set", "--net", "--seed");

    @Override
    public Integer call() throws Exception {
        if (!(fdStep > 0) || !Double.isFinite(fdStep)) throw new UserError("--fd-step " + fdStep + ": expected a finite number > 0");
        if (bpttSteps != null && bpttSteps < 1) throw new UserError("--bptt-steps " + bpttSteps + ": expected an integer >= 1");
        seed = run.seed();
        batch = (Integer) run.value(RunSetting.BATCH, null);
        GradientProbe.Plan plan = probe.plan(batch, "--batch");
        if (checkpoint != null) {
            for (String flag : FIXED_BY_THE_RUN) {
                if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
                    throw new UserError(flag + ": with --checkpoint the model, network and seed are the run's (" + checkpoint + "/run.json)");
                }
            }
            return onCheckpoint(plan);
        }
        return onFreshChip(plan);
    }

    private Integer onFreshChip(GradientProbe.Plan plan) throws Exception {
        HardwareModel m = model.load();
        Topology t = run.topology();
        if (batch > t.maxBatch()) throw new UserError("--batch " + batch + ": expected an integer in 1.." + t.maxBatch());
        RuleSettings s = rule.settings(t, ruleDefaults(t));
        AnalogChip chip = ChipFactory.inProcess(m, t, seed);
        LearningRule learning = s.create(seed);
        if (out != null) {
            SyntheticBatch data = SyntheticBatch.draw(t, batch, seed);
            LayerParams ruleGrad = learning.estimate(chip, data.inputs(), data.targets(), batch).gradient();
            dump(m, t, s, chip.readWeights(), data.inputs(), data.targets(), ruleGrad, null);
        }
        // the probe's own examples, drawn at once (so the dump's batch above stays what it always was), four times
        // as many as the batches hold so that the informative selection can pass over clipped ones
        Dataset examples = SyntheticBatch.draw(t, 4 * batch * plan.batches(), seed).asDataset(t, "synthetic");
        for (String line : GradientProbe.describe(GradientProbe.probe(chip, learning, examples, plan), s)) {
            System.out.println("fresh chip, synthetic batches: " + line);
        }
        return 0;
    }

    private Integer onCheckpoint(GradientProbe.Plan plan) throws Exception {
        TrainConfig config = saved.config(checkpoint, c -> c);
        Topology t = Topology.parse(config.net(), "--net");
        if (batch > t.maxBatch()) throw new UserError("--batch " + batch + ": expected an integer in 1.." + t.maxBatch());
        config = config.withRule(rule.settings(t, config.rule()));
        Trainer trainer = saved.open(checkpoint, config, TrainingData.load(config, t), Main.version());
        try {
            RuleSettings s = trainer.rule().settings();
            if (out != null) {
                Dataset.Examples first = trainer.trainingSet().examples(null, 0, Math.min(batch, trainer.trainingSet().count()), t.outputSize());
                LayerParams ruleGrad = trainer.rule().estimate(trainer.chip(), first.inputs(), first.targets(), batch).gradient();
                dump(trainer.model(), t, s, trainer.chip().readWeights(), first.inputs(), first.targets(), ruleGrad, checkpoint);
            }
            for (String line : trainer.gradientReport(plan)) System.out.println(checkpoint + ": " + line);
        } finally {
            trainer.close();
        }
        return 0;
    }

    /** The .npy dump of one batch and meta.json, then the three references compared with each other and with the rule. */
    private void dump(HardwareModel m, Topology t, RuleSettings s, LayerParams weights, double[] x, double[] y, LayerParams ruleGrad,
                      Path run) throws Exception {
        if (s.rule() != Rule.EP) {
            // the dumped references are the recurrent network's; the other rules' reference is another circuit
            throw new UserError("--rule " + s.rule().label + ": --out dumps EP against the recurrent network's references; "
                    + "for the other rules the probe alone (without --out) measures the update against their own exact gradient");
        }
        long params = t.parameterCount();
        int fdCount = fdCoordinates != null ? fdCoordinates : (params <= 2000 ? (int) params : 200);
        if (fdCount < 0 || fdCount > params) throw new UserError("--fd-coordinates " + fdCount + ": expected 0.." + params);
        IdealNetwork ideal = new IdealNetwork(weights, m.neuron().transfer(), m.neuron().epsilon());
        int steps;
        LayerParams implicit, fd, bptt;
        int[] coords = fdCount == params ? null : sample(params, fdCount, seed);
        try {
            implicit = References.implicit(ideal, x, y, batch);
            fd = References.finiteDifferences(ideal, x, y, batch, fdStep, coords);
            steps = bpttSteps != null ? bpttSteps : References.settleSteps(ideal, x, batch);
            // BPTT keeps every step's state of every free neuron, and a mask of the clipped ones, per example in turn
            MemoryBudget.require((double) (steps + 1) * t.freeNeurons() * 9, "--bptt-steps " + steps + " on " + t);
            bptt = References.bptt(ideal, x, y, batch, steps);
        } catch (IllegalStateException e) {
            // the ideal copy has no equilibrium to differentiate: on this batch, or (finite differences) once a weight moves by --fd-step
            throw new UserError("--out: the references cannot be computed here: " + e.getMessage()
                    + " (on this batch, or with a weight moved by --fd-step " + fdStep + "; finite differences need a small step, e.g. 1e-5)");
        }

        Npy.writeDoubles(out.resolve("inputs.npy"), x, batch, t.inputSize());
        Npy.writeDoubles(out.resolve("targets.npy"), y, batch, t.outputSize());
        for (int k = 0; k < t.weightLayers(); k++) {
            int l = k + 1;
            int rows = t.size(l), cols = t.size(k);
            Npy.writeDoubles(out.resolve("W" + l + ".npy"), weights.w[k], rows, cols);
            Npy.writeDoubles(out.resolve("b" + l + ".npy"), weights.b[k], rows);
            writeGradient("rule", l, ruleGrad, k, rows, cols);
            writeGradient("implicit", l, implicit, k, rows, cols);
            writeGradient("bptt", l, bptt, k, rows, cols);
        }
        long[] fdIndex;
        double[] fdValue;
        double[] fdFlat = fd.flatten();
        if (coords == null) {
            fdIndex = new long[fdFlat.length];
            for (int i = 0; i < fdIndex.length; i++) fdIndex[i] = i;
            fdValue = fdFlat;
        } else {
            fdIndex = Arrays.stream(coords).asLongStream().toArray();
            fdValue = Arrays.stream(coords).mapToDouble(i -> fdFlat[i]).toArray();
        }
        Npy.writeLongs(out.resolve("fd_index.npy"), fdIndex, fdIndex.length);
        Npy.writeDoubles(out.resolve("fd_value.npy"), fdValue, fdValue.length);

        ObjectMapper json = new ObjectMapper();
        ObjectNode meta = json.createObjectNode();
        meta.put("epsim", Main.version());
        meta.set("model", ModelLoader.toJson(m));
        meta.put("net", t.toString());
        if (run != null) meta.put("source", "a run folder's checkpoint and its first training examples");
        meta.put("seed", seed);
        meta.put("batch", batch);
        meta.put("transfer", m.neuron().transfer().jsonName);
        meta.put("epsilon", m.neuron().epsilon());
        meta.put("loss", References.loss(ideal, References.equilibria(ideal, x, batch), y));
        meta.set("rule", s.toJson(List.of(RuleSetting.RULE, RuleSetting.NUDGING, RuleSetting.BETA, RuleSetting.FREE_STEPS,
                RuleSetting.NUDGE_STEPS, RuleSetting.TOLERANCE)));
        meta.put("fdStep", fdStep);
        meta.put("bpttSteps", steps);
        meta.put("layout", "Wl.npy: weights of layer l (size(l) x size(l-1)); bl.npy: biases; "
                + "{rule,implicit,bptt}_dWl.npy / _dbl.npy: dL/dtheta (the rule's estimate and the references), "
                + "L = batch mean of 1/2 |rho(u_out) - y|^2; fd_index.npy: flat parameter indices (layer by layer, "
                + "weights row-major then biases), fd_value.npy: central differences there");
        AtomicFiles.writeString(out.resolve("meta.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(meta) + "\n");

        System.out.printf("wrote %s (net %s, batch %d, model %s)%n", out, t, batch, m.name());
        System.out.printf(java.util.Locale.ROOT, "dump settings: beta %s, %d free and %d nudged steps at most, tolerance %s%n", s.beta(),
                s.freeSteps(), s.nudgeSteps(), s.tolerance());
        double[] imp = implicit.flatten(), ep = ruleGrad.flatten(), bp = bptt.flatten();
        System.out.printf("rule vs implicit: cosine %.6f, relative error %.3e%n", Compare.cosine(ep, imp), Compare.relativeError(ep, imp));
        System.out.printf("BPTT (%d steps) vs implicit: relative error %.3e%n", steps, Compare.relativeError(bp, imp));
        double[] impAtFd = Arrays.stream(fdIndex).mapToDouble(i -> imp[(int) i]).toArray();
        System.out.printf("finite differences (%d coordinates) vs implicit: relative error %.3e%n", fdIndex.length,
                Compare.relativeError(fdValue, impAtFd));
    }

    private void writeGradient(String prefix, int l, LayerParams g, int k, int rows, int cols) {
        Npy.writeDoubles(out.resolve(prefix + "_dW" + l + ".npy"), g.w[k], rows, cols);
        Npy.writeDoubles(out.resolve(prefix + "_db" + l + ".npy"), g.b[k], rows);
    }

    /** {@code count} distinct parameter indices, sorted, from the seed's "fd-coordinates" stream. */
    private static int[] sample(long total, int count, long seed) {
        Rng rng = Rng.stream(seed, "fd-coordinates");
        java.util.TreeSet<Integer> picked = new java.util.TreeSet<>();
        while (picked.size() < count) picked.add((int) ((rng.nextLong() >>> 1) % total));
        return picked.stream().mapToInt(Integer::intValue).toArray();
    }
}
