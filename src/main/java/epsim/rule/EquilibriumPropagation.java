package epsim.rule;

import epsim.chip.Chip;
import epsim.chip.Kernels;
import epsim.chip.LayerParams;
import epsim.chip.Topology;
import epsim.common.Rng;

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
public final class EquilibriumPropagation implements LearningRule {

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

    /**
     * @param beta       nudging strength (> 0)
     * @param nudging    which pair of phases
     * @param freeSteps  step cap of the free phase
     * @param nudgeSteps step cap of each nudged phase
     * @param tolerance  a phase ends early once max |du| is below this (volts)
     * @param learningRates one per weight layer
     */
    public record Settings(double beta, Nudging nudging, int freeSteps, int nudgeSteps, double tolerance,
                           double[] learningRates) {}

    private final Settings settings;
    private final Rng signs;

    public EquilibriumPropagation(Settings settings, long seed) {
        this.settings = settings;
        this.signs = Rng.stream(seed, "ep-nudge-sign");
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return "ep-" + settings.nudging().label;
    }

    @Override
    public Estimate estimate(Chip chip, double[] inputs, double[] targets, int batch) {
        chip.setInputs(inputs, batch);
        chip.setNudge(null, 0);
        chip.resetState();
        Chip.Relaxation free = chip.relax(settings.freeSteps(), settings.tolerance());
        Topology t = chip.topology();
        double[][] freeReads = readAll(chip, t);
        double[] prediction = freeReads[t.weightLayers()];

        double betaA, betaB;
        double[][] readsA, readsB;
        Chip.State equilibrium = chip.saveState();
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
        LayerParams g = contrast(t, readsA, readsB, batch, betaA - betaB);
        return new Estimate(g, prediction, free.steps());
    }

    private double[][] nudged(Chip chip, double[] targets, double beta, Topology t) {
        chip.setNudge(targets, beta);
        chip.relax(settings.nudgeSteps(), settings.tolerance());
        return readAll(chip, t);
    }

    static double[][] readAll(Chip chip, Topology t) {
        double[][] reads = new double[t.neuronLayers()][];
        for (int l = 0; l < t.neuronLayers(); l++) reads[l] = chip.read(l);
        return reads;
    }

    /** -(hebbian(a) - hebbian(b)) / (betaA - betaB), batch-averaged: the gradient estimate. */
    public static LayerParams contrast(Topology t, double[][] a, double[][] b, int batch, double betaDifference) {
        LayerParams g = new LayerParams(t);
        double scale = -1.0 / (betaDifference * batch);
        for (int k = 0; k < t.weightLayers(); k++) {
            int nOut = t.size(k + 1), nIn = t.size(k);
            Kernels.transposeMultiplyAccumulate(scale, a[k + 1], batch, nOut, a[k], nIn, g.w[k]);
            Kernels.transposeMultiplyAccumulate(-scale, b[k + 1], batch, nOut, b[k], nIn, g.w[k]);
            for (int s = 0; s < batch; s++) {
                for (int i = 0; i < nOut; i++) g.b[k][i] += scale * (a[k + 1][s * nOut + i] - b[k + 1][s * nOut + i]);
            }
        }
        return g;
    }

    @Override
    public Estimate train(Chip chip, double[] inputs, double[] targets, int batch) {
        Estimate e = estimate(chip, inputs, targets, batch);
        double[] descent = settings.learningRates().clone();
        for (int k = 0; k < descent.length; k++) descent[k] = -descent[k];
        chip.program(e.gradient().scaled(descent));
        return e;
    }
}
