package epsim.chip;

import epsim.common.Rng;
import epsim.device.ConductanceArray;
import epsim.device.OuterProductUpdate;
import epsim.math.Kernels;
import epsim.model.HardwareModel;

/**
 * One weight layer as the chip builds it: its shape (outputs x inputs), how its weight matrix and
 * bias column map onto device arrays, and what those arrays give the rest of the chip (effective
 * weights, the loads a voltage drives, the persisted states, the counts). The mapping today is one
 * differential array for the matrix and one for the bias column (driven at 1 V); a tiled mapping is
 * another implementation of these methods, and nothing outside this class needs to know which.
 *
 * <p>Persisted, a layer is {@value #PERSISTED_ARRAYS} device states: weights G+, weights G-, bias
 * G+, bias G-; each holds {@link #persistedLength} values per array.
 */
final class CrossbarLayer {
    /** Device states one layer persists (weights G+, G-, bias G+, G-). */
    static final int PERSISTED_ARRAYS = 4;

    private final int outputs, inputs;
    private final ConductanceArray weightDevices, biasDevices;
    private final double[] w;         // effective weights, outputs x inputs, row-major
    private final double[] b;         // effective biases
    private final double[] bottomUpG; // per input j: sum over the outputs i of G+_ij + G-_ij (µS)
    private final double[] topDownG;  // per output i: sum over the inputs j of G+_ij + G-_ij
    private double biasG;             // sum of G+ + G- over the bias column
    private final double[] biasColumnLoad = new double[1];
    private final double[] biasRowLoads;
    private final LayerTiles tiles;   // null: the reads are plain products with the devices' weights (no wires, analog sums)
    private final int[] tileGrid;     // {row tiles, column tiles} the layer's matrix and bias row sit on ({1, 1} without an array section)

    /**
     * Fabricates the layer's devices from {@code fabrication}: the matrix first, then the bias
     * column; layer {@code index} (0: the input layer) is mapped onto tiles as {@code array} says.
     */
    CrossbarLayer(HardwareModel.Device device, HardwareModel.Array array, int index, int outputs, int inputs, Rng fabrication) {
        this.outputs = outputs;
        this.inputs = inputs;
        this.weightDevices = new ConductanceArray(device, outputs * inputs, fabrication);
        this.biasDevices = new ConductanceArray(device, outputs, fabrication);
        this.w = new double[outputs * inputs];
        this.b = new double[outputs];
        this.bottomUpG = new double[inputs];
        this.topDownG = new double[outputs];
        this.biasRowLoads = new double[outputs];
        // the input layer's drive is constant during a relaxation: it is solved per read, the others keep their map
        this.tiles = LayerTiles.needed(array) ? new LayerTiles(array, device.gRef(), index, outputs, inputs, index == 0) : null;
        this.tileGrid = LayerTiles.grid(array, outputs, inputs);
    }

    /** Tile (p, q) of this layer as the model {@code array} maps it, a circuit of its own with the devices' conductances at {@code now}. */
    TileCircuit tile(HardwareModel.Array array, double gRef, int index, int p, int q, double now) {
        LayerTiles map = tiles != null ? tiles : new LayerTiles(array, gRef, index, outputs, inputs, false);
        return map.circuit(p, q, weightDevices, biasDevices, now);
    }

    /** The layer's tiles, or null for one array with ideal wires. */
    LayerTiles tiles() {
        return tiles;
    }

    /** The length of persisted device state {@code j} (0..3) of a layer of this shape: the matrix's or the bias column's. */
    static int persistedLength(int j, int outputs, int inputs) {
        return j < 2 ? outputs * inputs : outputs;
    }

    int outputs() {
        return outputs;
    }

    int inputs() {
        return inputs;
    }

    void writeVerified(double[] weights, double[] biases, double now) {
        weightDevices.writeVerified(weights, now);
        biasDevices.writeVerified(biases, now);
    }

    /** Resets the pairs of column {@code j} (0..inputs-1; inputs: the bias column) to weight 0 with write-verify. */
    void resetColumn(int j, double now) {
        if (j == inputs) {
            for (int i = 0; i < outputs; i++) biasDevices.resetPair(i, now);
        } else {
            for (int i = 0; i < outputs; i++) weightDevices.resetPair(i * inputs + j, now);
        }
    }

    /** Resets the pairs of row {@code i} (its synapses and its bias) to weight 0 with write-verify. */
    void resetRow(int i, double now) {
        for (int j = 0; j < inputs; j++) weightDevices.resetPair(i * inputs + j, now);
        biasDevices.resetPair(i, now);
    }

    /** Requested changes become pulses; returns the pulse slots taken, row by row (a row: one neuron's synapses and its bias device). */
    long program(double[] deltaW, double[] deltaB, double now, Rng writes) {
        return program(deltaW, deltaB, now, writes, null);
    }

    /**
     * {@link #program} that records the pulse counts every device was sent into {@code sent}
     * ({weights G+, weights G-, bias G+, bias G-}; null: no record), for a copy of the layer ({@link #send}).
     */
    long program(double[] deltaW, double[] deltaB, double now, Rng writes, long[][] sent) {
        long[][] rowMax = new long[4][outputs];
        weightDevices.program(deltaW, now, writes, inputs, rowMax, sent == null ? null : new long[][] {sent[0], sent[1]});
        biasDevices.program(deltaB, now, writes, 1, rowMax, sent == null ? null : new long[][] {sent[2], sent[3]});
        return ConductanceArray.slots(rowMax);
    }

    /** The same requests as {@link #program}, sent as the pulse counts another copy of the layer recorded; returns the slots taken. */
    long send(double[] deltaW, double[] deltaB, long[][] sent, double now, Rng writes) {
        long[][] rowMax = new long[4][outputs];
        weightDevices.send(deltaW, new long[][] {sent[0], sent[1]}, now, writes, inputs, rowMax);
        biasDevices.send(deltaB, new long[][] {sent[2], sent[3]}, now, writes, 1, rowMax);
        return ConductanceArray.slots(rowMax);
    }

    /** Arrays to record {@link #program}'s pulse counts in: one count per device of each of the four arrays. */
    long[][] pulseRecord() {
        return new long[][] {new long[outputs * inputs], new long[outputs * inputs], new long[outputs], new long[outputs]};
    }

    /** The array's own update from pulse trains (docs/update.md); returns the slots taken. */
    long updateOuterProduct(OuterProductUpdate trains, double[] d, double[] x, double bias, int terms, double scale, double now, Rng writes) {
        return trains.apply(weightDevices, biasDevices, null, d, x, bias, terms, outputs, inputs, scale, now, writes);
    }

    /** {@link #updateOuterProduct} whose trains also reach {@code copy}, a second array of the same weights on the same lines. */
    long updateOuterProduct(OuterProductUpdate trains, CrossbarLayer copy, double[] d, double[] x, double bias, int terms, double scale, double now, Rng writes) {
        return trains.apply(weightDevices, biasDevices, new ConductanceArray[] {copy.weightDevices, copy.biasDevices}, d, x, bias, terms, outputs, inputs,
                scale, now, writes);
    }

    /** Re-reads the effective weights and the loads at time {@code now}. */
    void refresh(double now) {
        weightDevices.weightsAndLoads(w, now, inputs, bottomUpG, topDownG);
        biasDevices.weightsAndLoads(b, now, 1, biasColumnLoad, biasRowLoads);
        double bias = 0;
        for (int i = 0; i < outputs; i++) bias += biasRowLoads[i];
        biasG = bias;
        if (tiles != null) tiles.refresh(weightDevices, biasDevices, now, w, b);
    }

    /**
     * The forward read (rows driven by the layer below, columns collect): {@code into} = b + W
     * {@code below} for each of {@code batch} examples, W and b as the tiles' wires let the
     * currents through; digital partial sums draw their ADC noise from {@code noise}.
     */
    void forward(double[] below, int batch, double[] into, Rng noise) {
        if (tiles != null && !tiles.readsByMap()) {
            tiles.forward(below, batch, into, noise);
            return;
        }
        double[] readW = tiles == null ? w : tiles.readWeights(), readB = tiles == null ? b : tiles.readBiases();
        for (int s = 0; s < batch; s++) System.arraycopy(readB, 0, into, s * outputs, outputs);
        Kernels.multiplyTransposedAccumulate(below, batch, inputs, readW, outputs, into);
    }

    /**
     * The backward read (columns driven by the layer above, rows collect): {@code into} += gain
     * W^T {@code above} for each of {@code batch} examples.
     */
    void backward(double gain, double[] above, int batch, double[] into, Rng noise) {
        if (tiles != null && !tiles.readsByMap()) {
            tiles.backward(gain, above, batch, into, noise);
            return;
        }
        Kernels.multiplyAccumulateScaled(gain, above, batch, outputs, tiles == null ? w : tiles.readWeights(), inputs, into);
    }

    /** Devices one forward read of one example conducts through: both of every synapse and of every bias. */
    long forwardReadDevices() {
        return 2 * ((long) outputs * inputs + outputs);
    }

    /** Devices one backward read of one example conducts through: both of every synapse (the bias column is not driven). */
    long backwardReadDevices() {
        return 2L * outputs * inputs;
    }

    /** Tiles a read conducts through: all the layer's (one without tiles). */
    int tileCount() {
        return tileGrid[0] * tileGrid[1];
    }

    /** {row tiles, column tiles} (a copy). */
    int[] tileGrid() {
        return tileGrid.clone();
    }

    /** Partial-sum conversions of one forward read of one example: each output once per row tile (digital sums only). */
    long forwardConversions() {
        return tiles == null || !tiles.digital() ? 0 : (long) outputs * tiles.rowTiles();
    }

    /** Partial-sum conversions of one backward read of one example: each input once per column tile. */
    long backwardConversions() {
        return tiles == null || !tiles.digital() ? 0 : (long) inputs * tiles.columnTiles();
    }

    /** The devices' weights (G+ - G-) / gRef, live: what a verification read of each device gives. */
    double[] weights() {
        return w;
    }

    double[] biases() {
        return b;
    }

    double[] bottomUpConductance() {
        return bottomUpG;
    }

    double[] topDownConductance() {
        return topDownG;
    }

    double biasConductance() {
        return biasG;
    }

    /** Per output i: G+_i + G-_i of its bias devices (µS). */
    double[] biasRowConductance() {
        return biasRowLoads;
    }

    /** Adds {pulses up, pulses down, device updates, verify writes} of every device to {@code sum}. */
    void addCounts(long[] sum) {
        for (ConductanceArray a : new ConductanceArray[] {weightDevices, biasDevices}) {
            long[] c = a.counts();
            for (int i = 0; i < 4; i++) sum[i] += c[i];
        }
    }

    /** Adds every device of the layer (weights G+, G-, bias G+, G-) to {@code out}. */
    void addDevices(java.util.List<epsim.device.PulsedDevices> out) {
        for (ConductanceArray a : new ConductanceArray[] {weightDevices, biasDevices}) {
            out.add(a.plus());
            out.add(a.minus());
        }
    }

    /** Puts the layer's persisted states into {@code d} from index {@code at}. */
    void persistInto(double[][][] d, int at) {
        d[at] = weightDevices.plus().state();
        d[at + 1] = weightDevices.minus().state();
        d[at + 2] = biasDevices.plus().state();
        d[at + 3] = biasDevices.minus().state();
    }

    /** Refuses states from index {@code at} that do not fit these devices (nothing is restored). */
    void check(double[][][] d, int at) {
        weightDevices.plus().check(d[at]);
        weightDevices.minus().check(d[at + 1]);
        biasDevices.plus().check(d[at + 2]);
        biasDevices.minus().check(d[at + 3]);
    }

    void restore(double[][][] d, int at) {
        weightDevices.plus().restore(d[at]);
        weightDevices.minus().restore(d[at + 1]);
        biasDevices.plus().restore(d[at + 2]);
        biasDevices.minus().restore(d[at + 3]);
    }
}
