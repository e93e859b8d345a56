package epsim.math;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wired array's solver against a dense nodal analysis of the same circuit (commons-math LU on
 * every node at once), and the physics it must show: ideal wires give G V exactly, currents fall
 * with resistance, and the forward and backward maps are transposes (reciprocity).
 */
class WiredArrayTest {

    /** Terminal currents by dense nodal analysis: unknowns a (row nodes) then b (column nodes). */
    static double[][] dense(WiredArray w, double rowOhms, double colOhms, double[] vr, double[] vc) {
        int rows = w.rows(), cols = w.cols(), n = rows * cols;
        double gr = 1e6 / rowOhms, gc = 1e6 / colOhms;
        RealMatrix m = new Array2DRowRealMatrix(2 * n, 2 * n);
        RealVector rhs = new ArrayRealVector(2 * n);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int a = i * cols + j, b = n + a;
                double g = w.conductance(i, j);
                m.addToEntry(a, a, g);
                m.addToEntry(b, b, g);
                m.addToEntry(a, b, -g);
                m.addToEntry(b, a, -g);
                // row segment to the left: the driver for j = 0
                m.addToEntry(a, a, gr);
                if (j == 0) rhs.addToEntry(a, gr * vr[i]);
                else m.addToEntry(a, a - 1, -gr);
                if (j < cols - 1) {
                    m.addToEntry(a, a, gr);
                    m.addToEntry(a, a + 1, -gr);
                }
                // column segment below: the terminal for i = rows - 1
                m.addToEntry(b, b, gc);
                if (i == rows - 1) rhs.addToEntry(b, gc * vc[j]);
                else m.addToEntry(b, b + cols, -gc);
                if (i > 0) {
                    m.addToEntry(b, b, gc);
                    m.addToEntry(b, b - cols, -gc);
                }
            }
        }
        RealVector x = new LUDecomposition(m, 1e-300).getSolver().solve(rhs);
        double[] rowCurrents = new double[rows], colCurrents = new double[cols];
        for (int i = 0; i < rows; i++) rowCurrents[i] = gr * (vr[i] - x.getEntry(i * cols));
        for (int j = 0; j < cols; j++) colCurrents[j] = gc * (x.getEntry(n + (rows - 1) * cols + j) - vc[j]);
        return new double[][] {rowCurrents, colCurrents};
    }

    static WiredArray random(int rows, int cols, double rowOhms, double colOhms, Random rnd) {
        WiredArray w = new WiredArray(rows, cols, rowOhms, colOhms);
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) w.set(i, j, 0.5 + 10 * rnd.nextDouble());
        w.factor();
        return w;
    }

    static double[] uniform(int n, Random rnd) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rnd.nextDouble();
        return v;
    }

    @Test
    void agreesWithDenseNodalAnalysis() {
        Random rnd = new Random(3);
        // resistances from ideal-ish to a network with large drops (rG N^2 ~ 1e4 * 1e-5 * 64 ~ 6)
        int[][] shapes = {{1, 1}, {1, 6}, {5, 1}, {4, 7}, {8, 8}, {9, 3}};
        double[][] ohms = {{1, 1}, {100, 5}, {3, 800}, {1e4, 1e4}};
        for (int[] s : shapes) {
            for (double[] r : ohms) {
                WiredArray w = random(s[0], s[1], r[0], r[1], rnd);
                double[] vr = uniform(s[0], rnd), vc = uniform(s[1], rnd);
                double[] rowI = new double[s[0]], colI = new double[s[1]];
                assertTrue(w.solve(vr, vc, rowI, colI), "settles");
                double[][] ref = dense(w, r[0], r[1], vr, vc);
                // both are exact solutions of a system with condition ~ 4 N^2 (gr / G); 1e-9 of the largest current
                // leaves room for that rounding and is far below the smallest IR effect measured (1e-6 at 1 ohm)
                double scale = 0;
                for (double v : ref[0]) scale = Math.max(scale, Math.abs(v));
                for (double v : ref[1]) scale = Math.max(scale, Math.abs(v));
                for (int i = 0; i < s[0]; i++) assertEquals(ref[0][i], rowI[i], 1e-9 * scale, "row " + i);
                for (int j = 0; j < s[1]; j++) assertEquals(ref[1][j], colI[j], 1e-9 * scale, "column " + j);
            }
        }
    }

    @Test
    void idealWiresGiveTheDeviceSums() {
        Random rnd = new Random(5);
        WiredArray w = random(6, 4, 0, 0, rnd);
        double[] vr = uniform(6, rnd), vc = new double[4];
        double[] colI = new double[4];
        w.solve(vr, vc, null, colI);
        for (int j = 0; j < 4; j++) {
            double expected = 0;
            for (int i = 0; i < 6; i++) expected += w.conductance(i, j) * vr[i];
            assertEquals(expected, colI[j], 0, "an ideal array is G V, to the bit in the same order of summation");
        }
        assertEquals(0, w.lastIterations());
    }

    @Test
    void oneIdealLineIsSolvedDirectly() {
        Random rnd = new Random(8);
        for (double[] r : new double[][] {{0, 50}, {50, 0}}) {
            WiredArray w = random(7, 5, r[0], r[1], rnd);
            double[] vr = uniform(7, rnd), vc = uniform(5, rnd);
            double[] rowI = new double[7], colI = new double[5];
            w.solve(vr, vc, rowI, colI);
            assertEquals(0, w.lastIterations());
            // the dense reference with 1 milliohm in place of the ideal line: its own effect is r G N^2 ~ 1e-3 x 1e-5 x 49 ~ 5e-7
            // of the current, and the dense system's condition (gr / G ~ 1e8) costs ~1e-8; 1e-5 bounds both
            double[][] ref = dense(w, Math.max(r[0], 1e-3), Math.max(r[1], 1e-3), vr, vc);
            for (int j = 0; j < 5; j++) assertEquals(ref[1][j], colI[j], 1e-5 * Math.abs(ref[1][j]), "column " + j);
            for (int i = 0; i < 7; i++) assertEquals(ref[0][i], rowI[i], 1e-5 * Math.abs(ref[0][i]), "row " + i);
        }
    }

    @Test
    void forwardAndBackwardMapsAreTransposes() {
        Random rnd = new Random(11);
        int rows = 9, cols = 6;
        WiredArray w = random(rows, cols, 40, 25, rnd);
        double[][] forward = new double[cols][rows], backward = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            double[] vr = new double[rows];
            vr[i] = 1;
            double[] colI = new double[cols];
            w.solve(vr, new double[cols], null, colI);
            for (int j = 0; j < cols; j++) forward[j][i] = colI[j];
        }
        for (int j = 0; j < cols; j++) {
            double[] vc = new double[cols];
            vc[j] = 1;
            double[] rowI = new double[rows];
            w.solve(new double[rows], vc, rowI, null);
            for (int i = 0; i < rows; i++) backward[i][j] = -rowI[i]; // current into the row terminal
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(forward[j][i], backward[i][j], 1e-12 * Math.abs(forward[j][i]), "reciprocity at " + i + "," + j);
                assertTrue(forward[j][i] < w.conductance(i, j), "a wired device delivers less than G x 1 V");
            }
        }
    }
}
