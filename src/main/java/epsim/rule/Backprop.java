package epsim.rule;

import java.util.List;
import epsim.chip.Chip;
import epsim.chip.ChipOp;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.TransferCurve;

/**
 * Backprop, the baseline: the chip with its top-down currents disconnected settles on the
 * feed-forward pass; a host reads every layer through the ADCs, reads the weights, computes the
 * exact gradient of that circuit off-chip and programs it through the devices like any rule.
 *
 * <p>With F the circuit's layer map and its slope g_l = F'(s_l) ({@link FeedForward}):
 * <pre>
 *   delta_L = (rho_L - y) g_L   (mean squared error)  or  rho_L - y   (its matching loss, the default),  delta_l = (W_{l+1}^T delta_{l+1}) g_l,
 *   dL/dW_l = mean delta_l rho_{l-1}^T,  dL/db_l = mean delta_l
 * </pre>
 * The matching loss sum_i int_0^{s_i} (F(t) - y_i) dt has the same minimiser as the squared error
 * where the target is reachable, but keeps a gradient on output units clipped at the wrong rail;
 * through a hard-sigmoid output the squared error's exact gradient is 0 there, and whole classes
 * can stop learning (docs/rules.md).
 */
public final class Backprop extends RuleOnChip {

    /** The feed-forward pass runs at feedback gain 0. */
    public Backprop(RuleSettings settings) {
        super("bp", settings, ChipOp.SET_FEEDBACK_GAIN);
    }

    @Override
    public Inference infer(Chip chip, double[] inputs, int batch) {
        return FeedForward.infer(chip, inputs, batch, settings);
    }

    @Override
    public Estimate estimate(Chip chip, double[] inputs, double[] targets, int batch) {
        Topology t = chip.topology();
        FeedForward.Settled f = FeedForward.settle(chip, inputs, batch, settings);
        double[][] rho = f.rho();
        LayerParams w = chip.readWeights();
        LayerParams g = new LayerParams(t);
        TransferCurve curve = chip.transfer();
        int layers = t.weightLayers();
        double[] delta = null;
        List<RankOne> terms = RankOne.collector(chip);
        for (int l = layers; l >= 1; l--) {
            double[] d = l == layers ? new double[rho[l].length]
                    : FeedForward.transposedProduct(delta, batch, w.w[l], t.size(l + 1), t.size(l), host);
            for (int i = 0; i < d.length; i++) {
                double error = l == layers ? rho[l][i] - targets[i] : d[i];
                d[i] = l == layers && settings.matchingLoss() ? error : error * FeedForward.slope(curve, rho[l][i]);
            }
            host.add(d.length); // the error times the slope
            FeedForward.accumulate(g, l - 1, d, rho[l - 1], batch, 1, host, terms);
            delta = d;
        }
        return new Estimate(g, rho[layers], f.steps(), terms);
    }
}
