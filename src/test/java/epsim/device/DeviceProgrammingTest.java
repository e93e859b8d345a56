package epsim.device;

import epsim.common.Rng;
import epsim.device.ConductanceArray;
import epsim.device.PulsedDevices;
import epsim.model.HardwareModel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceProgrammingTest {
    static HardwareModel.Device device(int levels, double writeNoise) {
        return new HardwareModel.Device(new HardwareModel.Device.Conductance(0, 10, 5, levels), new HardwareModel.Device.LinearStep(0, 0, 0),
                new HardwareModel.Device.Variation(0, 0, 0), new HardwareModel.Device.Noise(writeNoise, 0), new HardwareModel.Device.Faults(0, 0),
                new HardwareModel.Device.Drift(0, 1));
    }

    @Test
    void stochasticRoundingIsUnbiasedAndQuantized() {
        HardwareModel.Device d = device(101, 0); // step 0.1 uS, weight step per device 0.02
        int n = 50_000;
        ConductanceArray a = new ConductanceArray(d, n, Rng.stream(1, "fab"));
        double[] before = new double[n];
        a.weights(before, 0);
        double[] dw = new double[n];
        java.util.Arrays.fill(dw, 0.013); // well below one step: only stochastic rounding can deliver it
        a.program(dw, 0, Rng.stream(1, "t"));
        double[] after = new double[n];
        a.weights(after, 0);
        double mean = 0;
        for (int i = 0; i < n; i++) mean += (after[i] - before[i]) / n;
        // Each device moves 0 or 1 step (0.02 in W), Bernoulli: per-synapse std <= 0.02; mean's std <= 0.02/sqrt(n) ~ 9e-5.
        assertEquals(0.013, mean, 5 * 0.02 / Math.sqrt(n));
        for (int i = 0; i < n; i++) {
            double level = a.plus().programmed(i) / d.step();
            assertEquals(Math.rint(level), level, 1e-9, "devices stay on their levels without write noise");
        }
    }

    @Test
    void writeNoiseHasTheConfiguredSpread() {
        double noise = 0.3;
        HardwareModel.Device d = device(1001, noise); // step 0.01 uS
        int n = 40_000;
        PulsedDevices a = new PulsedDevices(d, n, Rng.stream(2, "fab"));
        Rng rng = Rng.stream(2, "t");
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++) {
            double before = a.programmed(i);
            a.pulse(i, true, 4, rng);
            double change = a.programmed(i) - before;
            sum += change;
            sumSq += change * change;
        }
        double mean = sum / n, std = Math.sqrt(sumSq / n - mean * mean);
        double expectedStd = noise * d.step() * Math.sqrt(4);
        assertEquals(4 * d.step(), mean, 5 * expectedStd / Math.sqrt(n));
        // The std estimate's relative error is about 1/sqrt(2n) = 0.35%; allow 3%.
        assertEquals(expectedStd, std, 0.03 * expectedStd);
    }

    @Test
    void conductancesStayWithinBounds() {
        HardwareModel.Device d = device(64, 0.5);
        ConductanceArray a = new ConductanceArray(d, 1000, Rng.stream(3, "fab"));
        double[] dw = new double[1000];
        java.util.Arrays.fill(dw, 50.0);
        a.program(dw, 0, Rng.stream(3, "t"));
        double[] w = new double[1000];
        a.weights(w, 0);
        for (int i = 0; i < 1000; i++) {
            assertTrue(a.plus().programmed(i) >= d.gMin() && a.plus().programmed(i) <= d.gMax());
            assertTrue(a.minus().programmed(i) >= d.gMin() && a.minus().programmed(i) <= d.gMax());
            assertEquals(d.maxWeight(), w[i], 1e-12, "saturated at the largest weight");
        }
    }
}
