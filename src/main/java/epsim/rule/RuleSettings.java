package epsim.rule;

/**
 * A learning rule and its settings. Rules ignore what does not apply to them (backprop has no
 * beta or nudged phase).
 *
 * @param rule          {@code ep} or {@code bp}
 * @param beta          nudging strength (> 0)
 * @param nudging       which pair of EP phases
 * @param freeSteps     step cap of the free (or feed-forward) phase
 * @param nudgeSteps    step cap of each nudged phase
 * @param tolerance     a phase ends early once max |du| is below this (volts)
 * @param readAverages  ADC reads averaged at the end of each phase, one per further step (1: a
 *                      single read); on a noisy chip this is the controller integrating its ADC
 *                      over time, averaging thermal and read noise down by sqrt(n)
 * @param learningRates one per weight layer
 */
public record RuleSettings(String rule, double beta, EquilibriumPropagation.Nudging nudging, int freeSteps,
                           int nudgeSteps, double tolerance, int readAverages, double[] learningRates) {
    public static final java.util.List<String> RULES = java.util.List.of("ep", "bp");

    public RuleSettings withBeta(double newBeta) {
        return new RuleSettings(rule, newBeta, nudging, freeSteps, nudgeSteps, tolerance, readAverages, learningRates);
    }

    /** The rule these settings describe, with its randomness drawn from {@code seed}. */
    public LearningRule create(long seed) {
        return switch (rule) {
            case "ep" -> new EquilibriumPropagation(this, seed);
            case "bp" -> new Backprop(this);
            default -> throw new IllegalArgumentException("unknown rule " + rule);
        };
    }
}
