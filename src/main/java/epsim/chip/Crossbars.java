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
 *
 * <p>In update mode tikiTaka it also holds Tiki-Taka's fast arrays ({@link TikiTakaArrays}), which
 * take the rule's terms and transfer to these arrays; the network reads only these.
 */
public final class Crossbars {
    private final HardwareModel.Device device;
    private final Topology topology;
    private final CrossbarLayer[] layers;
    private final Rng writes;
    private final long[] slotsByLayer; // pulse slots each layer's programming took
    private long generation; // counts refreshes of the weights, so readers know when derived currents are stale
    private final Crossbars ghostCopy; // the ghosts' own crossbar, or null when they read this one
    /** Whether the ghosts' crossbar is sent the forward crossbar's pulse counts (ghost.programming samePulses) on pulsed devices. */
    private final boolean samePulses;
    private long[][][] sentPulses; // per layer: the counts the forward crossbar's last programming sent, for its copy
    /** Tiki-Taka's fast arrays and transfer schedule (update.mode tikiTaka), or null. */
    private final TikiTakaArrays tikiTaka;

    /** Bytes a chip and its controller hold per weight or bias: two devices (five doubles, a flag, a time with drift), the weight, updates. */
    static final int BYTES_PER_PARAMETER = 140;

    public Crossbars(HardwareModel.Device device, Topology topology, long seed) {
        this(device, HardwareModel.Array.NONE, topology, seed, HardwareModel.Ghost.SHARED);
    }

    /** Layers on tiles as {@code array} says; with a separate ghost crossbar, also the ghost populations' own copy of every array, programmed as {@code ghost} says. */
    public Crossbars(HardwareModel.Device device, HardwareModel.Array array, Topology topology, long seed, HardwareModel.Ghost ghost) {
        this(device, array, topology, seed, "fabrication", null, ghost.separate(), ghost.programming() == HardwareModel.GhostProgramming.SAME_PULSES, null);
    }

    /** The crossbars of a chip of {@code model}: tiles, the ghosts' copy and, in update mode tikiTaka, the fast arrays as the model says. */
    public Crossbars(HardwareModel model, Topology topology, long seed) {
        this(model.device(), model.array(), topology, seed, "fabrication", null, model.ghost().separate(),
                model.ghost().programming() == HardwareModel.GhostProgramming.SAME_PULSES,
                model.update().mode() == HardwareModel.UpdateMode.TIKI_TAKA ? model : null);
    }

    /** Tiki-Taka's fast arrays A of a chip (no tiles: a transfer reads A's devices directly), written by the chip's own write stream. */
    static Crossbars fastArrays(HardwareModel.Device device, Topology topology, long seed, Rng writes) {
        return new Crossbars(device, HardwareModel.Array.NONE, topology, seed, "fast-fabrication", writes, false, false, null);
    }

    private Crossbars(HardwareModel.Device device, HardwareModel.Array array, Topology topology, long seed, String fabricationStream, Rng sharedWrites,
                      boolean ghostCrossbar, boolean samePulses, HardwareModel tikiTakaModel) {
        // wired tiles keep twelve solver values per device (conductance, factors, node voltages, iteration vectors), two devices
        // per weight, and the solved map; digital sums a copy of it per direction
        int perParameter = BYTES_PER_PARAMETER + (array.wired() ? 2 * 12 * 8 + 8 : 0) + (array.digital() ? 16 : 0);
        if (ghostCrossbar && samePulses && !device.continuous()) perParameter += 16; // the counts sent, for the copy (G+ and G-)
        MemoryBudget.require((double) perParameter * topology.parameterCount() * (ghostCrossbar || tikiTakaModel != null ? 2 : 1),
                "network " + topology + " (" + topology.parameterCount() + " weights and biases"
                        + (ghostCrossbar ? ", twice with the ghosts' crossbar)" : tikiTakaModel != null ? ", twice with Tiki-Taka's fast arrays)" : ")"));
        this.device = device;
        this.topology = topology;
        this.layers = new CrossbarLayer[topology.weightLayers()];
        this.slotsByLayer = new long[topology.weightLayers()];
        Rng fabrication = Rng.stream(seed, fabricationStream);
        for (int k = 0; k < layers.length; k++) layers[k] = new CrossbarLayer(device, array, k, topology.size(k + 1), topology.size(k), fabrication);
        this.writes = sharedWrites != null ? sharedWrites : Rng.stream(seed, "chip-writes");
        this.ghostCopy = ghostCrossbar ? new Crossbars(device, array, topology, seed, "ghost-fabrication", writes, false, false, null) : null;
        this.tikiTaka = tikiTakaModel != null ? new TikiTakaArrays(tikiTakaModel, topology, seed, writes) : null;
        // continuous devices take analog writes: nothing is rounded, so both choices program the copy alike
        this.samePulses = ghostCrossbar && samePulses && !device.continuous();
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
        for (int k = 0; k < layers.length; k++) layers[k].writeVerified(weights.w[k], weights.b[k], now);
        if (ghostCopy != null) ghostCopy.writeVerified(weights, now);
        refresh(now);
    }

    /** Requested weight and bias changes become programming pulses, with every device effect. */
    public void program(LayerParams delta, double now) {
        if (!delta.topology.equals(topology)) throw new UserError("program: topology " + delta.topology + " is not " + topology);
        if (samePulses && sentPulses == null) {
            sentPulses = new long[layers.length][][];
            for (int k = 0; k < layers.length; k++) sentPulses[k] = layers[k].pulseRecord();
        }
        // samePulses: each layer's copy is sent the counts just drawn for it; independent: the copy rounds its own, after the forward crossbar
        for (int k = 0; k < layers.length; k++) {
            slotsByLayer[k] += layers[k].program(delta.w[k], delta.b[k], now, writes, samePulses ? sentPulses[k] : null);
            if (samePulses) ghostCopy.slotsByLayer[k] += ghostCopy.layers[k].send(delta.w[k], delta.b[k], sentPulses[k], now, writes);
        }
        if (ghostCopy != null && !samePulses) {
            for (int k = 0; k < layers.length; k++) ghostCopy.slotsByLayer[k] += ghostCopy.layers[k].program(delta.w[k], delta.b[k], now, writes);
        }
        refresh(now); // the copy's too
    }

    /**
     * The array updates itself (update.mode outerProduct, docs/update.md): layer k's weights
     * change by about scale sum_t d_t x_t^T and its biases by scale bias sum_t d_t, as coincidences of
     * pulse trains on its rows ({@code d}, terms x size(k+1)), columns ({@code x}, terms x size(k))
     * and bias column ({@code bias}).
     */
    public void updateOuterProduct(OuterProductUpdate trains, int k, double[] d, double[] x, double bias, int terms, double scale, double now) {
        if (k < 0 || k >= layers.length) throw new UserError("update: layer must be in 0.." + (layers.length - 1) + ", got " + k);
        int rows = layers[k].outputs(), cols = layers[k].inputs();
        if (terms < 0 || d.length != (long) terms * rows || x.length != (long) terms * cols) {
            throw new UserError("update: expected " + terms + " x " + rows + " row values and " + terms + " x " + cols + " column values, got "
                    + d.length + " and " + x.length);
        }
        for (double v : d) if (!Double.isFinite(v)) throw new UserError("update: a row value is not a finite number");
        for (double v : x) if (!Double.isFinite(v)) throw new UserError("update: a column value is not a finite number");
        if (!Double.isFinite(scale) || !Double.isFinite(bias)) throw new UserError("update: the scale or the bias value is not a finite number");
        if (tikiTaka != null) {
            slotsByLayer[k] += tikiTaka.update(trains, k, layers[k], d, x, bias, terms, scale, now, writes);
        } else if (samePulses) {
            // one set of row and column drivers: the copy sees the same trains
            long slots = layers[k].updateOuterProduct(trains, ghostCopy.layers[k], d, x, bias, terms, scale, now, writes);
            slotsByLayer[k] += slots;
            ghostCopy.slotsByLayer[k] += slots;
        } else {
            slotsByLayer[k] += layers[k].updateOuterProduct(trains, d, x, bias, terms, scale, now, writes);
            if (ghostCopy != null) ghostCopy.slotsByLayer[k] += ghostCopy.layers[k].updateOuterProduct(trains, d, x, bias, terms, scale, now, writes);
        }
        refresh(now); // the copy's too
    }

    /** Re-reads the effective weights at time {@code now} (drifting devices change with it). */
    public void refresh(double now) {
        for (CrossbarLayer layer : layers) layer.refresh(now);
        if (ghostCopy != null) ghostCopy.refresh(now);
        generation++;
    }

    /** The second set of arrays a chip holds (the ghosts' crossbar or Tiki-Taka's fast arrays), or null. */
    private Crossbars second() {
        return ghostCopy != null ? ghostCopy : tikiTaka != null ? tikiTaka.fast() : null;
    }

    /**
     * Per device of layer k's inputs j: sum over its outputs of G+_ij + G-_ij (µS), the load an
     * input voltage V_j drives bottom-up, dissipating V_j^2 times this.
     */
    double[] bottomUpConductance(int k) {
        return layers[k].bottomUpConductance();
    }

    /** Per output i of layer k: sum over the inputs of G+_ij + G-_ij (µS), the load a top-down voltage on i drives. */
    double[] topDownConductance(int k) {
        return layers[k].topDownConductance();
    }

    /** Sum of G+ + G- over layer k's bias column (µS), driven at 1 V. */
    double biasConductance(int k) {
        return layers[k].biasConductance();
    }

    /**
     * Pulse slots every programming so far took (row by row, see {@link ConductanceArray#program}),
     * per weight layer (index k: the crossbar below neuron layer k + 1); the ghosts' crossbar is
     * programmed after the forward one, so its slots add (Tiki-Taka's fast arrays and transfers are
     * counted with the layer they serve).
     */
    public long[] programmingSlotsByLayer() {
        long[] out = slotsByLayer.clone();
        if (second() != null) {
            long[] g = second().programmingSlotsByLayer();
            for (int k = 0; k < out.length; k++) out[k] += g[k];
        }
        return out;
    }

    /** {pulses up, pulses down, device updates, verify writes} of every device (the ghosts' crossbar's or the fast arrays' included), per weight layer. */
    public long[][] programmingCountsByLayer() {
        long[][] out = new long[4][layers.length];
        for (int k = 0; k < layers.length; k++) {
            long[] sum = new long[4];
            layers[k].addCounts(sum);
            for (int i = 0; i < 4; i++) out[i][k] = sum[i];
        }
        if (second() != null) {
            long[][] g = second().programmingCountsByLayer();
            for (int i = 0; i < 4; i++) for (int k = 0; k < layers.length; k++) out[i][k] += g[i][k];
        }
        return out;
    }

    /** Whether the weights change with chip time alone. */
    public boolean drifts() {
        return device.driftNu() > 0;
    }

    long generation() {
        return generation;
    }

    /** The weights the devices hold now (a verification read, noise-free), as a copy. */
    public LayerParams read() {
        LayerParams p = new LayerParams(topology);
        for (int k = 0; k < layers.length; k++) {
            System.arraycopy(layers[k].weights(), 0, p.w[k], 0, p.w[k].length);
            System.arraycopy(layers[k].biases(), 0, p.b[k], 0, p.b[k].length);
        }
        return p;
    }

    /** Every device of the chip, the ghosts' crossbar's or Tiki-Taka's fast arrays' included. */
    public java.util.List<epsim.device.PulsedDevices> devices() {
        java.util.List<epsim.device.PulsedDevices> out = new java.util.ArrayList<>();
        for (CrossbarLayer layer : layers) layer.addDevices(out);
        if (second() != null) out.addAll(second().devices());
        return out;
    }

    /** Every device's state; for each layer: weights G+, weights G-, bias G+, bias G-; then the ghosts' crossbar's or the fast arrays', the same way. */
    double[][][] deviceStates() {
        double[][][] d = new double[deviceArrays()][][];
        int own = CrossbarLayer.PERSISTED_ARRAYS * layers.length;
        for (int k = 0; k < layers.length; k++) layers[k].persistInto(d, CrossbarLayer.PERSISTED_ARRAYS * k);
        if (second() != null) System.arraycopy(second().deviceStates(), 0, d, own, own);
        return d;
    }

    int layers() {
        return layers.length;
    }

    /** Layer k as the chip maps it onto devices. */
    CrossbarLayer layer(int k) {
        return layers[k];
    }

    /** Device arrays a persisted state holds: four per layer, twice with the ghosts' crossbar or Tiki-Taka's fast arrays. */
    int deviceArrays() {
        return CrossbarLayer.PERSISTED_ARRAYS * layers.length * (second() == null ? 1 : 2);
    }

    /** Restores every device, or (when any state does not fit) none. */
    void restoreDevices(double[][][] d) {
        int n = CrossbarLayer.PERSISTED_ARRAYS * layers.length;
        if (second() != null) {
            double[][][] own = java.util.Arrays.copyOfRange(d, 0, n), copy = java.util.Arrays.copyOfRange(d, n, 2 * n);
            checkDevices(own);
            second().checkDevices(copy);
            restoreChecked(own);
            second().restoreChecked(copy);
            return;
        }
        checkDevices(d);
        restoreChecked(d);
    }

    private void checkDevices(double[][][] d) {
        for (int k = 0; k < layers.length; k++) layers[k].check(d, CrossbarLayer.PERSISTED_ARRAYS * k);
    }

    private void restoreChecked(double[][][] d) {
        for (int k = 0; k < layers.length; k++) layers[k].restore(d, CrossbarLayer.PERSISTED_ARRAYS * k);
    }

    Rng writeStream() {
        return writes;
    }

    /** Tiki-Taka's transfer schedule (rank-one terms each layer's fast array took), empty in the other update modes. */
    long[] transferSchedule() {
        return tikiTaka == null ? new long[0] : tikiTaka.termsTaken();
    }

    /** Refuses a transfer schedule that does not belong to this chip (nothing is restored). */
    void checkTransferSchedule(long[] taken) {
        if (tikiTaka == null) {
            if (taken != null && taken.length > 0) throw new UserError("checkpoint: a Tiki-Taka transfer schedule, but the chip's update.mode is not tikiTaka");
            return;
        }
        tikiTaka.checkTermsTaken(taken);
    }

    /** Restores a schedule {@link #checkTransferSchedule} accepted (the checkpoint checks it before it touches any device). */
    void restoreTransferSchedule(long[] taken) {
        if (tikiTaka != null) tikiTaka.restoreTermsTaken(taken);
    }
}
