package epsim.rule;

import epsim.chip.Chip;
import epsim.chip.ChipOp;
import epsim.common.Rng;
import epsim.math.Kernels;
import epsim.math.LayerParams;
import epsim.math.Topology;

import java.util.List;


/**
 * Equilibrium Propagation (Scellier & Bengio 2017) run on a chip through {@link Chip} only.
 *
 * <p>With the energy's weight term E = -sum rho_l^T W_l rho_{l-1} - sum b_l^T rho_l, the estimate
 * of the loss gradient from two nudged equilibria at beta_a and beta_b is
 * <pre>
 *   dL/dW_l ~ -( rho_l^a rho_{l-1}^a^T - rho_l^b rho_{l-1}^b^T ) / (beta_a - beta_b)
 *   dL/db_l ~ -( rho_l^a - rho_l^b ) / (beta_a - beta_b)
 * </pre>
 * averaged over the batch: one-sided (beta, 0), symmetric (+beta, -beta; bias O(beta^2),
 * Laborieux et al. 2021) or random-sign (one-sided with the sign of beta drawn per batch).
 * Both nudged phases start from the free equilibrium. All rho values are ADC reads.
 */
public final class EquilibriumPropagation extends RuleOnChip {

    public enum Nudging {
        ONE_SIDED("one-sided"), SYMMETRIC("symmetric"), RANDOM_SIGN("random-sign");

        public final String label;

        Nudging(String label) {
            this.label = label;
        }

        public static Nudging fromLabel(String s) {
            for (Nudging n : values()) if (n.label.equals(s)) return n;
            return null;
        }
    }

    private final Rng signs;

    /** The free equilibrium is restored before each nudged phase. */
    public EquilibriumPropagation(RuleSettings settings, long seed) {
        super("ep-" + settings.nudging().label, settings, ChipOp.SAVE_STATE, ChipOp.RESTORE_STATE);
        this.signs = Rng.stream(seed, "ep-nudge-sign");
    }

    @Override
    public Estimate estimate(Chip chip, double[] inputs, double[] targets, int batch) {
        FeedForward.configure(chip, inputs, batch, 1);
        chip.resetState();
        Chip.Relaxation free = chip.relax(settings.freeSteps(), settings.tolerance());
        Topology t = chip.topology();
        Chip.State equilibrium = chip.saveState();
        double[][] freeReads = averagedReads(chip, t);
        double[] prediction = freeReads[t.weightLayers()];

        double betaA, betaB;
        double[][] readsA, readsB;
        chip.restoreState(equilibrium);
        switch (settings.nudging()) {
            case SYMMETRIC -> {
                betaA = settings.beta();
                betaB = -settings.beta();
                readsA = nudged(chip, targets, betaA, t);
                chip.restoreState(equilibrium);
                readsB = nudged(chip, targets, betaB, t);
            }
            case RANDOM_SIGN -> {
                betaA = signs.nextDouble() < 0.5 ? settings.beta() : -settings.beta();
                betaB = 0;
                readsA = nudged(chip, targets, betaA, t);
                readsB = freeReads;
            }
            default -> {
                betaA = settings.beta();
                betaB = 0;
                readsA = nudged(chip, targets, betaA, t);
                readsB = freeReads;
            }
        }
        chip.setNudge(null, 0);
        List<RankOne> terms = RankOne.collector(chip);
        LayerParams g = Phases.contrast(t, readsA, readsB, batch, betaA - betaB, host, terms);
        return new Estimate(g, prediction, free.steps(), terms);
    }

    private double[][] nudged(Chip chip, double[] targets, double beta, Topology t) {
        chip.setNudge(targets, beta);
        chip.relax(settings.nudgeSteps(), settings.tolerance());
        return averagedReads(chip, t);
    }

    /** Reads of every layer after the phase, averaged over {@code readAverages} consecutive steps (layer 0, the DACs' values, as read). */
    private double[][] averagedReads(Chip chip, Topology t) {
        return averaged(chip, () -> Phases.readAll(chip, t), 1);
    }

    /**
     * {@code read}'s arrays from index {@code first} on, summed over the phase's last step and
     * {@code readAverages - 1} further ones, divided by their number.
     */
    private double[][] averaged(Chip chip, java.util.function.Supplier<double[][]> read, int first) {
        double[][] sum = read.get();
        int n = settings.readAverages();
        if (n == 1) return sum;
        for (int i = 1; i < n; i++) {
            chip.relax(1, 0);
            double[][] more = read.get();
            for (int l = first; l < sum.length; l++) Kernels.axpy(1, more[l], sum[l]);
        }
        for (int l = first; l < sum.length; l++) {
            for (int j = 0; j < sum[l].length; j++) sum[l][j] /= n;
            host.add((long) n * sum[l].length); // n - 1 sums and a division per value
        }
        return sum;
    }

    /** The free phase, then its output read as training reads it: averaged over {@code readAverages} steps. */
    @Override
    public Inference infer(Chip chip, double[] inputs, int batch) {
        FeedForward.configure(chip, inputs, batch, 1);
        chip.resetState();
        Chip.Relaxation free = chip.relax(settings.freeSteps(), settings.tolerance());
        int output = chip.topology().weightLayers();
        return new Inference(averaged(chip, () -> new double[][] {chip.read(output)}, 0)[0], free.steps());
    }

    @Override
    public long[] randomState() {
        return signs.state();
    }

    @Override
    public void restoreRandomState(long[] state) {
        signs.restore(state);
    }
}
