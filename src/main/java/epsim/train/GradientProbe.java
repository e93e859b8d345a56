package epsim.train;

import epsim.chip.HostedChip;
import epsim.common.UserError;
import epsim.data.Dataset;
import epsim.math.LayerParams;
import epsim.reference.Compare;
import epsim.rule.LearningRule;
import epsim.rule.RuleSettings;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;

import java.util.ArrayList;
import java.util.List;

/**
 * How well a rule's update on the chip points along the exact gradient of the loss its circuit
 * minimises ({@link epsim.rule.Rule#reference}), on the ideal copy of the chip: per batch, and
 * over K batches per layer with a confidence interval.
 */
public final class GradientProbe {
    private GradientProbe() {}

    /** {@link #cosine} on the first {@code n} examples of {@code data} (one-hot targets). */
    public static double cosine(HostedChip chip, LearningRule rule, Dataset data, int n) {
        int size = Math.min(n, data.count());
        Dataset.Examples examples = data.examples(null, 0, size, chip.topology().outputSize());
        return cosine(chip, rule, examples.inputs(), examples.targets(), size);
    }

    public static double cosine(HostedChip chip, LearningRule rule, double[] x, double[] y, int batch) {
        double[] estimate = rule.estimate(chip, x, y, batch).gradient().flatten();
        return Compare.cosine(estimate, reference(chip, rule.settings(), x, y, batch).flatten());
    }

    /**
     * The exact gradient of the chip's ideal copy; a reference whose dynamics do not settle is a
     * one-line explanation, not an internal error.
     */
    public static LayerParams reference(HostedChip chip, RuleSettings s, double[] x, double[] y, int batch) {
        LayerParams w = chip.readWeights();
        try {
            return s.rule().reference(w, chip.transfer(), chip.model().neuron().epsilon(), s, x, y, batch);
        } catch (IllegalStateException e) {
            throw new UserError("gradient probe: the exact reference cannot be computed at these weights: the ideal copy of the chip "
                    + e.getMessage() + " (its dynamics have no stable equilibrium here, so there is no gradient to compare with)");
        }
    }

    /** Mean, 95% confidence half-width (Student t over the batches) and count of one per-layer figure. */
    public record Figure(double mean, double halfWidth, int batches) {
        @Override
        public String toString() {
            return batches < 2 ? String.format(java.util.Locale.ROOT, "%.4f", mean)
                    : String.format(java.util.Locale.ROOT, "%.4f ± %.4f", mean, halfWidth);
        }
    }

    /** Per layer: cosine, relative error |e - g| / |g| and norm ratio |e| / |g| of the estimate e to the exact gradient g. */
    public record LayerFigures(Figure cosine, Figure relativeError, Figure normRatio) {}

    /**
     * @param layers       per weight layer (weights and biases together)
     * @param batches      batches measured
     * @param zeroGradient batches on which the exact gradient was zero (left out of the figures)
     */
    public record Report(List<LayerFigures> layers, int batches, int zeroGradient) {}

    /**
     * {@code batches} consecutive batches of {@code batchSize} examples from the start of {@code data};
     * a batch whose exact gradient is zero (e.g. every output clipped on a rail, where the squared
     * error's gradient vanishes) says nothing about the direction and is counted apart.
     */
    public static Report probe(HostedChip chip, LearningRule rule, Dataset data, int batchSize, int batches) {
        int layers = chip.topology().weightLayers(), out = chip.topology().outputSize();
        List<List<double[]>> perLayer = new ArrayList<>(); // per layer: per batch {cosine, relative error, norm ratio}
        for (int k = 0; k < layers; k++) perLayer.add(new ArrayList<>());
        int measured = 0, zero = 0;
        for (int b = 0; b < batches && (long) (b + 1) * batchSize <= data.count(); b++) {
            Dataset.Examples e = data.examples(null, b * batchSize, batchSize, out);
            LayerParams estimate = rule.estimate(chip, e.inputs(), e.targets(), batchSize).gradient();
            LayerParams exact = reference(chip, rule.settings(), e.inputs(), e.targets(), batchSize);
            measured++;
            if (norm(exact.flatten()) == 0) {
                zero++;
                continue;
            }
            for (int k = 0; k < layers; k++) {
                double[] a = estimate.layerVector(k), g = exact.layerVector(k);
                double ng = norm(g);
                if (ng == 0) continue; // this layer has no gradient on this batch
                perLayer.get(k).add(new double[] {Compare.cosine(a, g), Compare.relativeError(a, g), norm(a) / ng});
            }
        }
        if (measured == 0) throw new UserError("gradient probe: fewer than " + batchSize + " examples in the dataset");
        List<LayerFigures> figures = new ArrayList<>();
        for (List<double[]> rows : perLayer) figures.add(new LayerFigures(figure(rows, 0), figure(rows, 1), figure(rows, 2)));
        return new Report(figures, measured, zero);
    }

    private static Figure figure(List<double[]> rows, int column) {
        int n = rows.size();
        if (n == 0) return new Figure(Double.NaN, Double.NaN, 0);
        double[] v = rows.stream().mapToDouble(r -> r[column]).toArray();
        double half = n < 2 ? Double.NaN : new TDistribution(n - 1).inverseCumulativeProbability(0.975) * Math.sqrt(StatUtils.variance(v) / n);
        return new Figure(StatUtils.mean(v), half, n);
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    /** The report as lines: the settings it used, then per layer its three figures, or why a layer has none. */
    public static List<String> describe(Report r, RuleSettings s) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(java.util.Locale.ROOT, "gradient probe: %s, beta %s, %d free and %d nudged steps at most, tolerance %s;"
                        + " %d batches (95%% intervals over batches)", s.rule().describe(s), s.beta(), s.freeSteps(), s.nudgeSteps(),
                s.tolerance(), r.batches()));
        if (r.zeroGradient() > 0) {
            lines.add(r.zeroGradient() + " of " + r.batches() + " batches have an exact gradient of zero (every output on a rail, where the"
                    + " squared error is flat): they say nothing about direction and are left out");
        }
        for (int k = 0; k < r.layers().size(); k++) {
            LayerFigures f = r.layers().get(k);
            if (f.cosine().batches() == 0) {
                lines.add("layer " + (k + 1) + ": the exact gradient is zero on every batch measured; probe more examples, or a checkpoint"
                        + " where the outputs leave the rails");
                continue;
            }
            lines.add(String.format(java.util.Locale.ROOT, "layer %d: cosine %s, relative error %s, norm ratio %s (%d batches)", k + 1,
                    f.cosine(), f.relativeError(), f.normRatio(), f.cosine().batches()));
        }
        return lines;
    }
}
