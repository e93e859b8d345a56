package epsim.math;

/**
 * One device array with resistive wires, solved exactly (to a stated tolerance) for its terminal
 * currents: the circuit of docs/tiles.md.
 *
 * <p>The array has {@code rows} x {@code cols} devices; device (i, j) of conductance G_ij joins
 * node a_ij of row wire i to node b_ij of column wire j. Each wire is a chain of equal segments
 * (row: {@code rowOhms}, column: {@code colOhms} per cell pitch). Row i's terminal sits before its
 * first cell (j = 0) and column j's after its last (i = rows - 1), one segment away: there the
 * periphery holds the line at a voltage, either driving it or sensing its current as a virtual
 * ground (0 V). The far ends are open. Every terminal is held at a voltage in every read, so the
 * array is a linear, reciprocal multiport: a read with row voltages Vr and column voltages Vc gives
 * terminal currents that are linear in (Vr, Vc), and the map from row voltages to column currents
 * is the transpose of the map from column voltages to row currents (docs/tiles.md).
 *
 * <p>Kirchhoff's current law at every node, with gr, gc the segment conductances:
 * <pre>
 *   row i, node j:    gr (a_{j-1} - a_j) + gr (a_{j+1} - a_j) + G_ij (b_ij - a_ij) = 0,   a_{-1} = Vr_i, no a_{cols}
 *   column j, node i: gc (b_{i-1} - b_i) + gc (b_{i+1} - b_i) + G_ij (a_ij - b_ij) = 0,   b_{rows} = Vc_j, no b_{-1}
 * </pre>
 * i.e. A_i a_i = D_i b_i + gr Vr_i e_0 per row and B_j b_j = D_j a_j + gc Vc_j e_last per column,
 * with A, B tridiagonal and D = diag(G). Eliminating a leaves the Schur complement
 * S b = B b - D A^-1 D b, symmetric positive definite, which conjugate gradients solve with B (the
 * column lines on their own) as the preconditioner: B^-1 S = I - B^-1 D A^-1 D has its eigenvalues in
 * (0, 1], near 1 when the wires are good, so a few iterations reach the tolerance. A line of zero
 * resistance is held at its terminal's voltage along its whole length; then one set of line
 * solves is exact and no iteration is needed.
 *
 * <p>Units: conductances in µS, voltages in V, currents in µA.
 */
public final class WiredArray {
    /** Relative residual ||S b - rhs|| / ||rhs|| at which the iteration stops. */
    public static final double TOLERANCE = 1e-13;
    /**
     * Iterations after which a solve that has not reached {@link #TOLERANCE} is an error (the network
     * does not settle): 100 plus 20 per line. Conjugate gradients need about as many iterations as
     * the square root of the condition, which for lines of N cells grows like N (measured: 1400 for
     * 256 x 256 cells of 1 S on 10 kOhm segments, the most the model's ranges allow).
     */
    public int maxIterations() {
        return maxIterations;
    }

    private final int rows, cols, n;
    private final double gr, gc;        // segment conductances (µS); +Infinity for an ideal line
    private final double[] g;           // device conductances, row-major rows x cols
    private final double[] rowInv, colInv;     // Thomas factors: 1 / pivot of each node's row line and column line
    private final double[] rowLower, colLower; // and the eliminations' multipliers, gr / previous pivot, gc / previous pivot
    // scratch, one read at a time
    private final double[] a, b, r, z, p, q, t;
    private int lastIterations;
    private final int maxIterations;

    /** An array of {@code rows} x {@code cols} devices, wires of the given resistance per segment (ohms, >= 0). */
    public WiredArray(int rows, int cols, double rowOhms, double colOhms) {
        this(rows, cols, rowOhms, colOhms, 100 + 20 * (rows + cols));
    }

    /** The same with a bound of its own on the iterations of a solve. */
    public WiredArray(int rows, int cols, double rowOhms, double colOhms, int maxIterations) {
        if (rows < 1 || cols < 1) throw new IllegalArgumentException("an array needs rows and columns");
        if (!(rowOhms >= 0) || !(colOhms >= 0) || !Double.isFinite(rowOhms) || !Double.isFinite(colOhms)) {
            throw new IllegalArgumentException("wire resistances must be finite and >= 0");
        }
        this.rows = rows;
        this.cols = cols;
        this.n = rows * cols;
        this.maxIterations = maxIterations;
        this.gr = rowOhms == 0 ? Double.POSITIVE_INFINITY : 1e6 / rowOhms;
        this.gc = colOhms == 0 ? Double.POSITIVE_INFINITY : 1e6 / colOhms;
        this.g = new double[n];
        this.rowInv = new double[n];
        this.colInv = new double[n];
        this.rowLower = new double[n];
        this.colLower = new double[n];
        this.a = new double[n];
        this.b = new double[n];
        this.r = new double[n];
        this.z = new double[n];
        this.p = new double[n];
        this.q = new double[n];
        this.t = new double[n];
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The conductance of device (i, j), µS. */
    public double conductance(int i, int j) {
        return g[i * cols + j];
    }

    /** Sets device (i, j)'s conductance (µS, >= 0); {@link #factor} before the next read. */
    public void set(int i, int j, double conductance) {
        g[i * cols + j] = conductance;
    }

    /** Factors the row and column lines for the conductances set: once per change of conductances, before reads. */
    public void factor() {
        if (gr != Double.POSITIVE_INFINITY) {
            for (int i = 0; i < rows; i++) {
                double pivot = 0;
                for (int j = 0, at = i * cols; j < cols; j++, at++) {
                    double diag = g[at] + (j == cols - 1 ? gr : 2 * gr);
                    pivot = j == 0 ? diag : diag - gr * gr / pivot;
                    rowInv[at] = 1 / pivot;
                    if (j > 0) rowLower[at] = gr * rowInv[at - 1];
                }
            }
        }
        if (gc != Double.POSITIVE_INFINITY) {
            // along each column from the open end (i = 0) to the terminal; all columns at once, row by row
            for (int i = 0; i < rows; i++) {
                double edge = i == 0 ? gc : 2 * gc;
                for (int j = 0, at = i * cols; j < cols; j++, at++) {
                    double diag = g[at] + edge;
                    colInv[at] = 1 / (i == 0 ? diag : diag - gc * gc * colInv[at - cols]);
                    if (i > 0) colLower[at] = gc * colInv[at - cols];
                }
            }
        }
    }

    /** Iterations the last read took (0: a direct solve). */
    public int lastIterations() {
        return lastIterations;
    }

    /**
     * Solves the array with row terminals at {@code vr} and column terminals at {@code vc} (V); puts
     * the current each row terminal delivers into the array into {@code rowCurrents} and the current
     * each column terminal takes out of it into {@code colCurrents} (µA; either may be null). Returns
     * false when the iteration did not settle within {@link #maxIterations}.
     */
    public boolean solve(double[] vr, double[] vc, double[] rowCurrents, double[] colCurrents) {
        boolean settled = nodeVoltages(vr, vc);
        if (rowCurrents != null) java.util.Arrays.fill(rowCurrents, 0);
        if (colCurrents != null) java.util.Arrays.fill(colCurrents, 0);
        // each terminal's current is the sum of its line's device currents (Kirchhoff at the line): exact as G V when the wires are ideal
        for (int i = 0, at = 0; i < rows; i++) {
            double rowSum = 0;
            for (int j = 0; j < cols; j++, at++) {
                double current = g[at] * (a[at] - b[at]);
                rowSum += current;
                if (colCurrents != null) colCurrents[j] += current;
            }
            if (rowCurrents != null) rowCurrents[i] = rowSum;
        }
        return settled;
    }

    /** The row wire's node voltages of the last solve (rows x cols, a copy). */
    public double[] rowNodes() {
        return a.clone();
    }

    /** The column wire's node voltages of the last solve (rows x cols, a copy). */
    public double[] columnNodes() {
        return b.clone();
    }

    private boolean nodeVoltages(double[] vr, double[] vc) {
        boolean rowIdeal = gr == Double.POSITIVE_INFINITY, colIdeal = gc == Double.POSITIVE_INFINITY;
        lastIterations = 0;
        if (rowIdeal) {
            for (int i = 0, at = 0; i < rows; i++) for (int j = 0; j < cols; j++, at++) a[at] = vr[i];
            if (colIdeal) {
                for (int i = 0, at = 0; i < rows; i++) for (int j = 0; j < cols; j++, at++) b[at] = vc[j];
            } else {
                columnRightHandSide(a, vc, b);
                columnSolve(b);
            }
            return true;
        }
        if (colIdeal) {
            for (int i = 0, at = 0; i < rows; i++) for (int j = 0; j < cols; j++, at++) b[at] = vc[j];
            rowRightHandSide(b, vr, a);
            rowSolve(a);
            return true;
        }
        // a0 = A^-1 (gr Vr e_0): the rows' response to their drivers with the columns at 0 V
        java.util.Arrays.fill(t, 0);
        for (int i = 0; i < rows; i++) t[i * cols] = gr * vr[i];
        rowSolve(t);
        // rhs = D a0 + gc Vc e_last, into r (the residual of b = 0)
        for (int at = 0; at < n; at++) r[at] = g[at] * t[at];
        for (int j = 0, at = (rows - 1) * cols; j < cols; j++, at++) r[at] += gc * vc[j];
        System.arraycopy(t, 0, a, 0, n); // a0, kept until b is known
        double rhsNorm = Math.sqrt(dot(r, r));
        java.util.Arrays.fill(b, 0);
        if (rhsNorm == 0) {
            return true;
        }
        double rz = columnSolveOf(r, z);
        System.arraycopy(z, 0, p, 0, n);
        boolean settled = false;
        for (int it = 1; it <= maxIterations; it++) {
            double pq = schur(p, q);
            if (!(pq > 0)) break; // only when the residual is at rounding level already
            double alpha = rz / pq;
            double rr = 0;
            for (int at = 0; at < n; at++) {
                b[at] += alpha * p[at];
                r[at] -= alpha * q[at];
                rr += r[at] * r[at];
            }
            lastIterations = it;
            if (Math.sqrt(rr) <= TOLERANCE * rhsNorm) {
                settled = true;
                break;
            }
            double rzNext = columnSolveOf(r, z);
            double beta = rzNext / rz;
            rz = rzNext;
            for (int at = 0; at < n; at++) p[at] = z[at] + beta * p[at];
        }
        if (!settled) {
            // recompute the true residual: a rounding-level recursive one can stall just above the tolerance
            schur(b, q);
            double rr = 0;
            for (int at = 0; at < n; at++) {
                double e = g[at] * a[at] + (at >= (rows - 1) * cols ? gc * vc[at - (rows - 1) * cols] : 0) - q[at];
                rr += e * e;
            }
            settled = Math.sqrt(rr) <= 1e3 * TOLERANCE * rhsNorm;
        }
        // a = a0 + A^-1 D b
        rowSolveOf(b, t);
        for (int at = 0; at < n; at++) a[at] += t[at];
        return settled;
    }

    /** out = S x = B x - D A^-1 D x; returns x . out. The passes are fused: each array is streamed as few times as the recurrences allow. */
    private double schur(double[] x, double[] out) {
        rowSolveOf(x, t);
        // B x: each column node's own conductances, minus its neighbours above and below
        double dot = 0;
        for (int i = 0, at = 0; i < rows; i++) {
            double edge = i == 0 ? gc : 2 * gc;
            boolean above = i > 0, below = i < rows - 1;
            for (int j = 0; j < cols; j++, at++) {
                double v = (g[at] + edge) * x[at] - g[at] * t[at];
                if (above) v -= gc * x[at - cols];
                if (below) v -= gc * x[at + cols];
                out[at] = v;
                dot += x[at] * v;
            }
        }
        return dot;
    }

    /** out = A^-1 (D x): {@link #rowSolve} of g x, the product taken in the forward sweep. */
    private void rowSolveOf(double[] x, double[] out) {
        for (int i0 = 0; i0 < rows; i0 += ROW_BLOCK) {
            int start = i0 * cols, end = Math.min(rows, i0 + ROW_BLOCK) * cols;
            for (int at = start; at < end; at += cols) out[at] = g[at] * x[at];
            for (int j = 1; j < cols; j++) {
                for (int at = start + j; at < end; at += cols) out[at] = g[at] * x[at] + rowLower[at] * out[at - 1];
            }
            for (int at = start + cols - 1; at < end; at += cols) out[at] *= rowInv[at];
            for (int j = cols - 2; j >= 0; j--) {
                for (int at = start + j; at < end; at += cols) out[at] = (out[at] + gr * out[at + 1]) * rowInv[at];
            }
        }
    }

    /** out = B^-1 x ({@link #columnSolve} from a copy of x, the copy taken in the forward sweep); returns x . out. */
    private double columnSolveOf(double[] x, double[] out) {
        System.arraycopy(x, 0, out, 0, cols);
        for (int i = 1; i < rows; i++) {
            for (int j = 0, at = i * cols; j < cols; j++, at++) out[at] = x[at] + colLower[at] * out[at - cols];
        }
        double dot = 0;
        for (int j = 0, at = (rows - 1) * cols; j < cols; j++, at++) {
            out[at] *= colInv[at];
            dot += x[at] * out[at];
        }
        for (int i = rows - 2; i >= 0; i--) {
            for (int j = 0, at = i * cols; j < cols; j++, at++) {
                out[at] = (out[at] + gc * out[at + cols]) * colInv[at];
                dot += x[at] * out[at];
            }
        }
        return dot;
    }

    /** rhs of the row lines for column voltages {@code bNodes}: D b + gr Vr e_0. */
    private void rowRightHandSide(double[] bNodes, double[] vr, double[] out) {
        for (int at = 0; at < n; at++) out[at] = g[at] * bNodes[at];
        for (int i = 0; i < rows; i++) out[i * cols] += gr * vr[i];
    }

    /** rhs of the column lines for row voltages {@code aNodes}: D a + gc Vc e_last. */
    private void columnRightHandSide(double[] aNodes, double[] vc, double[] out) {
        for (int at = 0; at < n; at++) out[at] = g[at] * aNodes[at];
        for (int j = 0, at = (rows - 1) * cols; j < cols; j++, at++) out[at] += gc * vc[j];
    }

    /** Rows whose Thomas chains advance together: independent chains the CPU overlaps, each on its own cache line stream. */
    private static final int ROW_BLOCK = 8;

    /**
     * x = A^-1 x, every row line at once (Thomas: forward elimination, back substitution). A block
     * of rows advances together, cell by cell, so that no row's chain of dependent steps stalls the
     * loop while each row still streams through memory in order.
     */
    private void rowSolve(double[] x) {
        for (int i0 = 0; i0 < rows; i0 += ROW_BLOCK) {
            int start = i0 * cols, end = Math.min(rows, i0 + ROW_BLOCK) * cols;
            for (int j = 1; j < cols; j++) {
                for (int at = start + j; at < end; at += cols) x[at] += rowLower[at] * x[at - 1];
            }
            for (int at = start + cols - 1; at < end; at += cols) x[at] *= rowInv[at];
            for (int j = cols - 2; j >= 0; j--) {
                for (int at = start + j; at < end; at += cols) x[at] = (x[at] + gr * x[at + 1]) * rowInv[at];
            }
        }
    }

    /** x = B^-1 x, every column line at once, all columns side by side. */
    private void columnSolve(double[] x) {
        for (int i = 1; i < rows; i++) {
            for (int j = 0, at = i * cols; j < cols; j++, at++) x[at] += colLower[at] * x[at - cols];
        }
        for (int j = 0, at = (rows - 1) * cols; j < cols; j++, at++) x[at] *= colInv[at];
        for (int i = rows - 2; i >= 0; i--) {
            for (int j = 0, at = i * cols; j < cols; j++, at++) x[at] = (x[at] + gc * x[at + cols]) * colInv[at];
        }
    }

    private double dot(double[] x, double[] y) {
        double s = 0;
        for (int at = 0; at < n; at++) s += x[at] * y[at];
        return s;
    }
}
