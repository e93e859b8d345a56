package epsim.cli;

import epsim.chip.Topology;
import epsim.common.UserError;
import epsim.rule.EquilibriumPropagation;
import epsim.rule.RuleSettings;
import picocli.CommandLine.Option;

import java.util.List;

/** The learning rule and its settings, shared by train and gradient. */
final class RuleOptions {
    @Option(names = "--rule", paramLabel = "NAME", defaultValue = "ep",
            description = "Learning rule: ep (Equilibrium Propagation), bp (backprop on the feed-forward chip, the baseline), chl (contrastive Hebbian, weak feedback), gaitprop, lagrangian (local propagation) or ghost (ghost units); docs/rules.md (default: ${DEFAULT-VALUE}).")
    String rule;

    @Option(names = "--nudging", paramLabel = "KIND", defaultValue = "symmetric",
            description = "EP nudging: one-sided, symmetric or random-sign (default: ${DEFAULT-VALUE}).")
    String nudging;

    @Option(names = "--beta", paramLabel = "B", description = "Nudging strength beta > 0 (ep: 1; ghost: 0.2).")
    Double beta;

    @Option(names = "--free-steps", paramLabel = "N", description = "Step cap of the free phase.")
    Integer freeSteps;

    @Option(names = "--nudge-steps", paramLabel = "N", description = "Step cap of each nudged phase.")
    Integer nudgeSteps;

    @Option(names = "--tolerance", paramLabel = "V",
            description = "A phase ends early once max |du| is below this many volts.")
    Double tolerance;

    @Option(names = "--read-averages", paramLabel = "N",
            description = "ADC reads averaged over N steps at the end of each phase (default: 1).")
    Integer readAverages;

    @Option(names = "--lr", paramLabel = "RATE", split = ",",
            description = "Learning rate, one for all layers or one per weight layer, comma-separated.")
    List<Double> lr;

    @Option(names = "--gamma", paramLabel = "G",
            description = "chl: feedback gain (default 0.2); gaitprop: target step (default 0.01).")
    Double gamma;

    @Option(names = "--ortho", paramLabel = "LAMBDA",
            description = "gaitprop: weight of the orthogonality regulariser (default: 0, off).")
    Double ortho;

    @Option(names = "--saddle-steps", paramLabel = "N",
            description = "lagrangian: saddle-point iterations per batch (default: 40).")
    Integer saddleSteps;

    @Option(names = "--saddle-rate", paramLabel = "ETA",
            description = "lagrangian: step size of the saddle-point search (default: 0.5).")
    Double saddleRate;

    @Option(names = "--penalty", paramLabel = "RHO",
            description = "lagrangian: augmented-Lagrangian penalty rho (default: 1).")
    Double penalty;

    @Option(names = "--bp-loss", paramLabel = "LOSS", defaultValue = "matching",
            description = "bp: matching (output delta x - y, the default) or mse (through the output slope).")
    String bpLoss;

    /** Builds the settings; {@code defaults} fills what the user left out. */
    RuleSettings settings(Topology t, RuleSettings defaults) {
        if (!RuleSettings.RULES.contains(rule)) throw new UserError("--rule " + rule + ": unknown rule (available: " + String.join(", ", RuleSettings.RULES) + ")");
        EquilibriumPropagation.Nudging n = EquilibriumPropagation.Nudging.fromLabel(nudging);
        if (n == null) throw new UserError("--nudging " + nudging + ": expected one-sided, symmetric or random-sign");
        double b = beta == null ? (rule.equals("ghost") ? epsim.rule.GhostUnits.DEFAULT_BETA : defaults.beta()) : beta;
        if (!(b > 0) || !Double.isFinite(b)) throw new UserError("--beta " + b + ": expected a finite number > 0");
        int free = freeSteps == null ? defaults.freeSteps() : freeSteps;
        if (free < 1) throw new UserError("--free-steps " + free + ": expected an integer >= 1");
        int nudge = nudgeSteps == null ? defaults.nudgeSteps() : nudgeSteps;
        if (nudge < 1) throw new UserError("--nudge-steps " + nudge + ": expected an integer >= 1");
        double tol = tolerance == null ? defaults.tolerance() : tolerance;
        if (!(tol >= 0) || !Double.isFinite(tol)) throw new UserError("--tolerance " + tol + ": expected a finite number >= 0");
        int reads = readAverages == null ? defaults.readAverages() : readAverages;
        if (reads < 1) throw new UserError("--read-averages " + reads + ": expected an integer >= 1");
        double[] rates = new double[t.weightLayers()];
        if (lr == null) {
            rates = defaults.learningRates().clone();
        } else if (lr.size() == 1 || lr.size() == rates.length) {
            for (int k = 0; k < rates.length; k++) rates[k] = lr.get(lr.size() == 1 ? 0 : k);
        } else {
            throw new UserError("--lr: expected 1 or " + rates.length + " rates for " + t + ", got " + lr.size());
        }
        for (double r : rates) {
            if (!(r >= 0) || !Double.isFinite(r)) throw new UserError("--lr: rates must be finite numbers >= 0, got " + r);
        }
        RuleSettings.Extras d = defaults.extras();
        double g = gamma == null ? d.gamma() : gamma;
        if (gamma != null && (!(g > 0) || !Double.isFinite(g))) throw new UserError("--gamma " + g + ": expected a finite number > 0");
        double o = ortho == null ? d.orthogonality() : ortho;
        if (!(o >= 0) || !Double.isFinite(o)) throw new UserError("--ortho " + o + ": expected a finite number >= 0");
        int ss = saddleSteps == null ? d.saddleSteps() : saddleSteps;
        if (ss < 1) throw new UserError("--saddle-steps " + ss + ": expected an integer >= 1");
        double sr = saddleRate == null ? d.saddleRate() : saddleRate;
        if (!(sr > 0) || !Double.isFinite(sr)) throw new UserError("--saddle-rate " + sr + ": expected a finite number > 0");
        double pen = penalty == null ? d.penalty() : penalty;
        if (!(pen >= 0) || !Double.isFinite(pen)) throw new UserError("--penalty " + pen + ": expected a finite number >= 0");
        if (!bpLoss.equals("matching") && !bpLoss.equals("mse")) throw new UserError("--bp-loss " + bpLoss + ": expected matching or mse");
        return new RuleSettings(rule, b, n, free, nudge, tol, reads, rates, new RuleSettings.Extras(g, o, ss, sr, pen, bpLoss.equals("matching")));
    }
}
