package epsim;

import epsim.chip.AnalogChip;
import epsim.chip.Kernels;
import epsim.chip.LayerParams;
import epsim.chip.Topology;
import epsim.common.Rng;
import epsim.data.SyntheticBatch;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.rule.EquilibriumPropagation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class DeterminismAndKernelsTest {
    static LayerParams trainTwice(long seed) {
        HardwareModel m = ModelLoader.load("default", List.of());
        Topology t = new Topology(20, 12, 5);
        AnalogChip chip = AnalogChip.fabricate(m, t, seed);
        EquilibriumPropagation ep = new EquilibriumPropagation(new epsim.rule.RuleSettings(
                "ep", 0.5, EquilibriumPropagation.Nudging.RANDOM_SIGN, 30, 10, 1e-6, 2, new double[] {0.1, 0.05}), seed);
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
        Kernels.multiplyAccumulate(a, rows, inner, m, cols, c);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int k = 0; k < inner; k++) s += a[i * inner + k] * m[k * cols + j];
                assertEquals(s, c[i * cols + j], 1e-12);
            }
        }
        double[] b = new double[rows * cols], out = new double[inner * cols];
        for (int i = 0; i < b.length; i++) b[i] = r.nextGaussian();
        Kernels.transposeMultiplyAccumulate(0.5, a, rows, inner, b, cols, out);
        for (int i = 0; i < inner; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int k = 0; k < rows; k++) s += a[k * inner + i] * b[k * cols + j];
                assertEquals(0.5 * s, out[i * cols + j], 1e-12);
            }
        }
    }
}
