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

    /** The constant whose label is {@code v}; otherwise a one-line error naming {@code where} and the labels there are. */
    private static <E extends Enum<E>> E byLabel(E[] constants, java.util.function.Function<E, String> label, String v, String where) {
        for (E e : constants) if (label.apply(e).equals(v)) return e;
        throw new UserError(where + " " + v + ": expected " + java.util.Arrays.stream(constants).map(label).collect(java.util.stream.Collectors.joining(" or ")));
    }

    /** Whose settings the probed rule runs with. */
    public enum Settings {
        /** The rule's own, as it trains (beta, step caps, tolerance): the training operating point. */
        TRAINING("training"),
        /** {@link epsim.rule.RuleSettings#forFidelity}: a small beta and converged phases, the hardware's fidelity. */
        FIDELITY("fidelity");

        public final String label;

        Settings(String label) {
            this.label = label;
        }

        public static Settings parse(String v, String where) {
            return byLabel(values(), s -> s.label, v, where);
        }
    }

    /**
     * What to probe: {@code batches} batches of {@code batchSize} training examples chosen by
     * {@code selection}, the rule run with {@code settings}.
     */
    public record Plan(int batchSize, int batches, Selection selection, Settings settings) {
        public Plan(int batchSize, int batches, Selection selection) {
            this(batchSize, batches, selection, Settings.TRAINING);
        }

        public Plan {
            if (batchSize < 1) throw new UserError("gradient probe: " + batchSize + " examples per batch: expected an integer >= 1");
            if (batches < 1 || batches > 10_000) throw new UserError("gradient probe: " + batches + " batches: expected an integer in 1..10000");
        }
    }

    public static Report probe(HostedChip chip, LearningRule rule, Dataset data, Plan plan) {
        return probe(chip, rule, data, plan.batchSize(), plan.batches(), plan.selection());
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
            throw unsettled(e);
        }
    }

    private static UserError unsettled(IllegalStateException e) {
        return new UserError("gradient probe: the exact reference cannot be computed at these weights: the ideal copy of the chip "
                + e.getMessage() + " (its dynamics have no stable equilibrium here, so there is no gradient to compare with)");
    }

    /** Whether one example has a nonzero exact gradient; null when the ideal copy's dynamics do not settle on it. */
    private static Boolean carries(HostedChip chip, RuleSettings s, LayerParams w, Dataset.Examples one) {
        try {
            return s.rule().carriesGradient(w, chip.transfer(), chip.model().neuron().epsilon(), s, one.inputs(), one.targets());
        } catch (IllegalStateException e) {
            return null;
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

    /** Which training examples the probe's batches hold. */
    public enum Selection {
        /**
         * Only examples whose own exact gradient is not zero, screened one by one from the start of
         * the training set: the direction is measured where there is one (a trained chip clips most
         * examples on the rails, where the squared error is flat).
         */
        INFORMATIVE("informative"),
        /** Consecutive examples from the start of the training set, as a training batch would hold them. */
        CONSECUTIVE("consecutive");

        public final String label;

        Selection(String label) {
            this.label = label;
        }

        public static Selection parse(String v, String where) {
            return byLabel(values(), s -> s.label, v, where);
        }
    }

    /**
     * @param layers       per weight layer (weights and biases together)
     * @param overall      every layer's parameters as one vector
     * @param batches      batches measured
     * @param zeroGradient batches on which the exact gradient was zero (left out of the figures)
     * @param screened     examples screened (informative selection; 0 otherwise)
     * @param screenedOut  of those, examples whose own exact gradient is zero
     * @param unsettledExamples screened examples, and {@code unsettledBatches} batches, passed over
     *                     because the ideal copy's dynamics did not settle on them: no equilibrium, no gradient
     */
    public record Report(List<LayerFigures> layers, LayerFigures overall, int batches, int zeroGradient, Selection selection,
                         int screened, int screenedOut, int unsettledExamples, int unsettledBatches, Wired wired) {}

    /**
     * The same figures against the wired chip's own gradient (docs/tiles.md): the rule's reference at
     * the weights the reads see, pulled back through the tiles' wires to the device weights; null
     * for a chip without wire resistance or one out of process.
     */
    public record Wired(List<LayerFigures> layers, LayerFigures overall) {}

    /** The longest screen for informative examples, in multiples of the examples wanted: bounds the probe's time. */
    static final int SCREEN_FACTOR = 50;

    /**
     * {@code batches} batches of {@code batchSize} training examples chosen by {@code selection};
     * a batch whose exact gradient is zero (e.g. every output clipped on a rail, where the squared
     * error's gradient vanishes) says nothing about the direction and is counted apart.
     */
    public static Report probe(HostedChip chip, LearningRule rule, Dataset data, int batchSize, int batches, Selection selection) {
        int layers = chip.topology().weightLayers(), out = chip.topology().outputSize();
        int[] order = null;
        int screened = 0, available = data.count(), unsettled = 0, unsettledBatches = 0;
        // the probe only reads the chip: one verification read serves the screen and every batch's reference
        LayerParams w = chip.readWeights();
        RuleSettings s = rule.settings();
        IllegalStateException lastUnsettled = null;
        if (selection == Selection.INFORMATIVE) {
            int wanted = (int) Math.min((long) batchSize * batches, data.count());
            int limit = (int) Math.min((long) wanted * SCREEN_FACTOR, data.count());
            List<Integer> kept = new ArrayList<>();
            for (; screened < limit && kept.size() < wanted; screened++) {
                Dataset.Examples one = data.examples(new int[] {screened}, 0, 1, out);
                Boolean carries = carries(chip, s, w, one);
                if (carries == null) unsettled++;
                else if (carries) kept.add(screened);
            }
            order = kept.stream().mapToInt(Integer::intValue).toArray();
            available = order.length;
            if (available < batchSize) {
                if (unsettled > 0 && available == 0 && unsettled == screened) {
                    throw unsettled(new IllegalStateException("reference dynamics did not settle on any of the " + screened + " examples screened"));
                }
                Figure none = new Figure(Double.NaN, Double.NaN, 0);
                LayerFigures empty = new LayerFigures(none, none, none);
                return new Report(java.util.Collections.nCopies(layers, empty), empty, 0, 0, selection, screened,
                        screened - available - unsettled, unsettled, 0, null);
            }
        } else if (data.count() < batchSize) {
            throw new UserError("gradient probe: fewer than " + batchSize + " examples in the dataset");
        }
        List<List<double[]>> perLayer = new ArrayList<>(), perLayerWired = new ArrayList<>(); // per layer, then the whole: per batch {cosine, relative error, norm ratio}
        for (int k = 0; k <= layers; k++) {
            perLayer.add(new ArrayList<>());
            perLayerWired.add(new ArrayList<>());
        }
        epsim.chip.AnalogChip wired = chip instanceof epsim.chip.AnalogChip a && a.model().array().wired() ? a : null;
        LayerParams seen = wired == null ? null : epsim.chip.WiredGradient.effectiveWeights(wired);
        int measured = 0, zero = 0;
        for (int b = 0; b < batches && (long) (b + 1) * batchSize <= available; b++) {
            Dataset.Examples e = data.examples(order, b * batchSize, batchSize, out);
            LayerParams exact;
            try {
                exact = s.rule().reference(w, chip.transfer(), chip.model().neuron().epsilon(), s, e.inputs(), e.targets(), batchSize);
            } catch (IllegalStateException notSettled) {
                unsettledBatches++; // a batch with an example on which the ideal copy does not settle has no exact gradient
                lastUnsettled = notSettled;
                continue;
            }
            LayerParams estimate = rule.estimate(chip, e.inputs(), e.targets(), batchSize).gradient();
            measured++;
            if (norm(exact.flatten()) == 0) {
                zero++;
                continue;
            }
            compare(estimate, exact, layers, perLayer);
            if (wired != null) {
                LayerParams own;
                try {
                    own = epsim.chip.WiredGradient.pullBack(wired, s.rule().reference(seen, chip.transfer(), chip.model().neuron().epsilon(), s,
                            e.inputs(), e.targets(), batchSize));
                } catch (IllegalStateException notSettled) {
                    throw unsettled(notSettled);
                }
                compare(estimate, own, layers, perLayerWired);
            }
        }
        List<LayerFigures> figures = figures(perLayer);
        LayerFigures overall = figures.remove(layers);
        Wired wiredFigures = null;
        if (wired != null) {
            List<LayerFigures> own = figures(perLayerWired);
            wiredFigures = new Wired(own, own.remove(layers));
        }
        if (measured == 0 && lastUnsettled != null) throw unsettled(lastUnsettled);
        return new Report(figures, overall, measured, zero, selection, screened, selection == Selection.INFORMATIVE ? screened - available - unsettled : 0,
                unsettled, unsettledBatches, wiredFigures);
    }

    /** Adds one batch's {cosine, relative error, norm ratio} of {@code estimate} to {@code exact}, per layer and overall. */
    private static void compare(LayerParams estimate, LayerParams exact, int layers, List<List<double[]>> perLayer) {
        for (int k = 0; k <= layers; k++) {
            double[] a = k < layers ? estimate.layerVector(k) : estimate.flatten(), g = k < layers ? exact.layerVector(k) : exact.flatten();
            double ng = norm(g);
            if (ng == 0) continue; // this layer has no gradient on this batch
            perLayer.get(k).add(new double[] {Compare.cosine(a, g), Compare.relativeError(a, g), norm(a) / ng});
        }
    }

    private static List<LayerFigures> figures(List<List<double[]>> perLayer) {
        List<LayerFigures> figures = new ArrayList<>();
        for (List<double[]> rows : perLayer) figures.add(new LayerFigures(figure(rows, 0), figure(rows, 1), figure(rows, 2)));
        return figures;
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

    /** The settings of the rule's phases, in its own terms (CHL clamps and has a feedback gain; EP and ghost units nudge with beta). */
    private static String phases(RuleSettings s) {
        return switch (s.rule()) {
            case EP, GHOST -> String.format(java.util.Locale.ROOT, "beta %s, %d free and %d nudged steps at most", s.beta(), s.freeSteps(), s.nudgeSteps());
            case CHL -> String.format(java.util.Locale.ROOT, "feedback gain %s, %d free and %d clamped steps at most", s.gamma(), s.freeSteps(), s.nudgeSteps());
            case GAITPROP -> String.format(java.util.Locale.ROOT, "target step %s, %d steps at most per pass", s.gamma(), s.freeSteps());
            case LAGRANGIAN -> String.format(java.util.Locale.ROOT, "%d saddle iterations of %d steps at most", s.saddleSteps(), s.nudgeSteps());
            case BP -> String.format(java.util.Locale.ROOT, "a feed-forward pass of %d steps at most", s.freeSteps());
        };
    }

    /** The report as lines: the settings it used, the examples, then per layer and overall its three figures, or why there are none. */
    public static List<String> describe(Report r, RuleSettings s) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(java.util.Locale.ROOT, "gradient probe: %s, %s, tolerance %s; %d batches of %s examples (95%% intervals over batches)",
                s.rule().describe(s), phases(s), s.tolerance(), r.batches(), r.selection().label));
        if (r.selection() == Selection.INFORMATIVE && r.screenedOut() > 0) {
            lines.add(String.format(java.util.Locale.ROOT, "%d of the %d examples screened have an exact gradient of zero (outputs"
                    + " clipped on the rails, where the squared error is flat) and were passed over", r.screenedOut(), r.screened()));
        }
        if (r.unsettledExamples() + r.unsettledBatches() > 0) {
            lines.add(String.format(java.util.Locale.ROOT, "%s passed over: the ideal copy's dynamics did not settle there (no stable"
                            + " equilibrium at the chip's dt/tau, so no gradient to compare with)",
                    r.unsettledExamples() > 0 && r.unsettledBatches() > 0 ? r.unsettledExamples() + " examples and " + r.unsettledBatches() + " batches"
                            : r.unsettledExamples() > 0 ? r.unsettledExamples() + " of the examples screened" : r.unsettledBatches() + " batches"));
        }
        if (r.batches() == 0) {
            lines.add("no batch to measure: every example screened has an exact gradient of zero, so there is no direction to compare"
                    + " with; probe fewer examples per batch, or the chip before training (--at-init)");
            return lines;
        }
        if (r.zeroGradient() > 0) {
            lines.add(r.zeroGradient() + " of " + r.batches() + " batches have an exact gradient of zero (every output on a rail, where the"
                    + " squared error is flat): they say nothing about direction and are left out; --probe-examples informative passes such examples over");
        }
        layerLines(lines, r.layers(), r.overall(), "");
        if (r.wired() != null) {
            lines.add("against the wired chip's own gradient (the reference at the weights its reads see, pulled back through the wires to the"
                    + " device weights; docs/tiles.md):");
            layerLines(lines, r.wired().layers(), r.wired().overall(), "wired ");
        }
        return lines;
    }

    private static void layerLines(List<String> lines, List<LayerFigures> layers, LayerFigures overall, String prefix) {
        for (int k = 0; k <= layers.size(); k++) {
            LayerFigures f = k < layers.size() ? layers.get(k) : overall;
            String name = prefix + (k < layers.size() ? "layer " + (k + 1) : "all layers");
            if (f.cosine().batches() == 0) {
                lines.add(name + ": the exact gradient is zero on every batch measured; probe more examples, or a checkpoint"
                        + " where the outputs leave the rails");
                continue;
            }
            lines.add(String.format(java.util.Locale.ROOT, "%s: cosine %s, relative error %s, norm ratio %s (%d batches)", name,
                    f.cosine(), f.relativeError(), f.normRatio(), f.cosine().batches()));
        }
    }
}
