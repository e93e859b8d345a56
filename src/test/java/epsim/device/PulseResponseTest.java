package epsim.device;

import epsim.TestSupport;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `epsim devices pulse`: the simulated characterisation shows the model's own step response, and its files are what it says. */
class PulseResponseTest {
    @TempDir
    Path dir;

    private static HardwareModel.Device device(String... sets) {
        return ModelLoader.load("default", List.of(sets)).device();
    }

    @Test
    void aNoiseFreeDeviceStepsAsItsResponseSays() {
        // asymmetric constant steps: s (1 + b) up, s (1 - b) down, exactly, away from the bounds
        HardwareModel.Device d = device("device.writeNoise=0", "device.upDown=0.2");
        for (PulseResponse.Pulse p : PulseResponse.simulate(d, 3, 150, 1, PulseResponse.Train.RAMPS, 4)) {
            double expected = p.up() ? d.step() * 1.2 : -d.step() * 0.8;
            boolean clipped = p.up() ? p.after() >= d.gMax() : p.after() <= d.gMin();
            // a sum of two doubles of ~10 uS: rounding 1e-15 of it
            if (!clipped) assertEquals(expected, p.step(), 1e-13, "pulse " + p);
        }
        // soft bounds: the up step falls linearly with the state, s (1 - x), x = (G - mid) / half
        HardwareModel.Device soft = device("device.writeNoise=0", "device.gammaUp=1", "device.gammaDown=1");
        double mid = 0.5 * (soft.gMin() + soft.gMax()), half = 0.5 * (soft.gMax() - soft.gMin());
        int checked = 0;
        for (PulseResponse.Pulse p : PulseResponse.simulate(soft, 2, 300, 1, PulseResponse.Train.RANDOM, 5)) {
            double x = (p.before() - mid) / half;
            double expected = p.up() ? soft.step() * (1 - x) : -soft.step() * (1 + x);
            assertEquals(expected, p.step(), 1e-13, "pulse " + p);
            checked++;
        }
        assertEquals(600, checked);
    }

    @Test
    void cycleToCycleNoiseIsTheModelsWithinItsSamplingError() {
        HardwareModel.Device d = device("device.writeNoise=0.3");
        List<PulseResponse.Pulse> pulses = PulseResponse.simulate(d, 50, 100, 1, PulseResponse.Train.ALTERNATING, 6);
        // alternating from mid-range never reaches a bound: every step is s + N(0, (0.3 s)^2) up, its mirror down
        List<PulseResponse.Bin> bins = PulseResponse.binned(pulses, 1, d.gMin(), d.gMax());
        PulseResponse.Bin all = bins.get(0);
        assertEquals(2500, all.countUp());
        // the sample std of 2500 Gaussians has a relative standard error of 1/sqrt(2 x 2500) = 1.4%; 5% is 3.5 of them
        assertEquals(0.3 * d.step(), all.stdUp(), 0.05 * 0.3 * d.step());
        assertEquals(0.3 * d.step(), all.stdDown(), 0.05 * 0.3 * d.step());
        // and the mean step is s within 4 standard errors, 0.3 s / sqrt(2500) each
        assertEquals(d.step(), all.meanUp(), 4 * 0.3 * d.step() / 50);
    }

    @Test
    void theCommandWritesItsFilesDeterministicallyAndRefusesBadInput() throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        for (Path p : new Path[] {a, b}) {
            TestSupport.Run r = TestSupport.cli("devices", "pulse", "rram", "--devices", "4", "--pulses", "300", "--out", p.toString());
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("nominal step 0.04"), r.out());
        }
        for (String f : new String[] {"pulses.csv", "steps.csv", "ramps.png", "steps.png"}) assertTrue(Files.size(a.resolve(f)) > 0, f);
        assertArrayEquals(Files.readAllBytes(a.resolve("pulses.csv")), Files.readAllBytes(b.resolve("pulses.csv")), "same seed, same bits");
        List<String> lines = Files.readAllLines(a.resolve("pulses.csv"));
        assertEquals("device,ramp,pulse,polarity,conductance_uS", lines.get(0));
        // 4 devices x 2 cycles x 2 ramps, each its opening conductance and 300 pulses
        assertEquals(1 + 4 * 4 * 301, lines.size());
        assertTrue(lines.get(1).startsWith("0,0,0,up,") && lines.get(302).startsWith("0,1,0,down,"), lines.get(302));

        Path none = dir.resolve("none");
        TestSupport.assertOneLineError(TestSupport.cli("devices", "pulse", "ideal", "--out", none.toString()), "continuous");
        TestSupport.assertOneLineError(TestSupport.cli("devices", "pulse", "default", "--train", "sawtooth", "--out", none.toString()), "--train sawtooth");
        TestSupport.assertOneLineError(TestSupport.cli("devices", "pulse", "default", "--devices", "0", "--out", none.toString()), "--devices 0");
        TestSupport.assertOneLineError(TestSupport.cli("devices", "pulse", "default", "--devices", "100000", "--pulses", "1000000",
                "--out", none.toString()), "at most");
        TestSupport.assertOneLineError(TestSupport.cli("devices", "pulse", "default", "--set", "device.levels=1", "--out", none.toString()),
                "device.levels");
        assertFalse(Files.exists(none), "nothing written on bad input, not even the folder");
    }
}
