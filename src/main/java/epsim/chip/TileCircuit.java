package epsim.chip;

import epsim.math.WiredArray;

/**
 * One tile of a layer as a circuit of its own (docs/tiles.md): its G+ and G- arrays with their
 * wires, and where it sits in the layer. Its rows are the layer's inputs {@code firstRow} onward,
 * the bias row where that index reaches {@code inputs}; its columns the layer's outputs
 * {@code firstColumn} onward.
 */
public record TileCircuit(WiredArray plus, WiredArray minus, int firstRow, int firstColumn, int inputs, double rowOhms, double columnOhms) {
    /** The voltages a forward read drives the tile's rows with, from the layer's input voltages {@code below} (the bias row at 1 V). */
    public double[] rowVoltages(double[] below) {
        double[] v = new double[plus.rows()];
        for (int r = 0; r < v.length; r++) v[r] = firstRow + r < inputs ? below[firstRow + r] : 1;
        return v;
    }

    /** The voltages a backward read drives the tile's columns with, from the layer's output voltages {@code above}. */
    public double[] columnVoltages(double[] above) {
        double[] v = new double[plus.cols()];
        for (int c = 0; c < v.length; c++) v[c] = above[firstColumn + c];
        return v;
    }
}
