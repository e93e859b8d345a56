package epsim.math;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import epsim.common.UserError;

/**
 * The hot loops: dense products over flat row-major arrays and whole batches.
 *
 * <p>Two backends compute them. {@code native} hands each product to the system BLAS
 * (libblas.so.3; on Debian, OpenBLAS from the package libopenblas0) through netlib's JNI
 * binding: register-blocked, vectorised and on both cores, 9-15x the plain loops on the shapes of
 * 784-500-10 (docs/performance.md). {@code java} is the plain loops, the fallback where no
 * system BLAS is installed and the reference the tests hold the native backend to. The backend is
 * chosen once per process: {@code EPSIM_KERNELS=native|java}, or unset for native when it loads
 * and java otherwise.
 *
 * <p>The two differ only in rounding (the order of each sum), so results are bit-reproducible
 * for a given seed, backend and machine, not across backends or CPUs.
 */
public final class Kernels {
    private Kernels() {}

    public enum Backend {
        NATIVE("native"), JAVA("java");

        public final String label;

        Backend(String label) {
            this.label = label;
        }
    }

    // netlib logs a warning for each pure-Java fallback it cannot load (its Vector API one needs
    // an incubator module); epsim reports the backend it uses itself. Held so it is not collected.
    private static final java.util.logging.Logger NETLIB_LOG = java.util.logging.Logger.getLogger("dev.ludovic.netlib.blas.InstanceBuilder");

    static {
        NETLIB_LOG.setLevel(java.util.logging.Level.OFF);
    }

    private static volatile Backend active;
    private static volatile BLAS blas;

    /** The backend in use, resolved from EPSIM_KERNELS on first call. */
    public static Backend backend() {
        Backend b = active;
        if (b == null) {
            synchronized (Kernels.class) {
                if (active == null) select(System.getenv("EPSIM_KERNELS"));
                b = active;
            }
        }
        return b;
    }

    /**
     * A description for logs and run.json, e.g. "native (system BLAS via netlib JNI, 1 thread)". The
     * native backend's bits depend on the BLAS's thread count (it splits a product in an order that
     * depends on it), so the description says it; the launcher sets one thread.
     */
    public static String describe() {
        if (backend() == Backend.JAVA) return "java (plain loops)";
        String threads = System.getenv("OPENBLAS_NUM_THREADS");
        return "native (system BLAS via netlib JNI, " + (threads == null || threads.isBlank()
                ? "OPENBLAS_NUM_THREADS unset: its bits depend on the core count)" : "OPENBLAS_NUM_THREADS=" + threads + ")");
    }

    /**
     * Chooses the backend: "native", "java", or null/"" for native when available. A named
     * backend that cannot be used is a user error.
     */
    public static synchronized void select(String name) {
        if (name == null || name.isBlank()) {
            BLAS loaded = loadNative();
            blas = loaded;
            active = loaded != null ? Backend.NATIVE : Backend.JAVA;
        } else if (name.equals("java")) {
            active = Backend.JAVA;
        } else if (name.equals("native")) {
            BLAS loaded = loadNative();
            if (loaded == null) {
                throw new UserError("EPSIM_KERNELS=native: no system BLAS could be loaded (libblas.so.3; Debian: apt-get install -y libopenblas0)");
            }
            blas = loaded;
            active = Backend.NATIVE;
        } else {
            throw new UserError("EPSIM_KERNELS: expected native or java, got '" + name + "'");
        }
    }

    /** Whether the native backend can be loaded on this machine. */
    public static boolean nativeAvailable() {
        return loadNative() != null;
    }

    private static BLAS loadNative() {
        try {
            return NativeBLAS.getInstance();
        } catch (Throwable e) { // no libblas.so.3, or a platform without the JNI library
            return null;
        }
    }

    private static boolean useNative() {
        return backend() == Backend.NATIVE;
    }

    /** {@code c (rows x cols) += a (rows x inner) * m (inner x cols)}. */
    public static void multiplyAccumulate(double[] a, int rows, int inner, double[] m, int cols, double[] c) {
        multiplyAccumulateScaled(1.0, a, rows, inner, m, cols, c);
    }

    /** {@code c += scale * a * m}, shapes as {@link #multiplyAccumulate}. */
    public static void multiplyAccumulateScaled(double scale, double[] a, int rows, int inner, double[] m, int cols, double[] c) {
        if (rows == 0 || inner == 0 || cols == 0) return;
        // column-major view: c^T (cols x rows) += scale m^T (cols x inner) a^T (inner x rows)
        if (useNative()) blas.dgemm("N", "N", cols, rows, inner, scale, m, cols, a, inner, 1.0, c, cols);
        else Java.multiplyAccumulateScaled(scale, a, rows, inner, m, cols, c);
    }

    /**
     * {@code c (rows x cols) += a (rows x inner) * w^T}, where {@code w} is {@code cols x inner}:
     * a crossbar's forward product W x for a batch of x, read straight from W's row-major layout.
     */
    public static void multiplyTransposedAccumulate(double[] a, int rows, int inner, double[] w, int cols, double[] c) {
        if (rows == 0 || inner == 0 || cols == 0) return;
        // column-major view: c^T (cols x rows) += w (cols x inner) a^T (inner x rows)
        if (useNative()) blas.dgemm("T", "N", cols, rows, inner, 1.0, w, inner, a, inner, 1.0, c, cols);
        else Java.multiplyTransposedAccumulate(a, rows, inner, w, cols, c);
    }

    /**
     * {@code c (inner x cols) += scale * a^T * m}, where {@code a} is {@code rows x inner} and
     * {@code m} is {@code rows x cols}: the batch sum of outer products (Hebbian terms).
     */
    public static void transposeMultiplyAccumulate(double scale, double[] a, int rows, int inner,
                                                   double[] m, int cols, double[] c) {
        if (rows == 0 || inner == 0 || cols == 0) return;
        // column-major view: c^T (cols x inner) += scale m^T (cols x rows) a (rows x inner)
        if (useNative()) blas.dgemm("N", "T", cols, inner, rows, scale, m, cols, a, inner, 1.0, c, cols);
        else Java.transposeMultiplyAccumulate(scale, a, rows, inner, m, cols, c);
    }

    /** {@code y += a * x} */
    public static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] += a * x[i];
    }

    /**
     * The plain loops. Every inner loop is a unit-stride axpy, the form HotSpot's C2 vectorises,
     * except the transposed product, whose rows are dot products. Rows of {@code a} that are zero
     * (clipped neurons) are skipped.
     */
    public static final class Java {
        private Java() {}

        public static void multiplyAccumulateScaled(double scale, double[] a, int rows, int inner, double[] m, int cols, double[] c) {
            for (int k = 0; k < inner; k++) {
                int mOff = k * cols;
                for (int r = 0; r < rows; r++) {
                    double s = scale * a[r * inner + k];
                    if (s == 0) continue;
                    int cOff = r * cols;
                    for (int j = 0; j < cols; j++) c[cOff + j] += s * m[mOff + j];
                }
            }
        }

        public static void multiplyTransposedAccumulate(double[] a, int rows, int inner, double[] w, int cols, double[] c) {
            for (int r = 0; r < rows; r++) {
                int aOff = r * inner;
                for (int i = 0; i < cols; i++) {
                    int wOff = i * inner;
                    // four partial sums: independent chains the CPU can overlap
                    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                    int k = 0;
                    for (; k + 3 < inner; k += 4) {
                        s0 += a[aOff + k] * w[wOff + k];
                        s1 += a[aOff + k + 1] * w[wOff + k + 1];
                        s2 += a[aOff + k + 2] * w[wOff + k + 2];
                        s3 += a[aOff + k + 3] * w[wOff + k + 3];
                    }
                    for (; k < inner; k++) s0 += a[aOff + k] * w[wOff + k];
                    c[r * cols + i] += (s0 + s1) + (s2 + s3);
                }
            }
        }

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
    }
}
