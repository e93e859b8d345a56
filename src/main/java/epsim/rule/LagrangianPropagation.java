package epsim.rule;

import java.util.List;
import epsim.chip.Chip;
import epsim.chip.ChipOp;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.TransferCurve;

/**
 * Lagrangian local propagation (Betti, Gori &amp; Marra 2018; Marra et al. 2020). The layer
 * equations become constraints c_l = x_l - F(W_l x_{l-1} + b_l) on free neural variables x_l
 * (x_0 the input), with multipliers lambda_l, in the augmented Lagrangian
 * <pre>
 *   Lag = 1/2 |x_L - y|^2 + sum_l lambda_l^T c_l + rho/2 sum_l |c_l|^2
 * </pre>
 * The saddle point is searched by descent on x and ascent on lambda, every update local to a
 * layer and its neighbours (mu_l = lambda_l + rho c_l, s_l = F'):
 * <pre>
 *   x_l      -= eta ( [l = L](x_L - y) + mu_l - W_{l+1}^T (s_{l+1} mu_{l+1}) )
 *   lambda_l += eta c_l
 *   dL/dW_l ~ -mean (s_l mu_l) x_{l-1}^T,   dL/db_l ~ -mean s_l mu_l
 * </pre>
 * At the saddle c = 0 (x is the forward pass), lambda_l = -dL/dx_l (backprop's adjoint) and the
 * weight gradient is backprop's; rho leaves the saddle unchanged and damps the search (plain
 * descent-ascent oscillates). x starts at the forward pass and lambda at 0 for every batch, and
 * the weights are updated once, after {@code saddleSteps} iterations.
 *
 * <p>On the chip: x lives in the controller, and every iteration the chip evaluates all the
 * constraint predictions F(W_l x_{l-1} + b_l) with its top-down path off, in two relaxations:
 * odd layers free while even layers are clamped at x, then the other way round. The transposed
 * products W^T (s mu) are taken from a verification read of the weights. Each of those
 * relaxations is capped at the nudged-phase step count: a noisy chip never meets the tolerance,
 * and a free layer driven only by clamped neighbours settles in a few steps.
 */
public final class LagrangianPropagation extends RuleOnChip {

    /** The saddle search clamps alternate layers at feedback gain 0. */
    public LagrangianPropagation(RuleSettings settings) {
        super("lagrangian", settings, ChipOp.SET_FEEDBACK_GAIN, ChipOp.CLAMP);
    }

    @Override
    public Inference infer(Chip chip, double[] inputs, int batch) {
        return FeedForward.infer(chip, inputs, batch, settings);
    }

    @Override
    public Estimate estimate(Chip chip, double[] inputs, double[] targets, int batch) {
        Saddle s = search(chip, inputs, targets, batch, settings.saddleSteps());
        return new Estimate(s.gradient(), s.forward()[chip.topology().weightLayers()], s.forwardSteps(), s.terms());
    }

    /** The state after the search: variables, multipliers, the constraint residual, the gradient. */
    public record Saddle(double[][] x, double[][] lambda, double maxConstraint, LayerParams gradient,
                         double[][] forward, int forwardSteps, List<RankOne> terms) {}

    public Saddle search(Chip chip, double[] inputs, double[] targets, int batch, int iterations) {
        Topology t = chip.topology();
        int layers = t.weightLayers();
        TransferCurve f = chip.transfer();
        double eta = settings.saddleRate(), rho = settings.penalty();
        FeedForward.Settled settled = FeedForward.settle(chip, inputs, batch, settings);
        double[][] x = new double[layers + 1][];
        double[][] lambda = new double[layers + 1][];
        for (int l = 0; l <= layers; l++) x[l] = settled.rho()[l].clone();
        for (int l = 1; l <= layers; l++) lambda[l] = new double[x[l].length];
        LayerParams w = chip.readWeights();
        double[][] p = settled.rho();
        double[][] mu = new double[layers + 1][], smu = new double[layers + 1][], slope = new double[layers + 1][];
        double maxC = 0;
        for (int it = 0; ; it++) {
            maxC = 0;
            for (int l = 1; l <= layers; l++) {
                slope[l] = FeedForward.slopes(f, p[l]);
                mu[l] = new double[x[l].length];
                smu[l] = new double[x[l].length];
                for (int i = 0; i < mu[l].length; i++) {
                    double c = x[l][i] - p[l][i];
                    maxC = Math.max(maxC, Math.abs(c));
                    mu[l][i] = lambda[l][i] + rho * c;
                    smu[l][i] = slope[l][i] * mu[l][i];
                }
                host.add(3L * mu[l].length); // the residual, the multiplier and its slope
            }
            if (it == iterations) break;
            for (int l = 1; l <= layers; l++) {
                double[] up = l < layers ? FeedForward.transposedProduct(smu[l + 1], batch, w.w[l], t.size(l + 1), t.size(l), host) : null;
                for (int i = 0; i < x[l].length; i++) {
                    double grad = mu[l][i] - (up == null ? 0 : up[i]) + (l == layers ? x[l][i] - targets[i] : 0);
                    lambda[l][i] += eta * (x[l][i] - p[l][i]);
                    x[l][i] -= eta * grad;
                }
                host.add(3L * x[l].length);
            }
            p = predictions(chip, x, layers);
        }
        LayerParams g = new LayerParams(t);
        List<RankOne> terms = RankOne.collector(chip);
        for (int l = 1; l <= layers; l++) FeedForward.accumulate(g, l - 1, smu[l], x[l - 1], batch, -1, host, terms);
        return new Saddle(x, lambda, maxC, g, settled.rho(), settled.steps(), terms);
    }

    /** F(W_l x_{l-1} + b_l) for every layer, from two chip relaxations (odd layers free, then even). */
    private double[][] predictions(Chip chip, double[][] x, int layers) {
        double[][] p = new double[layers + 1][];
        for (int parity = 1; parity >= 0; parity--) {
            for (int l = 1; l <= layers; l++) chip.clamp(l, l % 2 == parity ? null : x[l]);
            chip.setFeedbackGain(0);
            chip.resetState();
            chip.relax(settings.nudgeSteps(), settings.tolerance());
            for (int l = 1; l <= layers; l++) if (l % 2 == parity) p[l] = chip.read(l);
        }
        for (int l = 1; l <= layers; l++) chip.clamp(l, null);
        chip.setFeedbackGain(1);
        return p;
    }
}
