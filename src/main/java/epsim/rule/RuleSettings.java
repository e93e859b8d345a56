package epsim.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.common.UserError;
import epsim.math.Topology;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A learning rule and the values of its settings ({@link RuleSetting} declares each one). Rules
 * ignore what does not apply to them (backprop has no beta or nudged phase). Immutable.
 */
public final class RuleSettings {
    private final EnumMap<RuleSetting, Object> values;

    private RuleSettings(EnumMap<RuleSetting, Object> values) {
        this.values = values;
    }

    /**
     * The training defaults for a network: every declared default, learning rates halving per
     * layer from 0.1 as in Scellier &amp; Bengio 2017 (0.1, 0.05, ...). docs/results.md has the
     * measurements behind them.
     */
    public static RuleSettings defaults(Topology t) {
        return defaults(t.weightLayers());
    }

    private static RuleSettings defaults(int weightLayers) {
        EnumMap<RuleSetting, Object> v = new EnumMap<>(RuleSetting.class);
        for (RuleSetting s : RuleSetting.values()) v.put(s, s.defaultValue);
        double[] lr = new double[weightLayers];
        for (int k = 0; k < lr.length; k++) lr[k] = 0.1 / Math.pow(2, k);
        v.put(RuleSetting.LEARNING_RATES, lr);
        return new RuleSettings(v);
    }

    /** The common settings in one call (tests and benchmarks); the rest keep their defaults. */
    public static RuleSettings of(Rule rule, double beta, EquilibriumPropagation.Nudging nudging, int freeSteps, int nudgeSteps,
                                  double tolerance, int readAverages, double[] learningRates) {
        return defaults(learningRates.length).with(RuleSetting.RULE, rule)
                .with(RuleSetting.BETA, beta).with(RuleSetting.NUDGING, nudging).with(RuleSetting.FREE_STEPS, freeSteps)
                .with(RuleSetting.NUDGE_STEPS, nudgeSteps).with(RuleSetting.TOLERANCE, tolerance)
                .with(RuleSetting.READ_AVERAGES, readAverages).with(RuleSetting.LEARNING_RATES, learningRates.clone());
    }

    /** These settings with one value changed (not validated: values from users go through {@link #given}). */
    public RuleSettings with(RuleSetting s, Object value) {
        EnumMap<RuleSetting, Object> v = new EnumMap<>(values);
        v.put(s, value);
        return new RuleSettings(v);
    }

    /**
     * These settings (the context's defaults) overlaid with the values a user gave, already
     * validated by {@link RuleSetting#parse} or {@link RuleSetting#read}. A rule with a beta of
     * its own (ghost units) takes it unless beta was given.
     */
    public RuleSettings given(Map<RuleSetting, Object> given) {
        EnumMap<RuleSetting, Object> v = new EnumMap<>(values);
        v.putAll(given);
        Rule r = (Rule) v.get(RuleSetting.RULE);
        if (!given.containsKey(RuleSetting.BETA) && !Double.isNaN(r.defaultBeta())) v.put(RuleSetting.BETA, r.defaultBeta());
        return new RuleSettings(v);
    }

    public Object get(RuleSetting s) {
        return s == RuleSetting.GAMMA ? gamma() : values.get(s);
    }

    public Rule rule() {
        return (Rule) values.get(RuleSetting.RULE);
    }

    /** Nudging strength (> 0): EP's and the ghost-unit rule's. */
    public double beta() {
        return (Double) values.get(RuleSetting.BETA);
    }

    /** Which pair of EP phases. */
    public EquilibriumPropagation.Nudging nudging() {
        return (EquilibriumPropagation.Nudging) values.get(RuleSetting.NUDGING);
    }

    /** Step cap of the free (or feed-forward) phase. */
    public int freeSteps() {
        return (Integer) values.get(RuleSetting.FREE_STEPS);
    }

    /** Step cap of each nudged (or clamped) phase. */
    public int nudgeSteps() {
        return (Integer) values.get(RuleSetting.NUDGE_STEPS);
    }

    /** A phase ends early once max |du| is below this (volts). */
    public double tolerance() {
        return (Double) values.get(RuleSetting.TOLERANCE);
    }

    /**
     * ADC reads averaged at the end of each phase, one per further step (1: a single read); on a
     * noisy chip this is the controller integrating its ADC over time, averaging thermal and read
     * noise down by sqrt(n).
     */
    public int readAverages() {
        return (Integer) values.get(RuleSetting.READ_AVERAGES);
    }

    /** One per weight layer (a copy). */
    public double[] learningRates() {
        return ((double[]) values.get(RuleSetting.LEARNING_RATES)).clone();
    }

    /** CHL's feedback gain (Xie &amp; Seung 2003) or GAIT-prop's target step (Ahmad et al. 2020): as given, else the rule's default. */
    public double gamma() {
        double g = (Double) values.get(RuleSetting.GAMMA);
        return Double.isNaN(g) ? rule().defaultGamma() : g;
    }

    /** Weight of GAIT-prop's orthogonality regulariser (0: off). */
    public double orthogonality() {
        return (Double) values.get(RuleSetting.ORTHOGONALITY);
    }

    /** Iterations of the Lagrangian rule's saddle-point search per batch. */
    public int saddleSteps() {
        return (Integer) values.get(RuleSetting.SADDLE_STEPS);
    }

    /** Step size of that search (descent on x, ascent on lambda). */
    public double saddleRate() {
        return (Double) values.get(RuleSetting.SADDLE_RATE);
    }

    /** The augmented-Lagrangian term rho/2 |c|^2 that makes the search converge. */
    public double penalty() {
        return (Double) values.get(RuleSetting.PENALTY);
    }

    /**
     * Backprop's (and GAIT-prop's) loss: false for 1/2 |x_L - y|^2 through the output curve, true
     * for its matching loss sum_i int_0^{s_i} (F(t) - y_i) dt, whose output delta is x_L - y (no
     * output slope, so units clipped at a rail still learn).
     */
    public boolean matchingLoss() {
        return values.get(RuleSetting.BP_LOSS).equals("matching");
    }

    /**
     * The settings of a fidelity measurement: a small beta and phases run to a tight tolerance, so
     * that the update measures the hardware rather than the finite nudge and capped phases of
     * training (the gradient command's and the sweep probe's defaults; docs/results.md §2).
     */
    public RuleSettings forFidelity() {
        return withBeta(0.01).with(RuleSetting.FREE_STEPS, 10_000).with(RuleSetting.NUDGE_STEPS, 10_000).with(RuleSetting.TOLERANCE, 1e-12);
    }

    public RuleSettings withBeta(double newBeta) {
        return with(RuleSetting.BETA, newBeta);
    }

    /** The rule these settings describe, with its randomness drawn from {@code seed}. */
    public LearningRule create(long seed) {
        return rule().create(this, seed);
    }

    /** The settings {@code which}, in that order, as a JSON object. */
    public ObjectNode toJson(List<RuleSetting> which) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (RuleSetting s : which) o.set(s.key, s.json(get(s)));
        return o;
    }

    /** Every setting, in declaration order (run.json's "rule"). */
    public ObjectNode toJson() {
        return toJson(Arrays.asList(RuleSetting.values()));
    }

    /**
     * The settings a file's JSON object gives, validated field by field over these defaults;
     * {@code where} names the file and the object ("run.json: options.rule"). Unknown keys are
     * refused; every key in {@code required} must be there.
     */
    public RuleSettings read(JsonNode node, String where, Topology t, Collection<RuleSetting> required) {
        if (node == null || !node.isObject()) throw new UserError(where + ": expected an object");
        EnumMap<RuleSetting, Object> given = new EnumMap<>(RuleSetting.class);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            RuleSetting s = byKey(key);
            if (s == null) throw new UserError(where + "." + key + ": unknown field (expected one of " + keys() + ")");
            given.put(s, s.read(node.get(key), where + "." + key, t));
        }
        for (RuleSetting s : required) {
            if (!given.containsKey(s)) throw new UserError(where + "." + s.key + ": missing (expected " + s.expectation() + ")");
        }
        return given(given);
    }

    public static RuleSetting byKey(String key) {
        for (RuleSetting s : RuleSetting.values()) if (s.key.equals(key)) return s;
        return null;
    }

    private static String keys() {
        StringBuilder b = new StringBuilder();
        for (RuleSetting s : RuleSetting.values()) b.append(b.length() == 0 ? "" : ", ").append(s.key);
        return b.toString();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
