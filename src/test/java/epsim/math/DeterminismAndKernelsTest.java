package epsim.math;

import epsim.chip.AnalogChip;
import epsim.common.Rng;
import epsim.data.SyntheticBatch;
import epsim.math.Kernels;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.rule.EquilibriumPropagation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeterminismAndKernelsTest {
    static LayerParams trainTwice(long seed) {
        HardwareModel m = ModelLoader.load("default", List.of());
        Topology t = new Topology(20, 12, 5);
        AnalogChip chip = AnalogChip.fabricate(m, t, seed);
        EquilibriumPropagation ep = new EquilibriumPropagation(epsim.rule.RuleSettings.of(
                epsim.rule.Rule.EP, 0.5, EquilibriumPropagation.Nudging.RANDOM_SIGN, 30, 10, 1e-6, 2, new double[] {0.1, 0.05}), seed);
        for (int i = 0; i < 3; i++) {
            SyntheticBatch b = SyntheticBatch.draw(t, 4, seed + i);
            ep.train(chip, b.inputs(), b.targets(), 4);
        }
        return chip.readWeights();
    }

    @Test
    void sameSeedSameBits() {
        LayerParams a = trainTwice(5), b = trainTwice(5), c = trainTwice(6);
        assertArrayEquals(a.flatten(), b.flatten(), 0.0);
        assertFalse(java.util.Arrays.equals(a.flatten(), c.flatten()), "another seed, another chip");
    }

    @Test
    void kernelsMatchNaiveProducts() {
        Rng r = Rng.stream(1, "k");
        int rows = 7, inner = 13, cols = 9;
        double[] a = new double[rows * inner], m = new double[inner * cols], c = new double[rows * cols];
        for (int i = 0; i < a.length; i++) a[i] = i % 5 == 0 ? 0 : r.nextGaussian();
        for (int i = 0; i < m.length; i++) m[i] = r.nextGaussian();
        for (Kernels.Backend backend : backends()) {
            Kernels.select(backend.label);
            java.util.Arrays.fill(c, 0);
            Kernels.multiplyAccumulate(a, rows, inner, m, cols, c);
            // 13 products of unit Gaussians: sums of size ~4, so 1e-12 is ~1000 ulps of slack
            // for the different summation orders of the backends, far below any real error
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double s = 0;
                    for (int k = 0; k < inner; k++) s += a[i * inner + k] * m[k * cols + j];
                    assertEquals(s, c[i * cols + j], 1e-12, backend.label);
                }
            }
            double[] w = new double[cols * inner], cw = new double[rows * cols];
            for (int i = 0; i < w.length; i++) w[i] = m[(i % inner) * cols + i / inner]; // w = m^T
            Kernels.multiplyTransposedAccumulate(a, rows, inner, w, cols, cw);
            assertArrayEquals(c, cw, 1e-12, backend.label + ": a w^T with w = m^T is a m");
            double[] b = new double[rows * cols], out = new double[inner * cols];
            for (int i = 0; i < b.length; i++) b[i] = r.nextGaussian();
            Kernels.transposeMultiplyAccumulate(0.5, a, rows, inner, b, cols, out);
            for (int i = 0; i < inner; i++) {
                for (int j = 0; j < cols; j++) {
                    double s = 0;
                    for (int k = 0; k < rows; k++) s += a[k * inner + i] * b[k * cols + j];
                    assertEquals(0.5 * s, out[i * cols + j], 1e-12, backend.label);
                }
            }
        }
        Kernels.select(null);
    }

    @Test
    void unknownBackendIsAUserError() {
        epsim.common.UserError e = org.junit.jupiter.api.Assertions.assertThrows(epsim.common.UserError.class, () -> Kernels.select("gpu"));
        assertTrue(e.getMessage().contains("EPSIM_KERNELS"), e.getMessage());
        Kernels.select(null);
    }

    /**
     * On Linux x86_64 the native backend loads the OpenBLAS Maven ships, with or without a system
     * BLAS, so a fresh machine runs the same library as every other (docs/performance.md).
     */
    @Test
    void nativeBackendIsTheBundledOpenBlasOnLinuxX86() {
        org.junit.jupiter.api.Assumptions.assumeTrue(BundledBlas.platformSupported(), "no bundled OpenBLAS for this platform");
        assertTrue(Kernels.nativeAvailable(), "the bundled OpenBLAS did not load");
        assertEquals("bundled OpenBLAS " + BundledBlas.VERSION, Kernels.nativeLibrary());
        Kernels.select(null);
        assertTrue(Kernels.describe().startsWith("native (bundled OpenBLAS "), Kernels.describe());
        epsim.common.UserError e = org.junit.jupiter.api.Assertions.assertThrows(epsim.common.UserError.class, () -> Kernels.select("system"));
        assertTrue(e.getMessage().contains("one native library per process"), e.getMessage());
        Kernels.select(null);
    }

    /**
     * The optimised kernels give the plain loops' results on a real training run: 784-100-10 EP on
     * the default model (noise, quantization, pulses) for 5 batches. The noise draws are the
     * same; only the order of each sum differs, by ulps. Those can flip a rounding decision (an
     * ADC level or a pulse, after which the two runs' pulses part ways), so the check is on the
     * weights: fewer than 1% of the 79,510 differ by more than 1e-9 (67 on the reference
     * machine), and the mean difference is below a tenth of a device step (1.4e-5 there against
     * 1.6e-3). A wrong product would change nearly every weight.
     */
    @Test
    void nativeKernelsTrainLikeThePlainOnes() {
        if (!Kernels.nativeAvailable()) return;
        double[] plain = trainWith("java"), fast = trainWith("native");
        int differ = 0;
        double sum = 0;
        for (int i = 0; i < plain.length; i++) {
            double d = Math.abs(plain[i] - fast[i]);
            if (d > 1e-9) differ++;
            sum += d;
        }
        double step = 10.0 / 127 / 5.0; // the default device's step in weight units: (gMax - gMin) / (levels - 1) / gRef
        assertTrue(differ < plain.length / 100, differ + " of " + plain.length + " weights differ");
        assertTrue(sum / plain.length < 0.1 * step, "mean difference " + sum / plain.length);
        Kernels.select(null);
    }

    private static double[] trainWith(String backend) {
        Kernels.select(backend);
        HardwareModel m = ModelLoader.load("default", List.of());
        Topology t = new Topology(784, 100, 10);
        AnalogChip chip = AnalogChip.fabricate(m, t, 3);
        EquilibriumPropagation ep = new EquilibriumPropagation(epsim.rule.RuleSettings.of(
                epsim.rule.Rule.EP, 1.0, EquilibriumPropagation.Nudging.SYMMETRIC, 20, 4, 0, 1, new double[] {0.1, 0.05}), 3);
        for (int i = 0; i < 5; i++) {
            SyntheticBatch b = SyntheticBatch.draw(t, 20, 10 + i);
            ep.train(chip, b.inputs(), b.targets(), 20);
        }
        return chip.readWeights().flatten();
    }

    private static List<Kernels.Backend> backends() {
        return Kernels.nativeAvailable() ? List.of(Kernels.Backend.JAVA, Kernels.Backend.NATIVE) : List.of(Kernels.Backend.JAVA);
    }
}
