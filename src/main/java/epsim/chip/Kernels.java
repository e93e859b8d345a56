package epsim.chip;

/**
 * The hot loops, over flat row-major arrays and whole batches. Every inner loop is a unit-
 * stride axpy, the form HotSpot's C2 vectorises; the layouts are chosen so no loop strides.
 */
public final class Kernels {
    private Kernels() {}

    /**
     * {@code c (rows x cols) += a (rows x inner) * m (inner x cols)}. Row {@code k} of {@code m}
     * is loaded once and reused for every row of the batch while it sits in L1.
     */
    public static void multiplyAccumulate(double[] a, int rows, int inner, double[] m, int cols, double[] c) {
        multiplyAccumulateScaled(1.0, a, rows, inner, m, cols, c);
    }

    /** {@code c += scale * a * m}, shapes as {@link #multiplyAccumulate} (scale 1 gives the same bits). */
    public static void multiplyAccumulateScaled(double scale, double[] a, int rows, int inner, double[] m, int cols, double[] c) {
        for (int k = 0; k < inner; k++) {
            int mOff = k * cols;
            for (int r = 0; r < rows; r++) {
                double s = scale * a[r * inner + k];
                if (s == 0) continue; // clipped neurons are common: skip their zero rows
                int cOff = r * cols;
                for (int j = 0; j < cols; j++) c[cOff + j] += s * m[mOff + j];
            }
        }
    }

    /**
     * {@code c (inner x cols) += scale * a^T * m}, where {@code a} is {@code rows x inner} and
     * {@code m} is {@code rows x cols}: the batch sum of outer products (Hebbian terms).
     */
    public static void transposeMultiplyAccumulate(double scale, double[] a, int rows, int inner,
                                                   double[] m, int cols, double[] c) {
        for (int r = 0; r < rows; r++) {
            int mOff = r * cols;
            for (int i = 0; i < inner; i++) {
                double s = scale * a[r * inner + i];
                if (s == 0) continue;
                int cOff = i * cols;
                for (int j = 0; j < cols; j++) c[cOff + j] += s * m[mOff + j];
            }
        }
    }

    /** {@code out (cols x rows) = transpose of in (rows x cols)}. */
    public static void transpose(double[] in, int rows, int cols, double[] out) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) out[c * rows + r] = in[r * cols + c];
        }
    }

    /** {@code y += a * x} */
    public static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] += a * x[i];
    }

    public static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) s += x[i] * y[i];
        return s;
    }
}
