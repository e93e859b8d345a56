package epsim.math;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import epsim.common.UserError;

/**
 * The hot loops: dense products over flat row-major arrays and whole batches.
 *
 * <p>Two backends compute them. {@code native} hands each product to OpenBLAS through netlib's
 * JNI binding (the arrays pinned, no copies): register-blocked and vectorised, 9-15x the plain
 * loops on the shapes of 784-500-10 (docs/performance.md). The library is the one Maven ships with
 * epsim ({@link BundledBlas}, linux-x86_64), so every machine runs the same build; elsewhere, or
 * with {@code EPSIM_KERNELS=system}, it is the system's libblas.so.3. {@code java} is the plain
 * loops, the fallback where neither loads and the reference the tests hold the native backend to.
 * The backend is chosen once per process: {@code EPSIM_KERNELS=native|system|java}, or unset for
 * native when it loads and java otherwise.
 *
 * <p>The two backends differ only in rounding (the order of each sum), so results are
 * bit-reproducible for a given seed, backend and CPU, not across backends or CPUs.
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
    /** The native library netlib loaded ("bundled OpenBLAS 0.3.31" or "system libblas.so.3"), or null before; netlib loads one per process. */
    private static String nativeLibrary;
    private static final String LIBRARY_PATH_PROPERTY = "dev.ludovic.netlib.blas.nativeLibPath";

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
     * A description for logs and run.json, e.g. "native (bundled OpenBLAS 0.3.31 via netlib JNI,
     * OPENBLAS_NUM_THREADS=1)". The native backend's bits depend on the library and on its thread
     * count (it splits a product in an order that depends on it), so the description says both;
     * the launcher sets one thread.
     */
    public static String describe() {
        if (backend() == Backend.JAVA) return "java (plain loops)";
        String threads = System.getenv("OPENBLAS_NUM_THREADS");
        return "native (" + nativeLibrary + " via netlib JNI, " + (threads == null || threads.isBlank()
                ? "OPENBLAS_NUM_THREADS unset: its bits depend on the core count)" : "OPENBLAS_NUM_THREADS=" + threads + ")");
    }

    /**
     * Chooses the backend: "native" (the bundled OpenBLAS, else the system's), "system" (the
     * system's libblas.so.3), "java", or null/"" for native when it loads. A named backend that
     * cannot be used is a user error, and so is asking for the system's library once the bundled one is loaded.
     */
    public static synchronized void select(String name) {
        if (name == null || name.isBlank()) {
            BLAS loaded = loadNative(false);
            blas = loaded;
            active = loaded != null ? Backend.NATIVE : Backend.JAVA;
        } else if (name.equals("java")) {
            active = Backend.JAVA;
        } else if (name.equals("native") || name.equals("system")) {
            boolean system = name.equals("system");
            BLAS loaded = loadNative(system);
            if (loaded == null) {
                throw new UserError("EPSIM_KERNELS=" + name + ": no " + (system ? "system " : "") + "BLAS could be loaded"
                        + (system ? " (libblas.so.3; Debian: apt-get install -y libopenblas0)" : ""));
            }
            if (system && !nativeLibrary.startsWith("system")) {
                throw new UserError("EPSIM_KERNELS=" + name + ": this process has already loaded the " + nativeLibrary + "; one native library per process");
            }
            blas = loaded;
            active = Backend.NATIVE;
        } else {
            throw new UserError("EPSIM_KERNELS: expected native, system or java, got '" + name + "'");
        }
    }

    /** Whether the native backend can be loaded on this machine. */
    public static boolean nativeAvailable() {
        return loadNative(false) != null;
    }

    /** The native library this process has loaded or will load first (see {@link #describe}), or null when none loads. */
    public static synchronized String nativeLibrary() {
        return loadNative(false) == null ? null : nativeLibrary;
    }

    /**
     * netlib's instance over the bundled OpenBLAS (unless {@code systemOnly} or this platform has
     * none) or the system's libblas.so.3; null when neither loads. netlib loads its library once
     * per process, so the first call decides; later calls return that instance.
     */
    private static synchronized BLAS loadNative(boolean systemOnly) {
        if (nativeLibrary != null) return nativeLibrary.isEmpty() ? null : NativeBLAS.getInstance();
        String chosen = "system libblas.so.3";
        if (!systemOnly && System.getProperty(LIBRARY_PATH_PROPERTY) == null) {
            java.nio.file.Path bundled = BundledBlas.library();
            if (bundled != null) {
                System.setProperty(LIBRARY_PATH_PROPERTY, bundled.toString());
                chosen = "bundled OpenBLAS " + BundledBlas.VERSION;
            }
        } else if (System.getProperty(LIBRARY_PATH_PROPERTY) != null) {
            chosen = System.getProperty(LIBRARY_PATH_PROPERTY);
        }
        try {
            BLAS b = NativeBLAS.getInstance();
            nativeLibrary = chosen;
            return b;
        } catch (Throwable e) { // no library, or a platform without netlib's JNI library
            nativeLibrary = "";
            return null;
        } finally {
            BundledBlas.releaseTemporary();
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
