package epsim.device;

import epsim.common.Rng;
import epsim.model.HardwareModel;

import java.util.Arrays;

/**
 * The array's own update (Gokmen &amp; Vlasov 2016; IBM aihwkit's pulsed update): for a rank-one
 * term scale d x^T every row i (a neuron of the layer above, value d_i) and every column j (an
 * input, value x_j; the bias column at x = 1) fires a train of {@code BL} slots, slot by slot
 * with probability p_i = A|d_i| and q_j = B|x_j| (clipped at 1). Where a row and a column fire
 * in the same slot the cross-point gets one pulse, up if sign(scale d_i x_j) > 0, on G+ and the
 * opposite on G-, with every effect of the device model. The expected number of coincidences is
 * BL p_i q_j = |scale d_i x_j| / dwMin, dwMin = 2 s / gRef the weight change of one pulse on
 * each device of a pair, so the expected change is the requested one (before the device's own
 * nonlinearity and bounds).
 *
 * <pre>
 *   fixed trains:   BL = bitLength,  A = B = sqrt(lr / (dwMin BL))                       lr = |scale|
 *   blManagement:   k = lr x_max d_max / dwMin,  BL = min(bitLength, ceil k),  A = B = sqrt(lr / (dwMin BL))
 *   management:     A *= sqrt(x_max / d'),  B *= sqrt(d' / x_max),  d' = d_max (times bitLength / k when k > bitLength)
 * </pre>
 * (aihwkit's calculateBlAB and performUpdateManagement; blManagement turns management on). With
 * management the largest row and column probabilities are equal, sqrt(k / BL); the cap on d'
 * keeps the columns' probabilities below 1 and lets the rows clip instead.
 */
public final class OuterProductUpdate {
    private final HardwareModel.Update p;
    private final double dwMin;

    public OuterProductUpdate(HardwareModel.Update p, HardwareModel.Device device) {
        this.p = p;
        this.dwMin = 2 * device.step() / device.gRef();
    }

    /** The trains' length and the two probability scales of one term, after management. */
    record Trains(int bl, double a, double b) {}

    Trains trains(double lr, double xMax, double dMax) {
        if (!(lr > 0) || xMax == 0 || dMax == 0) return new Trains(0, 0, 0);
        int bl = p.bitLength();
        double k = lr * xMax * dMax / dwMin;
        if (p.blManagement()) bl = (int) Math.max(1, Math.min(bl, Math.ceil(k)));
        double a = Math.sqrt(lr / (dwMin * bl)), b = a;
        if (p.management() || p.blManagement()) {
            double d = k > bl ? dMax * bl / k : dMax;
            a *= Math.sqrt(xMax / d);
            b *= Math.sqrt(d / xMax);
        }
        return new Trains(bl, a, b);
    }

    /**
     * Applies scale sum_t d_t x_t^T to {@code weights} (rows x cols, row-major) and scale biasValue
     * sum_t d_t to {@code bias} (one device pair per row, its column driven at biasValue), term after term. {@code d} is terms x rows, {@code x}
     * terms x cols. Returns the pulse slots the trains took (the array fires all its rows and
     * columns at once, so a term takes its BL slots).
     */
    public long apply(ConductanceArray weights, ConductanceArray bias, double[] d, double[] x, double biasValue, int terms, int rows,
                      int cols, double scale, double now, Rng rng) {
        return apply(weights, bias, null, d, x, biasValue, terms, rows, cols, scale, now, rng);
    }

    /**
     * {@link #apply} whose trains also reach {@code copy} ({weights, bias} of a second array holding
     * the same weights on the same row and column lines; null: none): every coincidence pulses the
     * device of both, each responding with its own steps and write noise.
     */
    public long apply(ConductanceArray weights, ConductanceArray bias, ConductanceArray[] copy, double[] d, double[] x, double biasValue, int terms,
                      int rows, int cols, double scale, double now, Rng rng) {
        double lr = Math.abs(scale);
        long slots = 0;
        double[] pRow = new double[rows], qCol = new double[cols + 1];
        for (int t = 0; t < terms; t++) {
            double xMax = Math.abs(biasValue), dMax = 0; // the bias column is one more column, driven at biasValue
            for (int j = 0; j < cols; j++) xMax = Math.max(xMax, Math.abs(x[t * cols + j]));
            for (int i = 0; i < rows; i++) dMax = Math.max(dMax, Math.abs(d[t * rows + i]));
            Trains tr = trains(lr, xMax, dMax);
            if (tr.bl() == 0) continue;
            for (int i = 0; i < rows; i++) pRow[i] = Math.min(1, tr.a() * Math.abs(d[t * rows + i]));
            for (int j = 0; j < cols; j++) qCol[j] = Math.min(1, tr.b() * Math.abs(x[t * cols + j]));
            qCol[cols] = Math.min(1, tr.b() * Math.abs(biasValue));
            int rowOffset = t * rows, colOffset = t * cols;
            if (p.pulseType() == HardwareModel.PulseType.DETERMINISTIC) {
                for (int i = 0; i < rows; i++) {
                    epsim.common.WorkLimit.check("update_outer_product");
                    if (pRow[i] == 0) continue;
                    for (int j = 0; j <= cols; j++) {
                        long n = Math.round(tr.bl() * pRow[i] * qCol[j]);
                        if (n == 0) continue;
                        boolean up = sign(scale, d[rowOffset + i], j == cols ? biasValue : x[colOffset + j]);
                        pulse(weights, bias, i, j, cols, up, n, now, rng);
                        if (copy != null) pulse(copy[0], copy[1], i, j, cols, up, n, now, rng);
                    }
                }
            } else {
                int[][] rowsFired = fired(pRow, rows, tr.bl(), rng), colsFired = fired(qCol, cols + 1, tr.bl(), rng);
                int[] rowCount = rowsFired[tr.bl()], colCount = colsFired[tr.bl()];
                for (int slot = 0; slot < tr.bl(); slot++) {
                    epsim.common.WorkLimit.check("update_outer_product");
                    for (int a = 0; a < rowCount[slot]; a++) {
                        int i = rowsFired[slot][a];
                        for (int c = 0; c < colCount[slot]; c++) {
                            int j = colsFired[slot][c];
                            boolean up = sign(scale, d[rowOffset + i], j == cols ? biasValue : x[colOffset + j]);
                            pulse(weights, bias, i, j, cols, up, 1, now, rng);
                            if (copy != null) pulse(copy[0], copy[1], i, j, cols, up, 1, now, rng);
                        }
                    }
                }
            }
            slots += tr.bl();
        }
        return slots;
    }

    private static boolean sign(double scale, double di, double xj) {
        return (scale > 0) == ((di > 0) == (xj > 0));
    }

    private static void pulse(ConductanceArray weights, ConductanceArray bias, int i, int j, int cols, boolean up, long n, double now, Rng rng) {
        ConductanceArray array = j == cols ? bias : weights;
        int index = j == cols ? i : i * cols + j;
        array.plus().pulseAt(index, up, n, now, rng);
        array.minus().pulseAt(index, !up, n, now, rng);
    }

    /**
     * Which lines fire in each slot: line l fires each of the {@code bl} slots independently with
     * probability prob[l]. Drawn line by line by geometric skipping (the gap to the next fire of a
     * Bernoulli(p) train is floor(ln U / ln(1 - p))), so a line costs one draw per fire plus one,
     * not one per slot. Returns per slot the lines that fired, and (at index bl) the counts.
     */
    private static int[][] fired(double[] prob, int lines, int bl, Rng rng) {
        int[][] bySlot = new int[bl + 1][];
        int[] count = new int[bl];
        bySlot[bl] = count;
        for (int s = 0; s < bl; s++) bySlot[s] = new int[4];
        for (int l = 0; l < lines; l++) {
            double p = prob[l];
            if (p <= 0) continue;
            double logMiss = p >= 1 ? 0 : Math.log1p(-p);
            for (int s = p >= 1 ? 0 : skip(rng, logMiss); s < bl; s += 1 + (p >= 1 ? 0 : skip(rng, logMiss))) {
                if (count[s] == bySlot[s].length) bySlot[s] = Arrays.copyOf(bySlot[s], 2 * count[s]);
                bySlot[s][count[s]++] = l;
            }
        }
        return bySlot;
    }

    /** Slots without a fire before the next one: geometric with success probability 1 - exp(logMiss). */
    private static int skip(Rng rng, double logMiss) {
        double gap = Math.floor(Math.log(1 - rng.nextDouble()) / logMiss);
        return gap > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE / 2 : (int) gap;
    }
}
