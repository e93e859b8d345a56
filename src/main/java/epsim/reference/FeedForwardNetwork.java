package epsim.reference;

import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.TransferCurve;

/**
 * The exact reference of the feed-forward rules (backprop, CHL's weak-feedback limit, GAIT-prop,
 * local propagation, ghost units): the chip with its top-down path off, in double precision and
 * computed without the chip's integrator. Each neuron's output is F(s) = rho(u) where u solves
 * u = rho'(u) s (the fixed point of the chip's dynamics without feedback), found here by
 * bisection to the last bit; for the hard sigmoid F is the clip to the rails.
 * Loss L = 1/2 |x_L - y|^2, averaged over the batch.
 */
public final class FeedForwardNetwork {
    private final Topology t;
    private final LayerParams p;
    private final TransferCurve f;
    private final int layers;

    public FeedForwardNetwork(LayerParams params, TransferCurve transfer) {
        this.t = params.topology;
        this.p = params;
        this.f = transfer;
        this.layers = t.weightLayers();
    }

    /** F(s). */
    public double output(double s) {
        if (f.clipsState()) return Math.min(f.railHigh, Math.max(f.railLow, s));
        double edge = s * f.rhoPrime(0); // rho' peaks at 0 for sigmoid and tanh: the root lies in [0, edge]
        double lo = Math.min(0, edge), hi = Math.max(0, edge);
        for (int i = 0; i < 200 && lo < hi; i++) {
            double mid = 0.5 * (lo + hi);
            if (mid == lo || mid == hi) break;
            if (mid - f.rhoPrime(mid) * s < 0) lo = mid;
            else hi = mid;
        }
        return f.rho(0.5 * (lo + hi));
    }

    /** dF/ds at drive s: rho'(u)^2 / (1 - rho''(u) s); for the hard sigmoid 1 strictly inside the rails. */
    public double slope(double s) {
        if (f.clipsState()) return s > f.railLow && s < f.railHigh ? 1 : 0;
        double u = f.inverse(output(s));
        double rp = f.rhoPrime(u);
        return rp * rp / (1 - f.rhoSecond(u) * s);
    }

    /** Drives s[l] and outputs x[l] of one example (x[0] = input). */
    public double[][][] forward(double[] input) {
        double[][] x = new double[layers + 1][];
        double[][] s = new double[layers + 1][];
        x[0] = input;
        for (int l = 1; l <= layers; l++) {
            int n = t.size(l), m = t.size(l - 1);
            s[l] = new double[n];
            x[l] = new double[n];
            for (int i = 0; i < n; i++) {
                double a = p.b[l - 1][i];
                for (int j = 0; j < m; j++) a += p.w[l - 1][i * m + j] * x[l - 1][j];
                s[l][i] = a;
                x[l][i] = output(a);
            }
        }
        return new double[][][] {s, x};
    }

    public double loss(double[] inputs, double[] targets, int batch) {
        int n0 = t.inputSize(), ny = t.outputSize();
        double total = 0;
        for (int b = 0; b < batch; b++) {
            double[] out = forward(IdealNetwork.row(inputs, b, n0))[1][layers];
            for (int i = 0; i < ny; i++) total += 0.5 * Math.pow(out[i] - targets[b * ny + i], 2);
        }
        return total / batch;
    }

    /** Backprop's gradient; {@code matching} leaves the output slope out (the loss CHL follows). */
    public LayerParams gradient(double[] inputs, double[] targets, int batch, boolean matching) {
        return backward(inputs, targets, batch, matching).gradient;
    }

    /** The adjoints -dL/dx_l (per example, stacked batch x size(l)) that local propagation's multipliers reach. */
    public double[][] adjoints(double[] inputs, double[] targets, int batch) {
        return backward(inputs, targets, batch, false).adjoints;
    }

    private record Backward(LayerParams gradient, double[][] adjoints) {}

    private Backward backward(double[] inputs, double[] targets, int batch, boolean matching) {
        int n0 = t.inputSize(), ny = t.outputSize();
        LayerParams g = new LayerParams(t);
        double[][] adj = new double[layers + 1][];
        for (int l = 1; l <= layers; l++) adj[l] = new double[batch * t.size(l)];
        for (int b = 0; b < batch; b++) {
            double[][][] fw = forward(IdealNetwork.row(inputs, b, n0));
            double[][] s = fw[0], x = fw[1];
            double[] dx = new double[ny]; // dL/dx_L
            for (int i = 0; i < ny; i++) dx[i] = x[layers][i] - targets[b * ny + i];
            for (int l = layers; l >= 1; l--) {
                int n = t.size(l), m = t.size(l - 1);
                for (int i = 0; i < n; i++) adj[l][b * n + i] = -dx[i];
                double[] delta = new double[n];
                for (int i = 0; i < n; i++) delta[i] = dx[i] * (matching && l == layers ? 1 : slope(s[l][i]));
                double[] below = new double[m];
                for (int i = 0; i < n; i++) {
                    g.b[l - 1][i] += delta[i] / batch;
                    for (int j = 0; j < m; j++) {
                        g.w[l - 1][i * m + j] += delta[i] * x[l - 1][j] / batch;
                        below[j] += p.w[l - 1][i * m + j] * delta[i];
                    }
                }
                dx = below;
            }
        }
        return new Backward(g, adj);
    }

    /** Central finite differences of {@link #loss} in every parameter, step h. */
    public LayerParams finiteDifferences(double[] inputs, double[] targets, int batch, double h) {
        LayerParams g = new LayerParams(t);
        for (int k = 0; k < layers; k++) {
            for (double[][] pair : new double[][][] {{p.w[k], g.w[k]}, {p.b[k], g.b[k]}}) {
                double[] param = pair[0];
                for (int i = 0; i < param.length; i++) {
                    double keep = param[i];
                    param[i] = keep + h;
                    double plus = loss(inputs, targets, batch);
                    param[i] = keep - h;
                    double minus = loss(inputs, targets, batch);
                    param[i] = keep;
                    pair[1][i] = (plus - minus) / (2 * h);
                }
            }
        }
        return g;
    }
}
