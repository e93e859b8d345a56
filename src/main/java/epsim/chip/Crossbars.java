package epsim.chip;

import epsim.common.MemoryBudget;
import epsim.common.Rng;
import epsim.common.UserError;
import epsim.device.ConductanceArray;
import epsim.device.OuterProductUpdate;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;

/**
 * The chip's synapses: for each weight layer k a crossbar of differential device pairs,
 * size(k+1) x size(k), and a bias column driven at 1 V. It fabricates the devices (from the
 * seed's "fabrication" stream), programs them (pulses drawn from "chip-writes") and keeps the
 * effective weights (G+ - G-) / gRef that the neurons' currents see.
 *
 * <p>With ghost units on a separate crossbar (model {@code ghost.crossbar = separate}) it also
 * holds that copy: the same arrays again, fabricated from the seed's own "ghost-fabrication"
 * stream (so their device-to-device variation is their own), written with the same targets and
 * sent every programming request the forward arrays get, pulse for pulse drawn after theirs from
 * the same write stream. Population k of the ghosts reads the copy of layer k.
 */
public final class Crossbars {
    private final HardwareModel.Device device;
    private final Topology topology;
    private final ConductanceArray[] weightDevices;
    private final ConductanceArray[] biasDevices;
    private final double[][] w;   // effective weights, size(k+1) x size(k)
    private final double[][] b;
    private final double[][] bottomUpG; // per layer k and input j: sum over the outputs i of G+_ij + G-_ij (µS)
    private final double[][] topDownG;  // per layer k and output i: sum over the inputs j of G+_ij + G-_ij
    private final double[] biasG;       // per layer k: sum of G+ + G- over the bias column
    private final double[] biasScratch = new double[1]; // the bias column's one column load
    private final double[] rowScratch;  // G+ + G- of each bias device
    private final Rng writes;
    private long programmingSlots;
    private long generation; // counts refreshes of w and b, so readers know when derived currents are stale
    private final Crossbars ghostCopy; // the ghosts' own crossbar, or null when they read this one

    /** Bytes a chip and its controller hold per weight or bias: two devices (five doubles, a flag, a time with drift), the weight, updates. */
    static final int BYTES_PER_PARAMETER = 140;

    public Crossbars(HardwareModel.Device device, Topology topology, long seed) {
        this(device, topology, seed, false);
    }

    /** With {@code ghostCrossbar}, also the ghost populations' own copy of every array. */
    public Crossbars(HardwareModel.Device device, Topology topology, long seed, boolean ghostCrossbar) {
        this(device, topology, seed, "fabrication", null, ghostCrossbar);
    }

    private Crossbars(HardwareModel.Device device, Topology topology, long seed, String fabricationStream, Rng sharedWrites, boolean ghostCrossbar) {
        MemoryBudget.require((double) BYTES_PER_PARAMETER * topology.parameterCount() * (ghostCrossbar ? 2 : 1),
                "network " + topology + " (" + topology.parameterCount() + " weights and biases" + (ghostCrossbar ? ", twice with the ghosts' crossbar)" : ")"));
        this.device = device;
        this.topology = topology;
        int layers = topology.weightLayers();
        this.weightDevices = new ConductanceArray[layers];
        this.biasDevices = new ConductanceArray[layers];
        this.w = new double[layers][];
        this.b = new double[layers][];
        Rng fabrication = Rng.stream(seed, fabricationStream);
        for (int k = 0; k < layers; k++) {
            int n = topology.size(k + 1) * topology.size(k);
            weightDevices[k] = new ConductanceArray(device, n, fabrication);
            biasDevices[k] = new ConductanceArray(device, topology.size(k + 1), fabrication);
            w[k] = new double[n];
            b[k] = new double[topology.size(k + 1)];
        }
        this.bottomUpG = new double[layers][];
        this.topDownG = new double[layers][];
        this.biasG = new double[layers];
        int widest = 0;
        for (int k = 0; k < layers; k++) {
            bottomUpG[k] = new double[topology.size(k)];
            topDownG[k] = new double[topology.size(k + 1)];
            widest = Math.max(widest, topology.size(k + 1));
        }
        this.rowScratch = new double[widest];
        this.writes = sharedWrites != null ? sharedWrites : Rng.stream(seed, "chip-writes");
        this.ghostCopy = ghostCrossbar ? new Crossbars(device, topology, seed, "ghost-fabrication", writes, false) : null;
        refresh(0);
    }

    /** The ghost populations' own crossbar, or null when they read this one. */
    Crossbars ghostCopy() {
        return ghostCopy;
    }

    public Topology topology() {
        return topology;
    }

    /** Writes target weights with a write-verify loop, as a chip is initialised (no write noise). */
    public void writeVerified(LayerParams weights, double now) {
        for (int k = 0; k < weightDevices.length; k++) {
            weightDevices[k].writeVerified(weights.w[k], now);
            biasDevices[k].writeVerified(weights.b[k], now);
        }
        if (ghostCopy != null) ghostCopy.writeVerified(weights, now);
        refresh(now);
    }

    /** Requested weight and bias changes become programming pulses, with every device effect. */
    public void program(LayerParams delta, double now) {
        if (!delta.topology.equals(topology)) throw new UserError("program: topology " + delta.topology + " is not " + topology);
        for (int k = 0; k < weightDevices.length; k++) {
            long[][] rowMax = new long[4][topology.size(k + 1)]; // a row: one neuron's synapses and its bias device
            weightDevices[k].program(delta.w[k], now, writes, topology.size(k), rowMax);
            biasDevices[k].program(delta.b[k], now, writes, 1, rowMax);
            programmingSlots += ConductanceArray.slots(rowMax);
        }
        if (ghostCopy != null) ghostCopy.program(delta, now);
        refresh(now);
    }

    /**
     * The array updates itself (update.mode outerProduct, docs/update.md): layer k's weights
     * change by about scale sum_t d_t x_t^T and its biases by scale bias sum_t d_t, as coincidences of
     * pulse trains on its rows ({@code d}, terms x size(k+1)), columns ({@code x}, terms x size(k))
     * and bias column ({@code bias}).
     */
    public void updateOuterProduct(OuterProductUpdate trains, int k, double[] d, double[] x, double bias, int terms, double scale, double now) {
        if (k < 0 || k >= weightDevices.length) throw new UserError("update: layer must be in 0.." + (weightDevices.length - 1) + ", got " + k);
        int rows = topology.size(k + 1), cols = topology.size(k);
        if (terms < 0 || d.length != (long) terms * rows || x.length != (long) terms * cols) {
            throw new UserError("update: expected " + terms + " x " + rows + " row values and " + terms + " x " + cols + " column values, got "
                    + d.length + " and " + x.length);
        }
        for (double v : d) if (!Double.isFinite(v)) throw new UserError("update: a row value is not a finite number");
        for (double v : x) if (!Double.isFinite(v)) throw new UserError("update: a column value is not a finite number");
        if (!Double.isFinite(scale) || !Double.isFinite(bias)) throw new UserError("update: the scale or the bias value is not a finite number");
        programmingSlots += trains.apply(weightDevices[k], biasDevices[k], d, x, bias, terms, rows, cols, scale, now, writes);
        if (ghostCopy != null) ghostCopy.updateOuterProduct(trains, k, d, x, bias, terms, scale, now);
        refresh(now);
    }

    /** Re-reads the effective weights at time {@code now} (drifting devices change with it). */
    public void refresh(double now) {
        for (int k = 0; k < weightDevices.length; k++) {
            weightDevices[k].weightsAndLoads(w[k], now, topology.size(k), bottomUpG[k], topDownG[k]);
            biasDevices[k].weightsAndLoads(b[k], now, 1, biasScratch, rowScratch);
            double bias = 0;
            for (int i = 0, n = topology.size(k + 1); i < n; i++) bias += rowScratch[i];
            biasG[k] = bias;
        }
        if (ghostCopy != null) ghostCopy.refresh(now);
        generation++;
    }

    /**
     * Per device of layer k's inputs j: sum over its outputs of G+_ij + G-_ij (µS), the load an
     * input voltage V_j drives bottom-up, dissipating V_j^2 times this.
     */
    double[] bottomUpConductance(int k) {
        return bottomUpG[k];
    }

    /** Per output i of layer k: sum over the inputs of G+_ij + G-_ij (µS), the load a top-down voltage on i drives. */
    double[] topDownConductance(int k) {
        return topDownG[k];
    }

    /** Sum of G+ + G- over layer k's bias column (µS), driven at 1 V. */
    double biasConductance(int k) {
        return biasG[k];
    }

    /**
     * Pulse slots every programming so far took (row by row, see {@link ConductanceArray#program});
     * the ghosts' crossbar is programmed after the forward one, so its slots add.
     */
    public long programmingSlots() {
        return programmingSlots + (ghostCopy == null ? 0 : ghostCopy.programmingSlots());
    }

    /** Whether the weights change with chip time alone. */
    public boolean drifts() {
        return device.driftNu() > 0;
    }

    long generation() {
        return generation;
    }

    /** The live effective weights of layer k (not a copy: the integrator's hot loop reads them). */
    double[] weights(int k) {
        return w[k];
    }

    double[] biases(int k) {
        return b[k];
    }

    /** The weights the devices hold now (a verification read, noise-free), as a copy. */
    public LayerParams read() {
        LayerParams p = new LayerParams(topology);
        for (int k = 0; k < w.length; k++) {
            System.arraycopy(w[k], 0, p.w[k], 0, w[k].length);
            System.arraycopy(b[k], 0, p.b[k], 0, b[k].length);
        }
        return p;
    }

    /** {pulses up, pulses down, device updates, verify writes} over every device. */
    public long[] programmingCounts() {
        long[] sum = new long[4];
        for (ConductanceArray[] arrays : new ConductanceArray[][] {weightDevices, biasDevices}) {
            for (ConductanceArray a : arrays) {
                long[] c = a.counts();
                for (int i = 0; i < 4; i++) sum[i] += c[i];
            }
        }
        if (ghostCopy != null) {
            long[] c = ghostCopy.programmingCounts();
            for (int i = 0; i < 4; i++) sum[i] += c[i];
        }
        return sum;
    }

    /** Every device's state; for each layer: weights G+, weights G-, bias G+, bias G-; then the ghosts' crossbar's, the same way. */
    double[][][] deviceStates() {
        double[][][] d = new double[deviceArrays()][][];
        for (int k = 0; k < weightDevices.length; k++) {
            d[4 * k] = weightDevices[k].plus().state();
            d[4 * k + 1] = weightDevices[k].minus().state();
            d[4 * k + 2] = biasDevices[k].plus().state();
            d[4 * k + 3] = biasDevices[k].minus().state();
        }
        if (ghostCopy != null) System.arraycopy(ghostCopy.deviceStates(), 0, d, 4 * weightDevices.length, 4 * weightDevices.length);
        return d;
    }

    int layers() {
        return weightDevices.length;
    }

    /** Device arrays a persisted state holds: four per layer, twice with the ghosts' crossbar. */
    int deviceArrays() {
        return 4 * weightDevices.length * (ghostCopy == null ? 1 : 2);
    }

    /** Restores every device, or (when any state does not fit) none. */
    void restoreDevices(double[][][] d) {
        int layers = weightDevices.length;
        if (ghostCopy != null) {
            double[][][] own = java.util.Arrays.copyOfRange(d, 0, 4 * layers), copy = java.util.Arrays.copyOfRange(d, 4 * layers, 8 * layers);
            checkDevices(own);
            ghostCopy.checkDevices(copy);
            restoreChecked(own);
            ghostCopy.restoreChecked(copy);
            return;
        }
        checkDevices(d);
        restoreChecked(d);
    }

    private void checkDevices(double[][][] d) {
        int layers = weightDevices.length;
        for (int k = 0; k < layers; k++) {
            weightDevices[k].plus().check(d[4 * k]);
            weightDevices[k].minus().check(d[4 * k + 1]);
            biasDevices[k].plus().check(d[4 * k + 2]);
            biasDevices[k].minus().check(d[4 * k + 3]);
        }
    }

    private void restoreChecked(double[][][] d) {
        int layers = weightDevices.length;
        for (int k = 0; k < layers; k++) {
            weightDevices[k].plus().restore(d[4 * k]);
            weightDevices[k].minus().restore(d[4 * k + 1]);
            biasDevices[k].plus().restore(d[4 * k + 2]);
            biasDevices[k].minus().restore(d[4 * k + 3]);
        }
    }

    Rng writeStream() {
        return writes;
    }
}
