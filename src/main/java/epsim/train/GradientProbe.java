package epsim.train;

import epsim.chip.HostedChip;
import epsim.data.Dataset;
import epsim.chip.LayerParams;
import epsim.reference.Compare;
import epsim.reference.FeedForwardNetwork;
import epsim.reference.IdealNetwork;
import epsim.reference.References;
import epsim.rule.LearningRule;
import epsim.rule.RuleSettings;

/**
 * How well a rule's update on the chip points along the exact gradient of the loss its circuit
 * minimises, on one batch: EP against the implicit gradient of the ideal copy of the recurrent
 * network; the feed-forward rules against backprop of the feed-forward circuit (with the matching
 * loss where the rule uses it: bp and GAIT-prop by default, CHL always).
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
        return switch (s.rule()) {
            case "ep" -> References.implicit(new IdealNetwork(w, chip.transfer(), chip.model().neuron().epsilon()), x, y, batch);
            case "chl" -> new FeedForwardNetwork(w, chip.transfer()).gradient(x, y, batch, true);
            case "bp", "gaitprop" -> new FeedForwardNetwork(w, chip.transfer()).gradient(x, y, batch, s.extras().matchingLoss());
            default -> new FeedForwardNetwork(w, chip.transfer()).gradient(x, y, batch, false);
        };
    }
}
