package epsim.rule;

import epsim.math.LayerParams;
import epsim.model.TransferCurve;
import epsim.reference.FeedForwardNetwork;
import epsim.reference.IdealNetwork;
import epsim.reference.References;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The learning rules epsim runs: each one's name, what it is, how it is built, the defaults that
 * are its own, and which exact gradient its update is measured against (the gradient of the loss
 * its circuit minimises, on the ideal copy of the chip).
 */
public enum Rule {
    EP("ep", "Equilibrium Propagation") {
        @Override
        LearningRule create(RuleSettings s, long seed) {
            return new EquilibriumPropagation(s, seed);
        }

        /** The implicit gradient of the recurrent network's free equilibrium. */
        @Override
        public LayerParams reference(LayerParams w, TransferCurve f, double epsilon, RuleSettings s, double[] x, double[] y, int batch) {
            return References.implicit(new IdealNetwork(w, f, epsilon), x, y, batch);
        }

        @Override
        public boolean carriesGradient(LayerParams w, TransferCurve f, double epsilon, RuleSettings s, double[] x, double[] y) {
            return !References.costIsFlat(new IdealNetwork(w, f, epsilon), x, y);
        }

        @Override
        public String describe(RuleSettings s) {
            return "EP " + s.nudging().label;
        }
    },
    BP("bp", "backprop on the feed-forward chip, the baseline") {
        @Override
        LearningRule create(RuleSettings s, long seed) {
            return new Backprop(s);
        }
    },
    CHL("chl", "contrastive Hebbian, weak feedback") {
        @Override
        LearningRule create(RuleSettings s, long seed) {
            return new ContrastiveHebbian(s);
        }

        /** CHL's clamped phase leaves out the output slope: always the matching loss. */
        @Override
        public LayerParams reference(LayerParams w, TransferCurve f, double epsilon, RuleSettings s, double[] x, double[] y, int batch) {
            return new FeedForwardNetwork(w, f).gradient(x, y, batch, true);
        }

        @Override
        public double defaultGamma() {
            return ContrastiveHebbian.DEFAULT_GAMMA;
        }
    },
    GAITPROP("gaitprop", null) {
        @Override
        LearningRule create(RuleSettings s, long seed) {
            return new GaitProp(s);
        }

        @Override
        public double defaultGamma() {
            return GaitProp.DEFAULT_GAMMA;
        }
    },
    LAGRANGIAN("lagrangian", "local propagation") {
        @Override
        LearningRule create(RuleSettings s, long seed) {
            return new LagrangianPropagation(s);
        }

        /** The saddle point's gradient is backprop's of 1/2 |x_L - y|^2 through the output curve. */
        @Override
        public LayerParams reference(LayerParams w, TransferCurve f, double epsilon, RuleSettings s, double[] x, double[] y, int batch) {
            return new FeedForwardNetwork(w, f).gradient(x, y, batch, false);
        }
    },
    GHOST("ghost", "ghost units, complete duplication: ghost weights equal the forward ones unless ghost.crossbar=separate") {
        @Override
        LearningRule create(RuleSettings s, long seed) {
            return new GhostUnits(s);
        }

        @Override
        public LayerParams reference(LayerParams w, TransferCurve f, double epsilon, RuleSettings s, double[] x, double[] y, int batch) {
            return new FeedForwardNetwork(w, f).gradient(x, y, batch, false);
        }

        @Override
        public double defaultBeta() {
            return GhostUnits.DEFAULT_BETA;
        }
    };

    /** The name on the command line and in files. */
    public final String label;
    /** A few words for help texts; null when the name says it. */
    final String gloss;

    Rule(String label, String gloss) {
        this.label = label;
        this.gloss = gloss;
    }

    /** The rule with these settings, its own randomness drawn from {@code seed}. */
    abstract LearningRule create(RuleSettings s, long seed);

    /**
     * The exact gradient this rule's update estimates, on the ideal network with weights {@code w}:
     * by default backprop of the feed-forward circuit with the loss the settings choose (bp and
     * GAIT-prop: matching unless bpLoss is mse).
     */
    public LayerParams reference(LayerParams w, TransferCurve f, double epsilon, RuleSettings s, double[] x, double[] y, int batch) {
        return new FeedForwardNetwork(w, f).gradient(x, y, batch, s.matchingLoss());
    }

    /** Whether one example ({@code x}, {@code y}) has a nonzero {@link #reference} gradient (overridden where that is cheaper to tell). */
    public boolean carriesGradient(LayerParams w, TransferCurve f, double epsilon, RuleSettings s, double[] x, double[] y) {
        for (double g : reference(w, f, epsilon, s, x, y, 1).flatten()) if (g != 0) return true;
        return false;
    }

    /** The rule's own beta when the user gives none; NaN: the context's (1 for training). */
    public double defaultBeta() {
        return Double.NaN;
    }

    /** CHL's feedback gain or GAIT-prop's target step when none is given. */
    public double defaultGamma() {
        return ContrastiveHebbian.DEFAULT_GAMMA;
    }

    /** How a run names the rule (EP with its nudging). */
    public String describe(RuleSettings s) {
        return label;
    }

    public static Rule fromLabel(String label) {
        for (Rule r : values()) if (r.label.equals(label)) return r;
        return null;
    }

    /** "ep, bp, chl, ..." */
    public static String labels() {
        return Arrays.stream(values()).map(r -> r.label).collect(Collectors.joining(", "));
    }

    /** "ep (Equilibrium Propagation), bp (...), ..." for help texts. */
    public static String glossary() {
        return Arrays.stream(values()).map(r -> r.gloss == null ? r.label : r.label + " (" + r.gloss + ")")
                .collect(Collectors.joining(", "));
    }
}
