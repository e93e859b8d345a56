package epsim.chip;

import epsim.device.Converters;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chip's parts work together: programming reaches the integrator, persistence restores every bit. */
class ChipPartsTest {
    private static final Topology NET = new Topology(6, 5, 3);

    private static double[] inputs(int batch) {
        double[] x = new double[batch * NET.inputSize()];
        for (int i = 0; i < x.length; i++) x[i] = (i * 37 % 11) / 10.0;
        return x;
    }

    private static double[] settle(Chip chip) {
        chip.setInputs(inputs(2), 2);
        return settleAgain(chip);
    }

    /** Settles the inputs already applied (the chip's cached input drive is not refreshed by new inputs). */
    private static double[] settleAgain(Chip chip) {
        chip.resetState();
        chip.relax(2000, 1e-13);
        return chip.read(NET.weightLayers());
    }

    /**
     * After programming, the neurons see the new weights (the cached input drive W_1 x + b_1 is
     * recomputed): the programmed ideal chip settles where a chip built with its weights does.
     * Tolerance 1e-12: the two chips hold the same weights up to the rounding of (G+ - G-) / gRef.
     */
    @Test
    void programmedWeightsReachTheNeurons() {
        HardwareModel ideal = ModelLoader.load("ideal", List.of("neuron.transfer=sigmoid"));
        AnalogChip chip = AnalogChip.fabricate(ideal, NET, 5);
        double[] before = settle(chip);
        LayerParams delta = new LayerParams(NET);
        for (int k = 0; k < delta.layers(); k++) java.util.Arrays.fill(delta.w[k], 0.3);
        chip.program(delta);
        double[] after = settleAgain(chip);
        double[] rebuilt = settle(AnalogChip.withWeights(ideal, chip.readWeights(), 5));
        assertArrayEquals(rebuilt, after, 1e-12);
        double moved = 0;
        for (int i = 0; i < after.length; i++) moved = Math.max(moved, Math.abs(after[i] - before[i]));
        assertTrue(moved > 1e-3, "programming changed the outputs by " + moved);
    }

    /** A restored chip continues with the same bits as the one it was saved from: devices, noise, writes, time. */
    @Test
    void persistedStateRestoresEveryBit() {
        HardwareModel noisy = ModelLoader.load("default", List.of());
        AnalogChip a = AnalogChip.fabricate(noisy, NET, 9);
        LayerParams delta = new LayerParams(NET);
        for (int k = 0; k < delta.layers(); k++) java.util.Arrays.fill(delta.b[k], 0.05);
        settle(a);
        a.program(delta);
        PersistedChip saved = a.persist();
        AnalogChip b = AnalogChip.fabricate(noisy, NET, 9);
        b.restore(saved);
        assertEquals(a.time(), b.time(), 0.0);
        a.program(delta);
        b.program(delta);
        assertArrayEquals(settle(a), settle(b), 0.0);
        assertArrayEquals(a.readWeights().flatten(), b.readWeights().flatten(), 0.0);
    }

    /** An ADC of b bits reports at most 2^b values, all inside its range, and clips what is outside. */
    @Test
    void convertersQuantizeAndClip() {
        HardwareModel m = ModelLoader.load("default", List.of("periphery.adcBits=3", "periphery.adcMin=0", "periphery.adcMax=1"));
        Converters io = new Converters(m.periphery());
        Set<Double> levels = new HashSet<>();
        for (int i = -100; i <= 200; i++) {
            double v = io.adc(i / 100.0);
            assertTrue(v >= 0 && v <= 1, "in range: " + v);
            levels.add(v);
        }
        assertEquals(8, levels.size());
        assertEquals(1.0, io.adc(5), 0.0);
        assertEquals(0.0, io.adc(-5), 0.0);
        assertEquals(3 / 7.0, io.adc(0.43), 1e-15); // nearest of the levels k/7
    }
}
