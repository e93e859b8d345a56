package epsim.chip;

import epsim.math.Topology;
import epsim.model.TransferCurve;

import java.util.Arrays;

/**
 * Ghost populations (Mesnard et al. 2019): population k (0..L-1) copies neuron layer k+1, driven
 * by the same bottom-up current through the same crossbar, and the top-down current into layer k
 * becomes gain W_{k+1}^T (rho(u_{k+1}) - rho(v_k)), which cancels without a target. This class
 * holds their state and scratch; {@link NeuronDynamics} steps them with the neurons.
 */
final class GhostPopulations {
    private final Topology topology;
    boolean enabled;
    double[][] v;          // states v[k], batch x size(k+1)
    double[][] outputs;    // scratch: rho(v[k])
    double[][] drive;      // scratch: the copied bottom-up drive
    double[][] topDown;    // scratch: topDown[l] = rho(u_l) - rho(v_{l-1})
    double[][] readStd;    // scratch: read-noise std of population k's currents, one per example

    GhostPopulations(Topology topology) {
        this.topology = topology;
    }

    void allocate(int batch) {
        int layers = topology.weightLayers();
        v = new double[layers][];
        outputs = new double[layers][];
        drive = new double[layers][];
        topDown = new double[layers + 1][];
        readStd = new double[layers][];
        for (int k = 0; k < layers; k++) {
            v[k] = new double[batch * topology.size(k + 1)];
            outputs[k] = new double[v[k].length];
            drive[k] = new double[v[k].length];
            topDown[k + 1] = new double[v[k].length];
            readStd[k] = new double[batch];
        }
    }

    void rest() {
        for (double[] vk : v) Arrays.fill(vk, 0);
    }

    void computeOutputs(TransferCurve transfer) {
        for (int k = 0; k < v.length; k++) {
            double[] vk = v[k], gk = outputs[k];
            for (int i = 0; i < vk.length; i++) gk[i] = transfer.rho(vk[i]);
        }
    }

    /** rho(u_{l+1}) - rho(v_l): what the crossbar above layer l carries down when ghosts are on. */
    double[] cancelled(int l, double[] above) {
        double[] diff = topDown[l + 1], g = outputs[l];
        for (int i = 0; i < diff.length; i++) diff[i] = above[i] - g[i];
        return diff;
    }

    double[][] copyStates() {
        double[][] copy = new double[v.length][];
        for (int k = 0; k < v.length; k++) copy[k] = v[k].clone();
        return copy;
    }

    void restoreStates(double[][] states) {
        for (int k = 0; k < v.length; k++) System.arraycopy(states[k], 0, v[k], 0, v[k].length);
    }
}
