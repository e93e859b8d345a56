package epsim.spice;

import epsim.common.UserError;
import epsim.math.WiredArray;

import java.util.HashMap;
import java.util.Map;

/**
 * One tile with its wires as a device-level SPICE netlist (docs/tiles.md): its G+ and G- arrays,
 * every device a resistor of 1 / G, every wire segment a resistor, each row's terminal a voltage
 * source driving it and each column's terminal a voltage source holding it (0 V: the virtual ground
 * of a sensing periphery), so that ngspice's operating point gives every terminal's current as its
 * source's branch current. A line of zero resistance is one node. Units as in SPICE: volts, ohms,
 * amperes; epsim's solver works in µS and µA.
 *
 * <p>Names: array {@code p} or {@code m}; device (i, j) {@code rd<array><i>_<j>}; row i's terminal source {@code vr<array><i>}, column j's
 * {@code vc<array><j>}; ngspice reports their currents as {@code vrp3#branch}, flowing from the
 * source's + node (the terminal) through it, i.e. into the terminal from the array.
 */
public final class TileNetlist {
    private TileNetlist() {}

    /** The tile's netlist, with an operating-point control block that prints every terminal current to 16 digits. */
    public static String of(WiredArray plus, WiredArray minus, double rowOhms, double colOhms, double[] rowVolts, double[] colVolts, String title) {
        int rows = plus.rows(), cols = plus.cols();
        if (minus.rows() != rows || minus.cols() != cols || rowVolts.length != rows || colVolts.length != cols) {
            throw new IllegalArgumentException("a tile's two arrays and voltages must have one shape");
        }
        StringBuilder s = new StringBuilder();
        s.append("* ").append(Netlist.comment(title)).append('\n');
        s.append("* epsim tile: ").append(rows).append(" rows x ").append(cols).append(" columns, G+ array p and G- array m; row wire ")
                .append(Netlist.num(rowOhms)).append(" ohm, column wire ").append(Netlist.num(colOhms)).append(" ohm per cell\n");
        s.append("* forward read: rows driven, columns at 0 V; backward read: columns driven, rows at 0 V\n");
        for (String name : new String[] {"p", "m"}) array(s, name, name.equals("p") ? plus : minus, rowOhms, colOhms, rowVolts, colVolts);
        // a linear circuit: Newton's first step solves it; tight tolerances so that ngspice's answer is its LU's, not a stopping rule's
        s.append(".options reltol=1e-12 abstol=1e-18 vntol=1e-15 gmin=0\n");
        s.append(".control\nset numdgt=16\nop\nprint all\nquit 0\n.endc\n.end\n");
        return s.toString();
    }

    private static void array(StringBuilder s, String a, WiredArray g, double rowOhms, double colOhms, double[] vr, double[] vc) {
        int rows = g.rows(), cols = g.cols();
        for (int i = 0; i < rows; i++) {
            s.append("vr").append(a).append(i).append(' ').append(rowTerminal(a, i)).append(" 0 dc ").append(Netlist.num(vr[i])).append('\n');
            if (rowOhms > 0) {
                for (int j = 0; j < cols; j++) {
                    s.append("rr").append(a).append(i).append('_').append(j).append(' ')
                            .append(j == 0 ? rowTerminal(a, i) : rowNode(a, i, j - 1, rowOhms)).append(' ').append(rowNode(a, i, j, rowOhms))
                            .append(' ').append(Netlist.num(rowOhms)).append('\n');
                }
            }
        }
        for (int j = 0; j < cols; j++) {
            s.append("vc").append(a).append(j).append(' ').append(colTerminal(a, j)).append(" 0 dc ").append(Netlist.num(vc[j])).append('\n');
            if (colOhms > 0) {
                for (int i = 0; i < rows; i++) {
                    s.append("rc").append(a).append(i).append('_').append(j).append(' ').append(colNode(a, i, j, colOhms)).append(' ')
                            .append(i == rows - 1 ? colTerminal(a, j) : colNode(a, i + 1, j, colOhms)).append(' ').append(Netlist.num(colOhms)).append('\n');
                }
            }
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double micro = g.conductance(i, j);
                if (!(micro > 0)) continue; // a device of zero conductance is an open circuit
                s.append("rd").append(a).append(i).append('_').append(j).append(' ').append(rowNode(a, i, j, rowOhms)).append(' ')
                        .append(colNode(a, i, j, colOhms)).append(' ').append(Netlist.num(1e6 / micro)).append('\n');
            }
        }
    }

    private static String rowTerminal(String a, int i) {
        return "tr" + a + i;
    }

    private static String colTerminal(String a, int j) {
        return "tc" + a + j;
    }

    private static String rowNode(String a, int i, int j, double ohms) {
        return ohms > 0 ? "a" + a + i + "_" + j : rowTerminal(a, i);
    }

    private static String colNode(String a, int i, int j, double ohms) {
        return ohms > 0 ? "b" + a + i + "_" + j : colTerminal(a, j);
    }

    /** A tile's terminal currents, in µA: {row currents into the array, column currents out of it} per array p, m. */
    public record Currents(double[] rowsPlus, double[] colsPlus, double[] rowsMinus, double[] colsMinus) {
        private double[][] all() {
            return new double[][] {rowsPlus, colsPlus, rowsMinus, colsMinus};
        }

        /** The largest absolute current here, µA. */
        public double largest() {
            double scale = 0;
            for (double[] a : all()) for (double v : a) scale = Math.max(scale, Math.abs(v));
            return scale;
        }

        /** The largest difference of any terminal current from {@code reference}'s, relative to the reference's largest current. */
        public double differenceFrom(Currents reference) {
            double[][] ours = all(), theirs = reference.all();
            double worst = 0;
            for (int k = 0; k < ours.length; k++) {
                for (int i = 0; i < ours[k].length; i++) worst = Math.max(worst, Math.abs(ours[k][i] - theirs[k][i]));
            }
            double scale = reference.largest();
            return scale == 0 ? 0 : worst / scale;
        }
    }

    /** epsim's own solve of the tile for the same terminal voltages; a network that does not settle is a one-line error. */
    public static Currents solved(WiredArray plus, WiredArray minus, double[] vr, double[] vc) {
        int rows = plus.rows(), cols = plus.cols();
        Currents c = new Currents(new double[rows], new double[cols], new double[rows], new double[cols]);
        if (!plus.solve(vr, vc, c.rowsPlus(), c.colsPlus()) || !minus.solve(vr, vc, c.rowsMinus(), c.colsMinus())) {
            throw new UserError("a " + rows + " x " + cols + " tile's wires do not settle within " + plus.maxIterations() + " iterations");
        }
        return c;
    }

    /** Runs ngspice on a netlist from {@link #of} and reads every terminal's current. */
    public static Currents solve(String netlist, int rows, int cols, long timeoutSeconds) {
        Map<String, Double> v = Ngspice.solve(netlist.substring(0, netlist.indexOf(".control")), timeoutSeconds).voltages();
        Map<String, double[]> out = new HashMap<>();
        for (String a : new String[] {"p", "m"}) {
            double[] r = new double[rows], c = new double[cols];
            // the branch current flows from the terminal through its source: out of the array for a column, into it negated for a row
            for (int i = 0; i < rows; i++) r[i] = -1e6 * branch(v, "vr" + a + i);
            for (int j = 0; j < cols; j++) c[j] = 1e6 * branch(v, "vc" + a + j);
            out.put("r" + a, r);
            out.put("c" + a, c);
        }
        return new Currents(out.get("rp"), out.get("cp"), out.get("rm"), out.get("cm"));
    }

    private static double branch(Map<String, Double> v, String source) {
        Double x = v.get(source + "#branch");
        if (x == null) throw new UserError("ngspice: no current for " + source + " in its output");
        return x;
    }
}
