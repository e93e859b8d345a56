package epsim.rule;

import epsim.chip.Chip;
import epsim.chip.LayerParams;

/** A learning rule drives a {@link Chip}; it never sees devices or conductances. */
public interface LearningRule {
    String name();

    /**
     * Runs the rule's phases on one batch and returns its estimate of dL/dtheta (batch mean of
     * L = 1/2 ||rho(u_out) - y||^2) without changing the chip's weights.
     */
    Estimate estimate(Chip chip, double[] inputs, double[] targets, int batch);

    /** {@link #estimate}, then programs the chip with -learningRate * estimate. */
    Estimate train(Chip chip, double[] inputs, double[] targets, int batch);

    /**
     * @param gradient   the rule's estimate of dL/dtheta
     * @param prediction the outputs read after the free phase (batch x outputSize)
     * @param freeSteps  steps the free phase took
     */
    record Estimate(LayerParams gradient, double[] prediction, int freeSteps) {}
}
