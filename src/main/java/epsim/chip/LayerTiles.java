package epsim.chip;

import epsim.common.Rng;
import epsim.common.UserError;
import epsim.device.Converters;
import epsim.device.ConductanceArray;
import epsim.math.Kernels;
import epsim.math.WiredArray;
import epsim.model.HardwareModel;

import java.util.Arrays;

/**
 * A layer's matrix on fixed-size tiles (docs/tiles.md): which devices each tile holds, the map its
 * reads see through resistive wires, and the partial sums.
 *
 * <p>The forward read drives the layer's inputs and its bias row (1 V) on the tiles' rows and
 * senses its outputs on their columns: row r in 0..inputs (r = inputs is the bias row) and column
 * c in 0..outputs-1 sit on tile (r / tileRows, c / tileColumns). Each tile holds a G+ array and a
 * G- array side by side with the same drivers; a tile's output is their current difference over
 * gRef. With wires, every tile is solved as a resistive network ({@link WiredArray}). For given
 * conductances a tile is a linear map of its terminal voltages, so a layer read every integration
 * step keeps the map itself, solved once per change of conductances (one unit solve per line on the
 * tile's shorter side); the input layer, whose drive is constant during a relaxation, solves each
 * read instead (one solve per example and tile, fewer than a map would take).
 *
 * <p>With analog partial sums the tiles' currents meet at the neuron's node, so the layer's read is
 * one product with the assembled map. With digital partial sums each tile's column currents are
 * converted by its own ADC (clipped to +-partialSumRange, quantized, optionally noisy) and added
 * digitally: one conversion per output and row tile for a forward read, per input and column tile
 * for a backward read.
 */
final class LayerTiles {
    private final HardwareModel.Array array;
    private final double gRef;
    private final int outputs, inputs, rows; // rows = inputs + 1: the bias row
    private final int tileRows, tileCols, rowTiles, colTiles;
    private final int layerIndex;
    private final boolean perRead;
    private final TileCircuit[][] circuits;   // [row tile][column tile]; null without wires
    private double[] readW, readB;            // the map the reads see (outputs x inputs, outputs); the devices' own without wires
    private double[][] forwardBlocks;         // digital: per row tile, outputs x its rows (the bias row last in the last tile)
    private double[][] backwardBlocks;        // digital: per column tile, its columns x inputs
    private double[] scratch, scratchOut;
    private double[][] partials;              // the last forward read's partial sums per row tile, batch x outputs, unconverted

    /**
     * Tiles for layer {@code layerIndex} (0: the input layer, read per example) of
     * {@code outputs} x {@code inputs}; {@code perRead}: solve each read rather than keep the map.
     */
    LayerTiles(HardwareModel.Array array, double gRef, int layerIndex, int outputs, int inputs, boolean perRead) {
        this(array, gRef, layerIndex, outputs, inputs, perRead, 0);
    }

    /** The same with a bound of {@code maxIterations} on every solve (0: each array's own, {@link WiredArray#maxIterations}). */
    LayerTiles(HardwareModel.Array array, double gRef, int layerIndex, int outputs, int inputs, boolean perRead, int maxIterations) {
        this.array = array;
        this.gRef = gRef;
        this.layerIndex = layerIndex;
        this.outputs = outputs;
        this.inputs = inputs;
        this.rows = inputs + 1;
        this.tileRows = array.tileRows() == HardwareModel.Array.UNBOUNDED ? rows : Math.min(array.tileRows(), rows);
        this.tileCols = array.tileColumns() == HardwareModel.Array.UNBOUNDED ? outputs : Math.min(array.tileColumns(), outputs);
        int[] grid = grid(array, outputs, inputs);
        this.rowTiles = grid[0];
        this.colTiles = grid[1];
        this.perRead = perRead && array.wired();
        if (array.wired()) {
            circuits = new TileCircuit[rowTiles][colTiles];
            for (int p = 0; p < rowTiles; p++) for (int q = 0; q < colTiles; q++) circuits[p][q] = newCircuit(p, q, maxIterations);
        } else {
            circuits = null;
        }
    }

    /** Tile (p, q)'s circuit with arrays of no conductance yet; {@code maxIterations} 0: each array's own bound. */
    private TileCircuit newCircuit(int p, int q, int maxIterations) {
        WiredArray[] a = new WiredArray[2];
        for (int k = 0; k < 2; k++) {
            a[k] = maxIterations > 0 ? new WiredArray(rowsOf(p), colsOf(q), array.rowWireOhms(), array.columnWireOhms(), maxIterations)
                    : new WiredArray(rowsOf(p), colsOf(q), array.rowWireOhms(), array.columnWireOhms());
        }
        return new TileCircuit(a[0], a[1], p * tileRows, q * tileCols, inputs, array.rowWireOhms(), array.columnWireOhms(),
                "layer " + (layerIndex + 1) + "'s tile (" + p + ", " + q + ")");
    }

    /** {row tiles, column tiles} of a layer of {@code outputs} x {@code inputs}: its inputs and bias row over tile rows, its outputs over tile columns. */
    static int[] grid(HardwareModel.Array array, int outputs, int inputs) {
        return new int[] {HardwareModel.Array.tilesAlong(inputs + 1, array.tileRows()), HardwareModel.Array.tilesAlong(outputs, array.tileColumns())};
    }

    /** Whether the reads differ from the devices' own weights (wires), or are converted per tile (digital sums). */
    static boolean needed(HardwareModel.Array array) {
        return array.wired() || array.digital();
    }

    boolean digital() {
        return array.digital();
    }

    int rowTiles() {
        return rowTiles;
    }

    int columnTiles() {
        return colTiles;
    }

    private int rowsOf(int p) {
        return Math.min(tileRows, rows - p * tileRows);
    }

    private int colsOf(int q) {
        return Math.min(tileCols, outputs - q * tileCols);
    }

    /**
     * Takes the devices' conductances at {@code now} into the tiles and re-solves what the reads
     * need; {@code w}, {@code b}: the devices' own weights, the map of ideal wires.
     */
    void refresh(ConductanceArray weightDevices, ConductanceArray biasDevices, double now, double[] w, double[] b) {
        if (circuits == null) {
            readW = w;
            readB = b;
        } else {
            for (TileCircuit[] row : circuits) for (TileCircuit c : row) fill(c, weightDevices, biasDevices, now);
            if (perRead) return;
            if (readW == null || readW == w) {
                readW = new double[outputs * inputs];
                readB = new double[outputs];
            }
            solveMaps();
        }
        if (array.digital()) blocks();
    }

    /** Puts the devices' conductances at {@code now} into tile {@code t}'s G+ and G- arrays and factors them. */
    private void fill(TileCircuit t, ConductanceArray weightDevices, ConductanceArray biasDevices, double now) {
        WiredArray gp = t.plus(), gm = t.minus();
        for (int r = 0; r < gp.rows(); r++) {
            int row = t.firstRow() + r;
            for (int c = 0; c < gp.cols(); c++) {
                int col = t.firstColumn() + c;
                ConductanceArray devices = row < inputs ? weightDevices : biasDevices;
                int at = row < inputs ? col * inputs + row : col;
                gp.set(r, c, devices.plus().read(at, now));
                gm.set(r, c, devices.minus().read(at, now));
            }
        }
        gp.factor();
        gm.factor();
    }

    /** Tile (p, q) as a circuit of its own: a fresh copy of its two arrays with the devices' conductances at {@code now}. */
    TileCircuit circuit(int p, int q, ConductanceArray weightDevices, ConductanceArray biasDevices, double now) {
        if (p < 0 || p >= rowTiles || q < 0 || q >= colTiles) {
            throw new UserError("tile (" + p + ", " + q + "): layer " + (layerIndex + 1) + " has row tiles 0.." + (rowTiles - 1) + " and column tiles 0.." + (colTiles - 1));
        }
        TileCircuit t = newCircuit(p, q, 0);
        fill(t, weightDevices, biasDevices, now);
        return t;
    }

    /**
     * The forward map of every tile (the backward map is its transpose: reciprocity), tiles on all
     * cores: each writes its own entries, so the result does not depend on the threads.
     */
    private void solveMaps() {
        eachTile((p, q) -> circuits[p][q].map(gRef, this::put));
    }

    /** What one tile does in {@link #eachTile}. */
    private interface TileTask {
        void run(int p, int q);
    }

    /**
     * Runs {@code task} on every tile, the tiles on all cores. A tile that fails makes the whole
     * fail with the error of the first failing tile in tile order, whatever the threads did first.
     */
    private void eachTile(TileTask task) {
        UserError[] failed = new UserError[rowTiles * colTiles];
        java.util.stream.IntStream.range(0, failed.length).parallel().forEach(at -> {
            try {
                task.run(at / colTiles, at % colTiles);
            } catch (UserError e) {
                failed[at] = e;
            }
        });
        for (UserError e : failed) if (e != null) throw e;
    }

    private void put(int row, int col, double value) {
        if (row < inputs) readW[col * inputs + row] = value;
        else readB[col] = value;
    }

    private void blocks() {
        forwardBlocks = new double[rowTiles][];
        for (int p = 0; p < rowTiles; p++) {
            int r0 = p * tileRows, n = rowsOf(p);
            double[] block = new double[outputs * n];
            for (int i = 0; i < outputs; i++) {
                for (int r = 0; r < n; r++) block[i * n + r] = r0 + r < inputs ? readW[i * inputs + r0 + r] : readB[i];
            }
            forwardBlocks[p] = block;
        }
        backwardBlocks = new double[colTiles][];
        for (int q = 0; q < colTiles; q++) {
            backwardBlocks[q] = Arrays.copyOfRange(readW, q * tileCols * inputs, (q * tileCols + colsOf(q)) * inputs);
        }
    }

    /** The map the forward read sees, outputs x inputs (the devices' own weights without wires). */
    double[] readWeights() {
        return readW;
    }

    double[] readBiases() {
        return readB;
    }

    /** Whether the reads are plain products with {@link #readWeights}: analog sums, solved maps. */
    boolean readsByMap() {
        return !array.digital() && !perRead;
    }

    /**
     * into = the forward read of {@code below} (batch x inputs): every tile's column currents over
     * gRef, converted per tile when the sums are digital, summed per neuron. The unconverted partial
     * sums are kept for {@link #reconvert}.
     */
    void forward(double[] below, int batch, double[] into, Rng noise) {
        if (partials == null || partials.length != rowTiles || partials[0].length != batch * outputs) partials = new double[rowTiles][batch * outputs];
        if (perRead) {
            forwardSolved(below, batch);
        } else {
            for (int p = 0; p < rowTiles; p++) {
                int r0 = p * tileRows, n = rowsOf(p);
                double[] x = scratch(batch * n);
                for (int s = 0; s < batch; s++) {
                    for (int r = 0; r < n; r++) x[s * n + r] = r0 + r < inputs ? below[s * inputs + r0 + r] : 1;
                }
                Arrays.fill(partials[p], 0);
                Kernels.multiplyTransposedAccumulate(x, batch, n, forwardBlocks[p], outputs, partials[p]);
            }
        }
        reconvert(into, noise);
    }

    /**
     * into = the last forward read's partial sums converted again (fresh ADC noise) and summed: what
     * a tile's ADCs give on each integration step while its inputs hold still.
     */
    void reconvert(double[] into, Rng noise) {
        int n = partials[0].length;
        Arrays.fill(into, 0, n, 0);
        for (double[] partial : partials) convertInto(partial, n, into, noise);
    }

    /** Whether every integration step converts the partial sums anew with fresh noise. */
    boolean noisyConversions() {
        return array.digital() && array.partialSumNoise() > 0;
    }

    /** into += gain x the backward read of {@code above} (batch x outputs), converted per column tile. */
    void backward(double gain, double[] above, int batch, double[] into, Rng noise) {
        if (perRead) {
            backwardSolved(gain, above, batch, into, noise);
            return;
        }
        for (int q = 0; q < colTiles; q++) {
            int c0 = q * tileCols, n = colsOf(q);
            double[] y = scratch(batch * n);
            for (int s = 0; s < batch; s++) System.arraycopy(above, s * outputs + c0, y, s * n, n);
            if (scratchOut == null || scratchOut.length < batch * inputs) scratchOut = new double[batch * inputs];
            Arrays.fill(scratchOut, 0, batch * inputs, 0);
            Kernels.multiplyAccumulateScaled(gain, y, batch, n, backwardBlocks[q], inputs, scratchOut);
            convertInto(scratchOut, batch * inputs, into, noise);
        }
    }

    /**
     * Every row tile's partial sums of the forward read (batch x outputs), solved example by example
     * (the input layer), the tiles on all cores: each tile writes its own columns of its row tile's
     * partial sums, so the result does not depend on the threads.
     */
    private void forwardSolved(double[] below, int batch) {
        eachTile((p, q) -> {
            int r0 = p * tileRows, m = rowsOf(p), n = colsOf(q);
            double[] vr = new double[m], vc = new double[n], ip = new double[n], im = new double[n], partial = partials[p];
            for (int s = 0; s < batch; s++) {
                for (int r = 0; r < m; r++) vr[r] = r0 + r < inputs ? below[s * inputs + r0 + r] : 1;
                circuits[p][q].solve(vr, vc, null, ip, null, im);
                for (int c = 0; c < n; c++) partial[s * outputs + q * tileCols + c] = (ip[c] - im[c]) / gRef;
            }
        });
    }

    /** The backward read solved example by example and tile by tile. */
    private void backwardSolved(double gain, double[] above, int batch, double[] into, Rng noise) {
        for (int s = 0; s < batch; s++) {
            for (int q = 0; q < colTiles; q++) {
                int c0 = q * tileCols, n = colsOf(q);
                double[] vc = new double[n];
                for (int c = 0; c < n; c++) vc[c] = gain * above[s * outputs + c0 + c];
                for (int p = 0; p < rowTiles; p++) {
                    int r0 = p * tileRows, m = Math.min(rowsOf(p), inputs - r0); // the bias row collects nothing a neuron reads
                    if (m <= 0) continue;
                    double[] vr = new double[rowsOf(p)], ip = new double[rowsOf(p)], im = new double[rowsOf(p)];
                    circuits[p][q].solve(vr, vc, ip, null, im, null);
                    for (int r = 0; r < m; r++) {
                        double current = (im[r] - ip[r]) / gRef;
                        into[s * inputs + r0 + r] += array.digital() ? convert(current, noise) : current;
                    }
                }
            }
        }
    }

    /** into += the first {@code n} partial sums, each converted by its tile's ADC when the sums are digital. */
    private void convertInto(double[] partial, int n, double[] into, Rng noise) {
        if (array.digital()) {
            for (int i = 0; i < n; i++) into[i] += convert(partial[i], noise);
        } else {
            for (int i = 0; i < n; i++) into[i] += partial[i];
        }
    }

    /** One partial-sum ADC conversion. */
    private double convert(double value, Rng noise) {
        double sigma = array.partialSumNoise();
        double v = sigma > 0 ? value + sigma * noise.nextGaussian() : value;
        return Converters.quantize(v, -array.partialSumRange(), array.partialSumRange(), array.partialSumBits());
    }

    private double[] scratch(int length) {
        if (scratch == null || scratch.length < length) scratch = new double[length];
        return scratch;
    }
}
