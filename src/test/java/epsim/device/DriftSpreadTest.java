package epsim.device;

import epsim.common.Rng;
import epsim.common.UserError;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** device.driftNuDtod: each device drifts with its own exponent, drawn without touching any other property of any device. */
class DriftSpreadTest {
    private static final int N = 20_000;
    private static final double T = 1e6; // seconds after programming

    private static PulsedDevices devices(String... sets) {
        HardwareModel.Device d = ModelLoader.load("pcm", List.of(sets)).device();
        return new PulsedDevices(d, N, Rng.stream(7, "fabrication"));
    }

    /** The exponent each device shows between t = 0 and T: -ln(G(T) / G(0)) / ln(T / t0 + 1). */
    private static double[] exponents(PulsedDevices p, double t0) {
        double[] nu = new double[N];
        for (int i = 0; i < N; i++) nu[i] = -Math.log(p.read(i, T) / p.read(i, 0)) / Math.log(T / t0 + 1);
        return nu;
    }

    @Test
    void eachDeviceDriftsWithItsOwnExponent() {
        double nu = 0.05, t0 = 20;
        double[] same = exponents(devices("device.driftNu=0.05", "device.driftT0=20"), t0);
        for (double x : same) assertEquals(nu, x, 1e-12);
        double[] spread = exponents(devices("device.driftNu=0.05", "device.driftT0=20", "device.driftNuDtod=0.5"), t0);
        double mean = java.util.Arrays.stream(spread).average().orElseThrow(), sd = 0;
        for (double x : spread) sd += (x - mean) * (x - mean) / (N - 1);
        sd = Math.sqrt(sd);
        // nu (1 + 0.5 z) clipped at 0 (2.3% of the devices): the clip raises the mean by 0.5 nu E[max(0, -z - 2)] = 0.0042 nu and
        // lowers the sd by about 1%; the standard error of the mean is 0.5 nu / sqrt(20,000) = 0.35% of nu, so 2% holds it at 5 se
        assertEquals(nu, mean, 0.02 * nu);
        assertEquals(0.5 * nu, sd, 0.03 * nu);
        assertTrue(java.util.Arrays.stream(spread).min().orElseThrow() >= 0, "no device grows");
    }

    @Test
    void theSpreadChangesNoOtherPropertyOfAnyDevice() {
        PulsedDevices a = devices("device.driftNu=0.05", "device.stepDtod=0.3"), b = devices("device.driftNu=0.05", "device.stepDtod=0.3", "device.driftNuDtod=0.5");
        Rng ra = Rng.stream(1, "writes"), rb = Rng.stream(1, "writes");
        for (int i = 0; i < 100; i++) {
            a.request(i, 0.7, 0, ra);
            b.request(i, 0.7, 0, rb);
        }
        assertArrayEquals(a.state()[0], b.state()[0], 0, "the same conductances after the same pulses at t = 0");
    }

    @Test
    void aSpreadWithoutDriftIsRefused() {
        UserError e = assertThrows(UserError.class, () -> ModelLoader.load("ideal", List.of("device.levels=64", "device.driftNuDtod=0.5")));
        assertTrue(e.getMessage().contains("driftNuDtod") && e.getMessage().contains("driftNu > 0"), e.getMessage());
    }
}
