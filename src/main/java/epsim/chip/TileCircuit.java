package epsim.chip;

import epsim.common.UserError;
import epsim.math.WiredArray;

/**
 * One tile of a layer as a circuit of its own (docs/tiles.md): its G+ and G- arrays with their
 * wires, and where it sits in the layer. Its rows are the layer's inputs {@code firstRow} onward,
 * the bias row where that index reaches {@code inputs}; its columns the layer's outputs
 * {@code firstColumn} onward. {@code where} names it in errors ("layer 2's tile (0, 1)").
 */
public record TileCircuit(WiredArray plus, WiredArray minus, int firstRow, int firstColumn, int inputs, double rowOhms, double columnOhms,
                          String where) {
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

    /** Receives one entry of a layer-sized matrix: input row (the bias at {@code inputs}), output column, value. */
    interface Entries {
        void put(int row, int col, double value);
    }

    /**
     * The tile's forward map over gRef, entry by entry in layer coordinates: the current its column c
     * delivers for 1 V on its row r, (G+ array minus G- array) / gRef. By unit solves on the tile's
     * shorter side: unit row voltages give a map column each, unit column voltages a map row each,
     * the backward read's currents, equal by reciprocity (the array's terminals are all held at a
     * voltage in both reads).
     */
    void map(double gRef, Entries into) {
        int m = plus.rows(), n = plus.cols();
        double[] ip = new double[Math.max(m, n)], im = new double[ip.length], vr = new double[m], vc = new double[n];
        if (n <= m) {
            for (int c = 0; c < n; c++) {
                vc[c] = 1;
                solve(plus, vr, vc, ip, null);
                solve(minus, vr, vc, im, null);
                vc[c] = 0;
                // the current a row terminal collects is minus what it delivers
                for (int r = 0; r < m; r++) into.put(firstRow + r, firstColumn + c, (im[r] - ip[r]) / gRef);
            }
        } else {
            for (int r = 0; r < m; r++) {
                vr[r] = 1;
                solve(plus, vr, vc, null, ip);
                solve(minus, vr, vc, null, im);
                vr[r] = 0;
                for (int c = 0; c < n; c++) into.put(firstRow + r, firstColumn + c, (ip[c] - im[c]) / gRef);
            }
        }
    }

    /**
     * The gradient of a loss with respect to the tile's device weights w = (G+ - G-) / gRef as a
     * controller programs them (push-pull: dG+ = gRef dw / 2, dG- = -gRef dw / 2), from the loss's
     * gradient {@code g} with respect to the tile's map entries (g.get(row, col) in layer
     * coordinates). The adjoint of a reciprocal network: with port voltages held, the transfer
     * conductance Y_cr from row r to column c changes with a device's conductance G_e as
     * dY_cr / dG_e = -v_e(c) v_e(r), the device's voltages (row node minus column node) when column c
     * alone, and when row r alone, is driven at 1 V. So
     * <pre>
     *   dL/dw_e = -1/2 sum over arrays (+, -) sum_c v_e(c) u_e(c),   u(c) = the solve with row voltages g(., c)
     * </pre>
     * (sum_r g_rc v_e(r) is the solve driven by those voltages, by linearity): two solves per column
     * per array, or the same over rows when the tile has fewer rows. Into {@code into} as (row, col,
     * dL/dw) for every device of the tile.
     */
    void pullBack(Gradient g, Entries into) {
        int m = plus.rows(), n = plus.cols();
        double[] sum = new double[m * n];
        for (WiredArray a : new WiredArray[] {plus, minus}) {
            if (n <= m) {
                for (int c = 0; c < n; c++) {
                    double[] vc = new double[n], vr = new double[m];
                    vc[c] = 1;
                    double[] unit = deviceVoltages(a, vr, vc);
                    for (int r = 0; r < m; r++) vr[r] = g.get(firstRow + r, firstColumn + c);
                    double[] weighted = deviceVoltages(a, vr, new double[n]);
                    for (int e = 0; e < sum.length; e++) sum[e] += unit[e] * weighted[e];
                }
            } else {
                for (int r = 0; r < m; r++) {
                    double[] vr = new double[m], vc = new double[n];
                    vr[r] = 1;
                    double[] unit = deviceVoltages(a, vr, vc);
                    for (int c = 0; c < n; c++) vc[c] = g.get(firstRow + r, firstColumn + c);
                    double[] weighted = deviceVoltages(a, new double[m], vc);
                    for (int e = 0; e < sum.length; e++) sum[e] += unit[e] * weighted[e];
                }
            }
        }
        for (int r = 0; r < m; r++) for (int c = 0; c < n; c++) into.put(firstRow + r, firstColumn + c, -0.5 * sum[r * n + c]);
    }

    /** The gradient with respect to a layer's map entries, read by (input row, output column); the bias at row {@code inputs}. */
    interface Gradient {
        double get(int row, int col);
    }

    /**
     * Solves both arrays with row terminals at {@code vr} and column terminals at {@code vc}: the
     * currents each row terminal delivers and each column terminal takes, per array (any may be null).
     */
    void solve(double[] vr, double[] vc, double[] plusRows, double[] plusCols, double[] minusRows, double[] minusCols) {
        solve(plus, vr, vc, plusRows, plusCols);
        solve(minus, vr, vc, minusRows, minusCols);
    }

    private double[] deviceVoltages(WiredArray a, double[] vr, double[] vc) {
        solve(a, vr, vc, null, null);
        double[] rowNodes = a.rowNodes(), colNodes = a.columnNodes();
        for (int e = 0; e < rowNodes.length; e++) rowNodes[e] -= colNodes[e];
        return rowNodes;
    }

    private void solve(WiredArray a, double[] vr, double[] vc, double[] rowCurrents, double[] colCurrents) {
        if (!a.solve(vr, vc, rowCurrents, colCurrents)) {
            throw new UserError("array: the wires of " + where + " do not settle: the solve did not reach " + WiredArray.TOLERANCE + " in "
                    + a.maxIterations() + " iterations (lower array.rowWireResistance or array.columnWireResistance, or use smaller tiles)");
        }
    }
}
