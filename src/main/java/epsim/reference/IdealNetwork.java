package epsim.reference;

import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.TransferCurve;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularMatrixException;

/**
 * The ideal, noise-free network in double precision that the references differentiate: the same
 * weights, transfer curve and Euler factor as a chip, nothing else. Everything here works one
 * example at a time on per-layer state arrays {@code u[l]}, l = 1..L ({@code u[0]} unused; the
 * input voltages play rho(u_0)).
 *
 * <p>Energy and cost (docs/theory.md):
 * <pre>
 *   E = 1/2 sum_l |u_l|^2 - sum_l rho_l^T W_l rho_{l-1} - sum_l b_l^T rho_l,   C = 1/2 |rho_L - y|^2
 *   dE/du_l = u_l - rho'_l * s_l,   s_l = W_l rho_{l-1} + b_l + W_{l+1}^T rho_{l+1}
 * </pre>
 * For the hard sigmoid the state is clipped to the rails, the equilibrium is a projected one,
 * and a unit sitting on a rail is a constant for differentiation: its derivative is taken as 0
 * ({@link #activeSlope}); at every other point the curve is smooth.
 */
public final class IdealNetwork {
    final Topology t;
    final LayerParams p;
    final TransferCurve f;
    final double eps;
    final int layers;
    final int[] offset; // offset[l]: first index of layer l in the stacked free-neuron vector
    final int free;

    public IdealNetwork(LayerParams params, TransferCurve transfer, double eps) {
        this.t = params.topology;
        this.p = params;
        this.f = transfer;
        this.eps = eps;
        this.layers = t.weightLayers();
        this.offset = new int[layers + 2];
        for (int l = 1; l <= layers; l++) offset[l + 1] = offset[l] + t.size(l);
        this.free = t.freeNeurons();
    }

    public Topology topology() {
        return t;
    }

    double[][] zeroState() {
        double[][] u = new double[layers + 1][];
        for (int l = 1; l <= layers; l++) u[l] = new double[t.size(l)];
        return u;
    }

    static double[][] copy(double[][] u) {
        double[][] c = new double[u.length][];
        for (int l = 1; l < u.length; l++) c[l] = u[l].clone();
        return c;
    }

    /** rho(u_l) with rho(u_0) = x. */
    double[][] rates(double[][] u, double[] x) {
        double[][] r = new double[layers + 1][];
        r[0] = x;
        for (int l = 1; l <= layers; l++) {
            r[l] = new double[u[l].length];
            for (int i = 0; i < r[l].length; i++) r[l][i] = f.rho(u[l][i]);
        }
        return r;
    }

    /** s_l = W_l rho_{l-1} + b_l + W_{l+1}^T rho_{l+1}. */
    double[][] drives(double[][] r) {
        double[][] s = new double[layers + 1][];
        for (int l = 1; l <= layers; l++) {
            int n = t.size(l), m = t.size(l - 1);
            double[] w = p.w[l - 1];
            double[] d = p.b[l - 1].clone();
            for (int i = 0; i < n; i++) {
                double acc = 0;
                for (int j = 0; j < m; j++) acc += w[i * m + j] * r[l - 1][j];
                d[i] += acc;
            }
            if (l < layers) {
                int up = t.size(l + 1);
                double[] wu = p.w[l];
                for (int k = 0; k < up; k++) {
                    double rk = r[l + 1][k];
                    for (int i = 0; i < n; i++) d[i] += wu[k * n + i] * rk;
                }
            }
            s[l] = d;
        }
        return s;
    }

    /** Slope used for differentiation: rho', except 0 on a rail of the clipping hard sigmoid. */
    double activeSlope(double u) {
        if (f.clipsState() && (u <= f.railLow || u >= f.railHigh)) return 0;
        return f.rhoPrime(u);
    }

    /** One step of the discrete dynamics (the chip's, without noise) with nudging beta toward y. */
    double step(double[][] u, double[] x, double beta, double[] y) {
        double[][] r = rates(u, x);
        double[][] s = drives(r);
        double change = 0;
        for (int l = 1; l <= layers; l++) {
            for (int i = 0; i < u[l].length; i++) {
                double rp = f.rhoPrime(u[l][i]);
                double force = -u[l][i] + rp * s[l][i];
                if (l == layers && beta != 0) force -= beta * rp * (r[l][i] - y[i]);
                double next = u[l][i] + eps * force;
                if (f.clipsState()) next = Math.max(f.railLow, Math.min(f.railHigh, next));
                change = Math.max(change, Math.abs(next - u[l][i]));
                u[l][i] = next;
            }
        }
        return change;
    }

    /**
     * Free equilibrium for input x, to double precision: the dynamics until max |du| < 1e-13, then
     * (smooth curves) Newton steps on dE/du = 0 until they stop improving. Throws if the dynamics
     * do not settle in {@code maxSteps}.
     */
    public double[][] equilibrium(double[] x, double[][] start, int maxSteps) {
        double[][] u = start == null ? zeroState() : copy(start);
        int steps = 0;
        double change;
        do {
            change = step(u, x, 0, null);
            if (++steps > maxSteps) {
                throw new IllegalStateException("reference dynamics did not settle in " + maxSteps
                        + " steps (last max |du| = " + change + ")");
            }
        } while (change >= 1e-13);
        if (!f.clipsState()) newtonPolish(u, x);
        return u;
    }

    private void newtonPolish(double[][] u, double[] x) {
        double previous = Double.POSITIVE_INFINITY;
        for (int iter = 0; iter < 8; iter++) {
            double[] g = gradE(u, x);
            double norm = 0;
            for (double v : g) norm = Math.max(norm, Math.abs(v));
            if (norm == 0 || norm >= previous) return;
            previous = norm;
            double[] delta = solve(hessian(u, x), g);
            for (int l = 1; l <= layers; l++) {
                for (int i = 0; i < u[l].length; i++) u[l][i] -= delta[offset[l] + i];
            }
        }
    }

    /** dE/du, stacked. */
    double[] gradE(double[][] u, double[] x) {
        double[][] s = drives(rates(u, x));
        double[] g = new double[free];
        for (int l = 1; l <= layers; l++) {
            for (int i = 0; i < u[l].length; i++) g[offset[l] + i] = u[l][i] - f.rhoPrime(u[l][i]) * s[l][i];
        }
        return g;
    }

    /** d2E/du2 over the free neurons (dense, symmetric). */
    double[][] hessian(double[][] u, double[] x) {
        double[][] r = rates(u, x);
        double[][] s = drives(r);
        double[][] h = new double[free][free];
        for (int l = 1; l <= layers; l++) {
            int n = t.size(l);
            for (int i = 0; i < n; i++) {
                int a = offset[l] + i;
                h[a][a] = 1 - (f.clipsState() ? 0 : f.rhoSecond(u[l][i]) * s[l][i]);
            }
            if (l < layers) {
                int up = t.size(l + 1);
                double[] w = p.w[l];
                for (int k = 0; k < up; k++) {
                    double rk = activeSlope(u[l + 1][k]);
                    if (rk == 0) continue;
                    for (int i = 0; i < n; i++) {
                        double v = -activeSlope(u[l][i]) * w[k * n + i] * rk;
                        h[offset[l] + i][offset[l + 1] + k] = v;
                        h[offset[l + 1] + k][offset[l] + i] = v;
                    }
                }
            }
        }
        return h;
    }

    static double[] solve(double[][] a, double[] b) {
        try {
            RealVector x = new LUDecomposition(new Array2DRowRealMatrix(a, false)).getSolver()
                    .solve(new ArrayRealVector(b, false));
            return x.toArray();
        } catch (SingularMatrixException e) {
            throw new IllegalStateException("the Hessian of the energy is singular at this equilibrium");
        }
    }

    /** dC/du, stacked (nonzero at the outputs only). */
    double[] costGradient(double[][] u, double[] y) {
        double[] g = new double[free];
        int n = t.outputSize();
        for (int i = 0; i < n; i++) {
            double ui = u[layers][i];
            g[offset[layers] + i] = activeSlope(ui) * (f.rho(ui) - y[i]);
        }
        return g;
    }

    public double cost(double[][] u, double[] y) {
        double c = 0;
        for (int i = 0; i < y.length; i++) {
            double d = f.rho(u[layers][i]) - y[i];
            c += 0.5 * d * d;
        }
        return c;
    }

    /**
     * Adds {@code scale * (-v^T d2E/(du dtheta))} to {@code grad}, where {@code v} is a stacked
     * adjoint: dW_l[i,j] += scale (v_{l,i} rho'_{l,i} rho_{l-1,j} + v_{l-1,j} rho'_{l-1,j} rho_{l,i}),
     * db_l += scale v_l rho'_l.
     */
    void accumulateParameterTerm(double[][] u, double[] x, double[] v, double scale, LayerParams grad) {
        double[][] r = rates(u, x);
        for (int l = 1; l <= layers; l++) {
            int n = t.size(l), m = t.size(l - 1);
            double[] gw = grad.w[l - 1], gb = grad.b[l - 1];
            double[] below = new double[m];
            if (l > 1) {
                for (int j = 0; j < m; j++) below[j] = v[offset[l - 1] + j] * activeSlope(u[l - 1][j]);
            }
            for (int i = 0; i < n; i++) {
                double here = scale * v[offset[l] + i] * activeSlope(u[l][i]);
                double ri = scale * r[l][i];
                gb[i] += here;
                int row = i * m;
                for (int j = 0; j < m; j++) gw[row + j] += here * r[l - 1][j] + below[j] * ri;
            }
        }
    }

    /** Splits a batch (row-major batch x size) into rows. */
    static double[] row(double[] data, int index, int size) {
        double[] r = new double[size];
        System.arraycopy(data, index * size, r, 0, size);
        return r;
    }
}
