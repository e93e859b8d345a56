package epsim.reference;

import epsim.common.MemoryBudget;
import epsim.math.LayerParams;

import java.util.ArrayList;
import java.util.List;

/**
 * Three independent exact gradients of L = mean over the batch of C(u*), in double precision on
 * an {@link IdealNetwork}: implicit differentiation at the free equilibrium, central finite
 * differences with re-relaxation, and backprop through time of the discrete dynamics. Batches
 * are row-major (batch x size).
 */
public final class References {
    /** Cap on reference relaxation steps; a network that needs more is not at a stable equilibrium. */
    public static final int MAX_STEPS = 200_000;

    private References() {}

    /** Free equilibria of every example. */
    public static double[][][] equilibria(IdealNetwork net, double[] inputs, int batch) {
        int n0 = net.t.inputSize();
        double[][][] eq = new double[batch][][];
        for (int s = 0; s < batch; s++) eq[s] = net.equilibrium(IdealNetwork.row(inputs, s, n0), null, MAX_STEPS);
        return eq;
    }

    /** Most steps any example's free dynamics need, from rest, before max |du| < 1e-13. */
    public static int settleSteps(IdealNetwork net, double[] inputs, int batch) {
        int n0 = net.t.inputSize();
        int most = 0;
        for (int s = 0; s < batch; s++) {
            double[] x = IdealNetwork.row(inputs, s, n0);
            double[][] u = net.zeroState();
            int steps = 0;
            while (net.step(u, x, 0, null) >= 1e-13) {
                if (++steps > MAX_STEPS) throw new IllegalStateException("reference dynamics did not settle in " + MAX_STEPS + " steps");
            }
            most = Math.max(most, steps + 1);
        }
        return most;
    }

    public static double loss(IdealNetwork net, double[][][] eq, double[] targets) {
        int ny = net.t.outputSize();
        double total = 0;
        for (int s = 0; s < eq.length; s++) total += net.cost(eq[s], IdealNetwork.row(targets, s, ny));
        return total / eq.length;
    }

    /**
     * Whether one example's implicit gradient is zero, from its free equilibrium alone: dC/du = 0
     * gives lambda = 0 and a zero gradient. Conversely a nonzero dC/du gives lambda != 0 on some
     * unsaturated neuron (a neuron on a rail has rho' = 0, so its Hessian row is its leak alone and
     * its lambda is its own dC/du, zero off the outputs and zero at a clipped output), and there the
     * bias term lambda_i rho'(u_i) is not zero. The gradient probe screens examples with it at the
     * cost of one relaxation instead of a Hessian solve.
     */
    public static boolean costIsFlat(IdealNetwork net, double[] x, double[] y) {
        double[][] u = net.equilibrium(x, null, MAX_STEPS);
        for (double g : net.costGradient(u, y)) if (g != 0) return false;
        return true;
    }

    /**
     * Implicit differentiation: with H = d2E/du2 at u*, solve H lambda = dC/du; then
     * dL/dtheta = -lambda^T d2E/(du dtheta).
     */
    public static LayerParams implicit(IdealNetwork net, double[] inputs, double[] targets, int batch) {
        long n = net.t.freeNeurons();
        // the dense Hessian over the free neurons and its factorisation: two n x n matrices
        MemoryBudget.require(16.0 * n * n, "the implicit gradient of network " + net.t + " (a " + n + " x " + n + " Hessian)");
        LayerParams g = new LayerParams(net.t);
        int n0 = net.t.inputSize(), ny = net.t.outputSize();
        for (int s = 0; s < batch; s++) {
            double[] x = IdealNetwork.row(inputs, s, n0);
            double[][] u = net.equilibrium(x, null, MAX_STEPS);
            double[] lambda = IdealNetwork.solve(net.hessian(u, x), net.costGradient(u, IdealNetwork.row(targets, s, ny)));
            net.accumulateParameterTerm(u, x, lambda, 1.0 / batch, g);
        }
        return g;
    }

    /**
     * Central differences (L(theta + h) - L(theta - h)) / 2h, re-relaxing every example from its
     * unperturbed equilibrium. {@code coordinates} lists flat parameter indices (layer by layer,
     * weights before biases) or is null for all of them; the others are left at 0.
     */
    public static LayerParams finiteDifferences(IdealNetwork net, double[] inputs, double[] targets, int batch,
                                                double h, int[] coordinates) {
        double[][][] base = equilibria(net, inputs, batch);
        LayerParams g = new LayerParams(net.t);
        LayerParams work = net.p.copy();
        List<double[]> slots = new ArrayList<>();
        for (int k = 0; k < net.layers; k++) {
            slots.add(work.w[k]);
            slots.add(work.b[k]);
        }
        List<double[]> gSlots = new ArrayList<>();
        for (int k = 0; k < net.layers; k++) {
            gSlots.add(g.w[k]);
            gSlots.add(g.b[k]);
        }
        long total = net.t.parameterCount();
        int count = coordinates == null ? (int) total : coordinates.length;
        for (int c = 0; c < count; c++) {
            long flat = coordinates == null ? c : coordinates[c];
            int slot = 0;
            while (flat >= slots.get(slot).length) flat -= slots.get(slot++).length;
            double[] arr = slots.get(slot);
            int idx = (int) flat;
            double keep = arr[idx];
            arr[idx] = keep + h;
            double plus = perturbedLoss(net, work, inputs, targets, batch, base);
            arr[idx] = keep - h;
            double minus = perturbedLoss(net, work, inputs, targets, batch, base);
            arr[idx] = keep;
            gSlots.get(slot)[idx] = (plus - minus) / (2 * h);
        }
        return g;
    }

    private static double perturbedLoss(IdealNetwork net, LayerParams params, double[] inputs, double[] targets,
                                        int batch, double[][][] start) {
        IdealNetwork perturbed = new IdealNetwork(params, net.f, net.eps);
        int n0 = net.t.inputSize(), ny = net.t.outputSize();
        double total = 0;
        for (int s = 0; s < batch; s++) {
            double[][] u = perturbed.equilibrium(IdealNetwork.row(inputs, s, n0), start[s], MAX_STEPS);
            total += perturbed.cost(u, IdealNetwork.row(targets, s, ny));
        }
        return total / batch;
    }

    /**
     * Backprop through {@code steps} steps of the discrete free dynamics from rest,
     * u_{t+1} = clip(u_t - eps dE/du(u_t)), with L = C(u_T). The adjoint runs
     * a_t = J_t^T a_{t+1}, J_t = M_t (I - eps H(u_t)), M_t masking units the rails clipped.
     */
    public static LayerParams bptt(IdealNetwork net, double[] inputs, double[] targets, int batch, int steps) {
        LayerParams g = new LayerParams(net.t);
        int n0 = net.t.inputSize(), ny = net.t.outputSize();
        for (int s = 0; s < batch; s++) {
            double[] x = IdealNetwork.row(inputs, s, n0);
            List<double[][]> traj = new ArrayList<>(steps + 1);
            List<boolean[]> clipped = new ArrayList<>(steps);
            double[][] u = net.zeroState();
            traj.add(IdealNetwork.copy(u));
            for (int step = 0; step < steps; step++) {
                clipped.add(clippedMask(net, u, x));
                net.step(u, x, 0, null);
                traj.add(IdealNetwork.copy(u));
            }
            double[] a = net.costGradient(u, IdealNetwork.row(targets, s, ny));
            for (int step = steps - 1; step >= 0; step--) {
                a = adjointStep(net, traj.get(step), x, a, clipped.get(step), g, 1.0 / batch);
            }
        }
        return g;
    }

    /**
     * Step-by-step BPTT gradients from a converged free state, for the GDU property: entry t-1
     * is dL/dtheta of the parameters' copy used t steps before the end (t = 1..K), batch-averaged.
     */
    public static List<LayerParams> bpttSteps(IdealNetwork net, double[] inputs, double[] targets, int batch, int k) {
        List<LayerParams> out = new ArrayList<>();
        for (int t = 0; t < k; t++) out.add(new LayerParams(net.t));
        int n0 = net.t.inputSize(), ny = net.t.outputSize();
        for (int s = 0; s < batch; s++) {
            double[] x = IdealNetwork.row(inputs, s, n0);
            double[][] u = net.equilibrium(x, null, MAX_STEPS);
            boolean[] mask = clippedMask(net, u, x);
            double[] a = net.costGradient(u, IdealNetwork.row(targets, s, ny));
            for (int t = 0; t < k; t++) a = adjointStep(net, u, x, a, mask, out.get(t), 1.0 / batch);
        }
        return out;
    }

    /**
     * Given a = dL/du_{t+1}, adds this step's parameter gradient to g and returns dL/du_t.
     * d u_{t+1} / d theta = -eps d2E/(du dtheta), hence the factor eps in the parameter term.
     */
    private static double[] adjointStep(IdealNetwork net, double[][] u, double[] x, double[] a, boolean[] clipped,
                                        LayerParams g, double scale) {
        double[] masked = a.clone();
        for (int i = 0; i < masked.length; i++) if (clipped[i]) masked[i] = 0;
        net.accumulateParameterTerm(u, x, masked, net.eps * scale, g);
        double[] ha = multiply(dynamicsHessian(net, u, x), masked);
        double[] next = new double[masked.length];
        for (int i = 0; i < next.length; i++) next[i] = masked[i] - net.eps * ha[i];
        return next;
    }

    /**
     * d(dE/du)/du of the map the chip integrates, with rho' as the dynamics use it (closed
     * interval for the hard sigmoid; its second derivative is 0 almost everywhere).
     */
    private static double[][] dynamicsHessian(IdealNetwork net, double[][] u, double[] x) {
        if (!net.f.clipsState()) return net.hessian(u, x);
        int free = net.free;
        double[][] h = new double[free][free];
        for (int i = 0; i < free; i++) h[i][i] = 1;
        for (int l = 1; l < net.layers; l++) {
            int n = net.t.size(l), up = net.t.size(l + 1);
            double[] w = net.p.w[l];
            for (int kk = 0; kk < up; kk++) {
                double rk = net.f.rhoPrime(u[l + 1][kk]);
                for (int i = 0; i < n; i++) {
                    double v = -net.f.rhoPrime(u[l][i]) * w[kk * n + i] * rk;
                    h[net.offset[l] + i][net.offset[l + 1] + kk] = v;
                    h[net.offset[l + 1] + kk][net.offset[l] + i] = v;
                }
            }
        }
        return h;
    }

    /** Units whose next value the rails clip (their Jacobian row is 0). */
    private static boolean[] clippedMask(IdealNetwork net, double[][] u, double[] x) {
        boolean[] m = new boolean[net.free];
        if (!net.f.clipsState()) return m;
        double[][] probe = IdealNetwork.copy(u);
        double[][] r = net.rates(probe, x);
        double[][] s = net.drives(r);
        for (int l = 1; l <= net.layers; l++) {
            for (int i = 0; i < u[l].length; i++) {
                double next = u[l][i] + net.eps * (-u[l][i] + net.f.rhoPrime(u[l][i]) * s[l][i]);
                m[net.offset[l] + i] = next < net.f.railLow || next > net.f.railHigh;
            }
        }
        return m;
    }

    private static double[] multiply(double[][] a, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double acc = 0;
            double[] row = a[i];
            for (int j = 0; j < v.length; j++) acc += row[j] * v[j];
            out[i] = acc;
        }
        return out;
    }
}
