package epsim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.chip.AnalogChip;
import epsim.common.AtomicFiles;
import epsim.common.Npy;
import epsim.common.Rng;
import epsim.common.UserError;
import epsim.data.SyntheticBatch;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.reference.Compare;
import epsim.reference.IdealNetwork;
import epsim.reference.References;
import epsim.rule.EquilibriumPropagation;
import epsim.rule.Rule;
import epsim.rule.RuleSetting;
import epsim.rule.RuleSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "gradient", mixinStandardHelpOptions = true,
        description = "Write a chip's weights, an input batch, the rule's update and the three exact reference "
                + "gradients as .npy files (format in docs/cli.md), so they can be checked with any tool.")
final class GradientCommand implements Callable<Integer>, RuleOptions.Command {
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
        return RuleSettings.defaults(t).withBeta(0.01).with(RuleSetting.FREE_STEPS, 10_000).with(RuleSetting.NUDGE_STEPS, 10_000)
                .with(RuleSetting.TOLERANCE, 1e-12).with(RuleSetting.LEARNING_RATES, new double[t.weightLayers()]);
    }

    @Option(names = "--net", paramLabel = "SIZES", defaultValue = "784-500-10", description = "Layer sizes, input first (default: ${DEFAULT-VALUE}).")
    String net;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of fabrication, noise and the synthetic batch (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch", defaultValue = "8", description = "Examples in the batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--fd-coordinates", paramLabel = "N",
            description = "Finite differences on N random parameters (default: all when there are at most 2000, else 200).")
    Integer fdCoordinates;

    @Option(names = "--fd-step", defaultValue = "1e-5", description = "Central-difference step h (default: ${DEFAULT-VALUE}).")
    double fdStep;

    @Option(names = "--bptt-steps", paramLabel = "T",
            description = "Steps of the unrolled free phase (default: as many as the ideal dynamics need to settle to 1e-13).")
    Integer bpttSteps;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Override
    public Integer call() throws Exception {
        HardwareModel m = model.load();
        Topology t = Topology.parse(net, "--net");
        if (batch < 1 || batch > t.maxBatch()) throw new UserError("--batch " + batch + ": expected an integer in 1.." + t.maxBatch());
        if (!(fdStep > 0) || !Double.isFinite(fdStep)) throw new UserError("--fd-step " + fdStep + ": expected a finite number > 0");
        RuleSettings s = rule.settings(t, ruleDefaults(t));
        if (s.rule() != Rule.EP) {
            // the dumped references are the recurrent network's; the other rules' reference is another circuit
            throw new UserError("--rule " + s.rule().label + ": gradient dumps EP against the recurrent network's references; "
                    + "for the other rules use 'epsim eval --checkpoint DIR --gradient-probe N'");
        }
        long params = t.parameterCount();
        int fdCount = fdCoordinates != null ? fdCoordinates : (params <= 2000 ? (int) params : 200);
        if (fdCount < 0 || fdCount > params) throw new UserError("--fd-coordinates " + fdCount + ": expected 0.." + params);
        if (bpttSteps != null && bpttSteps < 1) throw new UserError("--bptt-steps " + bpttSteps + ": expected an integer >= 1");

        AnalogChip chip = AnalogChip.fabricate(m, t, seed);
        SyntheticBatch data = SyntheticBatch.draw(t, batch, seed);
        LayerParams ruleGrad = new EquilibriumPropagation(s, seed).estimate(chip, data.inputs(), data.targets(), batch).gradient();
        LayerParams weights = chip.readWeights();
        IdealNetwork ideal = new IdealNetwork(weights, m.neuron().transfer(), m.neuron().epsilon());
        LayerParams implicit = References.implicit(ideal, data.inputs(), data.targets(), batch);
        int[] coords = fdCount == params ? null : sample(params, fdCount, seed);
        LayerParams fd = References.finiteDifferences(ideal, data.inputs(), data.targets(), batch, fdStep, coords);
        int steps = bpttSteps != null ? bpttSteps : References.settleSteps(ideal, data.inputs(), batch);
        LayerParams bptt = References.bptt(ideal, data.inputs(), data.targets(), batch, steps);

        Npy.writeDoubles(out.resolve("inputs.npy"), data.inputs(), batch, t.inputSize());
        Npy.writeDoubles(out.resolve("targets.npy"), data.targets(), batch, t.outputSize());
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
        meta.put("seed", seed);
        meta.put("batch", batch);
        meta.put("transfer", m.neuron().transfer().jsonName);
        meta.put("epsilon", m.neuron().epsilon());
        meta.put("loss", References.loss(ideal, References.equilibria(ideal, data.inputs(), batch), data.targets()));
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
        double[] imp = implicit.flatten(), ep = ruleGrad.flatten(), bp = bptt.flatten();
        System.out.printf("rule vs implicit: cosine %.6f, relative error %.3e%n", Compare.cosine(ep, imp), Compare.relativeError(ep, imp));
        System.out.printf("BPTT (%d steps) vs implicit: relative error %.3e%n", steps, Compare.relativeError(bp, imp));
        double[] impAtFd = Arrays.stream(fdIndex).mapToDouble(i -> imp[(int) i]).toArray();
        System.out.printf("finite differences (%d coordinates) vs implicit: relative error %.3e%n", fdIndex.length,
                Compare.relativeError(fdValue, impAtFd));
        return 0;
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
