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

    /**
     * {@link #estimate}, then the update -learningRate * estimate, layer by layer: programmed by the
     * host ({@code update.mode host}), or, on an array that updates itself ({@code outerProduct}, {@code tikiTaka}),
     * handed to the array as the estimate's rank-one terms, each with its sign and learning rate
     * (docs/update.md). A rule whose update is not a sum of rank-one terms refuses the second.
     */
    default Estimate train(Chip chip, double[] inputs, double[] targets, int batch) {
        long outerProductsBefore = hostWork().outerProductMacs();
        Estimate e = estimate(chip, inputs, targets, batch);
        double[] rates = settings().learningRates();
        if (chip.updateMode().fromRankOneTerms()) {
            if (e.rankOne() == null) {
                throw new epsim.common.UserError(name() + " cannot use update.mode " + chip.updateMode().jsonName + ": " + notRankOne());
            }
            // the products of the rank-one terms are the array's work now, not the controller's
            hostWork().forgetOuterProducts(hostWork().outerProductMacs() - outerProductsBefore);
            for (RankOne r : e.rankOne()) {
                // the controller only forms each term's values (a neuron's difference or sum of its two readings) and
                // turns them into pulse probabilities: two operations per value
                hostWork().add(2L * r.terms() * (chip.topology().size(r.layer() + 1) + chip.topology().size(r.layer()) + 1));
                chip.updateOuterProduct(r.layer(), r.rows(), r.columns(), r.bias(), r.terms(), -rates[r.layer()] * r.coefficient());
            }
            return e;
        }
        double[] descent = rates.clone();
        for (int k = 0; k < descent.length; k++) descent[k] = -descent[k];
        hostWork().add(chip.topology().parameterCount()); // the learning rate times every weight and bias change
        chip.program(e.gradient().scaled(descent));
        return e;
    }

    /** Whether this rule's update (as configured) is a sum of rank-one terms an array can take (docs/update.md). */
    /**
     * The optional chip ops ({@link epsim.chip.ChipOp}) the rule sends, beyond the core every chip
     * implements; a chip without one of them is refused before any training.
     */
    default java.util.Set<epsim.chip.ChipOp> chipOps() {
        return java.util.Set.of();
    }

    default boolean rankOne() {
        return true;
    }

    /** Why this rule's update (as configured) is not a sum of rank-one terms ({@link #rankOne} false). */
    default String notRankOne() {
        return "its update is not a sum of rank-one terms";
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
     * @param rankOne    the estimate as rank-one terms of the chip's own signals (docs/update.md); null on a host-mode
     *                   chip, or where the update is not such a sum
     */
    record Estimate(LayerParams gradient, double[] prediction, int freeSteps, java.util.List<RankOne> rankOne) {
        /** An estimate without rank-one terms (it cannot be handed to an array that updates itself). */
        public Estimate(LayerParams gradient, double[] prediction, int freeSteps) {
            this(gradient, prediction, freeSteps, null);
        }
    }

    record Inference(double[] prediction, int steps) {}
}
