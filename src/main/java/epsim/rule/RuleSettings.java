package epsim.rule;

import java.util.List;

/**
 * A learning rule and its settings. Rules ignore what does not apply to them (backprop has no
 * beta or nudged phase).
 *
 * @param rule          one of {@link #RULES}
 * @param beta          nudging strength (> 0): EP's and the ghost-unit rule's
 * @param nudging       which pair of EP phases
 * @param freeSteps     step cap of the free (or feed-forward) phase
 * @param nudgeSteps    step cap of each nudged (or clamped) phase
 * @param tolerance     a phase ends early once max |du| is below this (volts)
 * @param readAverages  ADC reads averaged at the end of each phase, one per further step (1: a
 *                      single read); on a noisy chip this is the controller integrating its ADC
 *                      over time, averaging thermal and read noise down by sqrt(n)
 * @param learningRates one per weight layer
 * @param extras        the settings only some rules have
 */
public record RuleSettings(String rule, double beta, EquilibriumPropagation.Nudging nudging, int freeSteps,
                           int nudgeSteps, double tolerance, int readAverages, double[] learningRates, Extras extras) {
    public static final List<String> RULES = List.of("ep", "bp", "chl", "gaitprop", "lagrangian", "ghost");

    /**
     * @param gamma          CHL's feedback gain (Xie &amp; Seung 2003) or GAIT-prop's target step
     *                       (Ahmad et al. 2020); {@code NaN}: the rule's default
     * @param orthogonality  weight of GAIT-prop's orthogonality regulariser (0: off)
     * @param saddleSteps    iterations of the Lagrangian rule's saddle-point search per batch
     * @param saddleRate     step size of that search (descent on x, ascent on lambda)
     * @param penalty        the augmented-Lagrangian term rho/2 |c|^2 that makes the search converge
     * @param matchingLoss   backprop's loss: false for 1/2 |x_L - y|^2 through the output curve,
     *                       true for its matching loss sum_i int_0^{s_i} (F(t) - y_i) dt, whose output
     *                       delta is x_L - y (no output slope, so units clipped at a rail still learn)
     */
    public record Extras(double gamma, double orthogonality, int saddleSteps, double saddleRate, double penalty,
                         boolean matchingLoss) {
        public static final Extras DEFAULT = new Extras(Double.NaN, 0, 40, 0.5, 1, true);
    }

    public RuleSettings(String rule, double beta, EquilibriumPropagation.Nudging nudging, int freeSteps,
                        int nudgeSteps, double tolerance, int readAverages, double[] learningRates) {
        this(rule, beta, nudging, freeSteps, nudgeSteps, tolerance, readAverages, learningRates, Extras.DEFAULT);
    }

    public RuleSettings withBeta(double newBeta) {
        return new RuleSettings(rule, newBeta, nudging, freeSteps, nudgeSteps, tolerance, readAverages, learningRates, extras);
    }

    public RuleSettings withExtras(Extras e) {
        return new RuleSettings(rule, beta, nudging, freeSteps, nudgeSteps, tolerance, readAverages, learningRates, e);
    }

    /** gamma, or the rule's default when none was given. */
    public double gamma() {
        if (!Double.isNaN(extras.gamma())) return extras.gamma();
        return rule.equals("gaitprop") ? GaitProp.DEFAULT_GAMMA : ContrastiveHebbian.DEFAULT_GAMMA;
    }

    /** The rule these settings describe, with its randomness drawn from {@code seed}. */
    public LearningRule create(long seed) {
        return switch (rule) {
            case "ep" -> new EquilibriumPropagation(this, seed);
            case "bp" -> new Backprop(this);
            case "chl" -> new ContrastiveHebbian(this);
            case "gaitprop" -> new GaitProp(this);
            case "lagrangian" -> new LagrangianPropagation(this);
            case "ghost" -> new GhostUnits(this);
            default -> throw new IllegalArgumentException("unknown rule " + rule);
        };
    }
}
