package epsim.rule;

import epsim.chip.Chip;
import epsim.chip.Kernels;
import epsim.chip.LayerParams;
import epsim.chip.Topology;
import epsim.model.TransferCurve;

/**
 * Backprop, the baseline: the chip with its top-down currents disconnected settles on the
 * feed-forward pass; a host reads every layer through the ADCs, reads the weights, computes the
 * exact gradient of that circuit off-chip and programs it through the devices like any rule.
 *
 * <p>The circuit's feed-forward fixed point is u_l = rho'(u_l) s_l with s_l = W_l rho_{l-1} + b_l
 * (the same leaky integrator as EP's, without feedback), so d rho_l / d s_l =
 * rho'(u)^2 / (1 - rho''(u) s): 1 inside the rails for the hard sigmoid, and u is recovered from
 * the read rho by inverting the curve. Then, with that slope g_l,
 * <pre>
 *   delta_L = (rho_L - y) g_L,  delta_l = (W_{l+1}^T delta_{l+1}) g_l,
 *   dL/dW_l = mean delta_l rho_{l-1}^T,  dL/db_l = mean delta_l
 * </pre>
 */
public final class Backprop implements LearningRule {
    private final RuleSettings settings;

    public Backprop(RuleSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "bp";
    }

    @Override
    public RuleSettings settings() {
        return settings;
    }

    @Override
    public Inference infer(Chip chip, double[] inputs, int batch) {
        chip.setFeedback(false);
        chip.setInputs(inputs, batch);
        chip.setNudge(null, 0);
        chip.resetState();
        Chip.Relaxation r = chip.relax(settings.freeSteps(), settings.tolerance());
        double[] out = chip.read(chip.topology().weightLayers());
        chip.setFeedback(true);
        return new Inference(out, r.steps());
    }

    @Override
    public Estimate estimate(Chip chip, double[] inputs, double[] targets, int batch) {
        Topology t = chip.topology();
        chip.setFeedback(false);
        chip.setInputs(inputs, batch);
        chip.setNudge(null, 0);
        chip.resetState();
        Chip.Relaxation relax = chip.relax(settings.freeSteps(), settings.tolerance());
        double[][] rho = EquilibriumPropagation.readAll(chip, t);
        chip.setFeedback(true);
        LayerParams w = chip.readWeights();
        LayerParams g = new LayerParams(t);
        TransferCurve f = chip.transfer();
        int layers = t.weightLayers();
        double[] delta = null;
        for (int l = layers; l >= 1; l--) {
            int n = t.size(l);
            double[] s = new double[batch * n];
            for (int b = 0; b < batch; b++) System.arraycopy(w.b[l - 1], 0, s, b * n, n);
            Kernels.multiplyAccumulate(rho[l - 1], batch, t.size(l - 1), transpose(w.w[l - 1], n, t.size(l - 1)), n, s);
            double[] d = new double[batch * n];
            if (l == layers) {
                for (int i = 0; i < d.length; i++) d[i] = rho[l][i] - targets[i];
            } else {
                Kernels.multiplyAccumulate(delta, batch, t.size(l + 1), w.w[l], n, d);
            }
            for (int i = 0; i < d.length; i++) d[i] *= slope(f, rho[l][i], s[i]);
            Kernels.transposeMultiplyAccumulate(1.0 / batch, d, batch, n, rho[l - 1], t.size(l - 1), g.w[l - 1]);
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < n; i++) g.b[l - 1][i] += d[b * n + i] / batch;
            }
            delta = d;
        }
        return new Estimate(g, rho[layers], relax.steps());
    }

    /** d rho / d s at the feed-forward fixed point u = rho'(u) s. */
    static double slope(TransferCurve f, double rho, double s) {
        if (f.clipsState()) return rho > f.railLow && rho < f.railHigh ? 1 : 0;
        double u = f.inverse(rho);
        double p = f.rhoPrime(u);
        return p * p / (1 - f.rhoSecond(u) * s);
    }

    private static double[] transpose(double[] m, int rows, int cols) {
        double[] out = new double[m.length];
        Kernels.transpose(m, rows, cols, out);
        return out;
    }
}
