package epsim.chip;

import epsim.chip.AnalogChip;
import epsim.common.Rng;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The chip draws a row current's read noise as one Gaussian of variance sigma^2 * 2 * (sum_j V_j^2 + 1)
 * instead of one per device. Measure it against an explicit per-device simulation.
 */
class ReadNoiseEquivalenceTest {
    @Test
    void oneGaussianPerCurrentMatchesPerDeviceNoise() {
        double sigma = 0.01;
        HardwareModel m = ModelLoader.load("ideal", List.of("neuron.transfer=tanh", "device.readNoise=" + sigma));
        Topology t = new Topology(30, 4);
        Rng rng = Rng.stream(7, "test");
        double[] x = new double[30];
        for (int j = 0; j < x.length; j++) x[j] = rng.nextDouble();
        int samples = 20_000;
        double eps = m.neuron().epsilon();

        // The chip: from u = 0 with tanh (rho'(0) = 1), one step gives u = eps * (drive + noise).
        AnalogChip chip = AnalogChip.withWeights(m, new LayerParams(t), 11);
        double sum = 0, sumSq = 0;
        for (int s = 0; s < samples; s++) {
            chip.setInputs(x, 1);
            chip.resetState();
            chip.relax(1, 0);
            double v = org.apache.commons.math3.util.FastMath.atanh(chip.read(1)[0]) / eps; // zero weights: the drive is pure noise
            sum += v;
            sumSq += v * v;
        }
        double chipVar = sumSq / samples - (sum / samples) * (sum / samples);

        // Explicitly: every device of the row (two per synapse, two for the bias at 1 V) read with its own noise.
        double explicit = 0, explicitSq = 0;
        for (int s = 0; s < samples; s++) {
            double current = 0;
            for (int j = 0; j <= x.length; j++) {
                double v = j < x.length ? x[j] : 1;
                current += (rng.nextGaussian() * sigma - rng.nextGaussian() * sigma) * v;
            }
            explicit += current;
            explicitSq += current * current;
        }
        double explicitVar = explicitSq / samples - (explicit / samples) * (explicit / samples);

        double sumV2 = 1;
        for (double v : x) sumV2 += v * v;
        double predicted = sigma * sigma * 2 * sumV2;
        // A variance estimate from n Gaussian samples has relative std sqrt(2/n) = 1% here; 5% is 5 sigma.
        assertEquals(predicted, chipVar, 0.05 * predicted, "chip's one-Gaussian read noise");
        assertEquals(predicted, explicitVar, 0.05 * predicted, "per-device simulation");
    }
}
