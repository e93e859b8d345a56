package epsim.rule;

import epsim.chip.Chip;
import epsim.math.LayerParams;

/** A learning rule drives a {@link Chip}; it never sees devices or conductances. */
public interface LearningRule {
    String name();

    /**
     * Runs the rule's phases on one batch and returns its estimate of dL/dtheta (batch mean of
     * L = 1/2 ||rho(u_out) - y||^2) without changing the chip's weights.
     */
    Estimate estimate(Chip chip, double[] inputs, double[] targets, int batch);

    /** {@link #estimate}, then programs the chip with -learningRate * estimate, layer by layer. */
    default Estimate train(Chip chip, double[] inputs, double[] targets, int batch) {
        Estimate e = estimate(chip, inputs, targets, batch);
        double[] descent = settings().learningRates().clone();
        for (int k = 0; k < descent.length; k++) descent[k] = -descent[k];
        hostWork().add(chip.topology().parameterCount()); // the learning rate times every weight and bias change
        chip.program(e.gradient().scaled(descent));
        return e;
    }

    /** The network's answer to a batch, as this rule's circuit computes it (outputs through the ADC). */
    Inference infer(Chip chip, double[] inputs, int batch);

    RuleSettings settings();

    /** The digital work this rule's host has done so far (docs/cost.md). */
    HostWork hostWork();

    /** State of the rule's own randomness, for checkpoints (empty when it has none). */
    default long[] randomState() {
        return new long[0];
    }

    default void restoreRandomState(long[] state) {}

    /**
     * @param gradient   the rule's estimate of dL/dtheta
     * @param prediction the outputs read after the free phase (batch x outputSize)
     * @param freeSteps  steps the free phase took
     */
    record Estimate(LayerParams gradient, double[] prediction, int freeSteps) {}

    record Inference(double[] prediction, int steps) {}
}
