package epsim.train;

import epsim.chip.HostedChip;
import epsim.data.Dataset;
import epsim.math.LayerParams;
import epsim.reference.Compare;
import epsim.rule.LearningRule;
import epsim.rule.RuleSettings;

/**
 * How well a rule's update on the chip points along the exact gradient of the loss its circuit
 * minimises ({@link epsim.rule.Rule#reference}), on one batch, on the ideal copy of the chip.
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

    public static LayerParams reference(HostedChip chip, RuleSettings s, double[] x, double[] y, int batch) {
        LayerParams w = chip.readWeights();
        return s.rule().reference(w, chip.transfer(), chip.model().neuron().epsilon(), s, x, y, batch);
    }
}
