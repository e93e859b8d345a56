package epsim.rule;

import epsim.chip.Chip;
import epsim.math.Kernels;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.TransferCurve;

/**
 * The chip as a feed-forward circuit (top-down currents off), and the slope of its layer map.
 *
 * <p>Without feedback a neuron settles where u = rho'(u) s, s its bottom-up drive; its output is
 * F(s) = rho(u(s)). Everything a rule needs about F follows from the read output p = F(s) alone:
 * u = rho^-1(p), s = u / rho'(u), and dF/ds = rho'(u)^2 / (1 - rho''(u) s). For the hard sigmoid
 * F is the clip to [0, 1], with slope 1 strictly inside the rails and 0 on them.
 */
public final class FeedForward {
    private FeedForward() {}

    /** Puts the chip in the plain circuit: no clamps, no ghost units, top-down gain {@code gain}. */
    public static void configure(Chip chip, double[] inputs, int batch, double gain) {
        chip.setInputs(inputs, batch);
        for (int l = 1; l <= chip.topology().weightLayers(); l++) chip.clamp(l, null);
        chip.setGhostUnits(false);
        chip.setFeedbackGain(gain);
        chip.setNudge(null, 0);
    }

    /** Settles the feed-forward pass and reads every layer (input included). */
    public static Settled settle(Chip chip, double[] inputs, int batch, RuleSettings s) {
        configure(chip, inputs, batch, 0);
        chip.resetState();
        Chip.Relaxation r = chip.relax(s.freeSteps(), s.tolerance());
        double[][] reads = Phases.readAll(chip, chip.topology());
        chip.setFeedbackGain(1);
        return new Settled(reads, r.steps());
    }

    public record Settled(double[][] rho, int steps) {}

    /** The answer of a rule whose circuit is the feed-forward pass: its outputs after {@link #settle}. */
    public static LearningRule.Inference infer(Chip chip, double[] inputs, int batch, RuleSettings s) {
        Settled f = settle(chip, inputs, batch, s);
        return new LearningRule.Inference(f.rho()[chip.topology().weightLayers()], f.steps());
    }

    /** dF/ds at the point whose output is {@code p}. */
    public static double slope(TransferCurve f, double p) {
        if (f.clipsState()) return p > f.railLow && p < f.railHigh ? 1 : 0;
        double u = f.inverse(p);
        double rp = f.rhoPrime(u);
        double s = u / rp;
        return rp * rp / (1 - f.rhoSecond(u) * s);
    }

    /** F^-1(p): the drive that settles on output {@code p} (rails map to themselves for the hard sigmoid). */
    public static double drive(TransferCurve f, double p) {
        if (f.clipsState()) return p;
        double u = f.inverse(p);
        return u / f.rhoPrime(u);
    }

    public static double[] slopes(TransferCurve f, double[] p) {
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) out[i] = slope(f, p[i]);
        return out;
    }

    /** Adds mean_batch delta_l rho_{l-1}^T to g.w[k] and mean delta_l to g.b[k], k = l - 1; lists the product in {@code terms} when not null. */
    public static void accumulate(LayerParams g, int k, double[] delta, double[] below, int batch, double scale, HostWork host,
                                  java.util.List<RankOne> terms) {
        if (terms != null) terms.add(new RankOne(k, delta, below, batch, scale / batch));
        Topology t = g.topology;
        int n = t.size(k + 1);
        host.addOuterProducts((long) batch * n * (t.size(k) + 1));
        Kernels.transposeMultiplyAccumulate(scale / batch, delta, batch, n, below, t.size(k), g.w[k]);
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) g.b[k][i] += scale * delta[b * n + i] / batch;
        }
    }

    /** out (batch x cols) = in (batch x rows) * W where W is rows x cols: the transposed crossbar product W^T x per example. */
    public static double[] transposedProduct(double[] in, int batch, double[] w, int rows, int cols, HostWork host) {
        host.add((long) batch * rows * cols);
        double[] out = new double[batch * cols];
        Kernels.multiplyAccumulate(in, batch, rows, w, cols, out);
        return out;
    }
}
