package epsim.chip;

import epsim.math.Topology;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** periphery.adcNoise: measurement noise on every conversion, which leaves the dynamics alone. */
class AdcNoiseTest {
    private static final Topology NET = new Topology(6, 40, 30);

    private static AnalogChip settled(String... sets) {
        AnalogChip chip = AnalogChip.fabricate(ModelLoader.load("ideal", List.of(sets)), NET, 5);
        double[] x = new double[6];
        for (int i = 0; i < 6; i++) x[i] = i / 5.0;
        chip.setInputs(x, 1);
        chip.resetState();
        chip.relax(100000, 1e-15);
        return chip;
    }

    @Test
    void readsScatterAroundTheNoiseFreeReadByTheStatedStd() {
        double sigma = 0.01;
        // a smooth curve keeps every unit off the rails, where clipping would bias the mean
        double[] clean = settled("neuron.transfer=sigmoid").read(2);
        AnalogChip noisy = settled("neuron.transfer=sigmoid", "periphery.adcNoise=" + sigma);
        int reads = 400;
        double sum = 0, sumSq = 0;
        long n = 0;
        for (int r = 0; r < reads; r++) {
            double[] v = noisy.read(2);
            for (int i = 0; i < v.length; i++) {
                double e = v[i] - clean[i];
                sum += e;
                sumSq += e * e;
                n++;
            }
        }
        double mean = sum / n, sd = Math.sqrt(sumSq / n - mean * mean);
        // 12,000 draws: the mean's standard error is sigma / 110 and the sd's sigma / 155; 5 of each bounds them
        assertEquals(0, mean, 5 * sigma / Math.sqrt(n));
        assertEquals(sigma, sd, 5 * sigma / Math.sqrt(2.0 * n));
        // the noise is on the reading only: the state the chip settled to is the noise-free one
        assertArrayEquals(clean, settled("neuron.transfer=sigmoid").read(2), 0);
    }

    @Test
    void aModelWithoutTheFieldHasANoiseFreeAdc() {
        assertEquals(0.0, ModelLoader.load("default", List.of()).periphery().adcNoise());
        assertTrue(ModelLoader.load("default", List.of("periphery.adcNoise=1e-3")).periphery().adcNoise() > 0);
        epsim.common.UserError e = org.junit.jupiter.api.Assertions.assertThrows(epsim.common.UserError.class,
                () -> ModelLoader.load("default", List.of("periphery.adcNoise=-1")));
        assertTrue(e.getMessage().contains("periphery.adcNoise"), e.getMessage());
    }
}
