package epsim.device;

import epsim.TestSupport;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `devices fit` recovers the parameters that generated simulated pulse data (the presets whose
 * ramps reach their bounds), and refuses bad data files in one line with nothing written.
 */
class DeviceFitTest {
    @TempDir
    Path dir;

    private static DeviceFit.Fit roundTrip(String preset) {
        HardwareModel.Device d = ModelLoader.load(preset, List.of()).device();
        List<PulseData.Step> steps = PulseResponse.steps(PulseResponse.simulate(d, 50, 2 * d.levels(), 2, PulseResponse.Train.RAMPS, 1));
        return DeviceFit.fit(steps, null);
    }

    @Test
    void linearStepPresetsAreRecovered() {
        for (String preset : new String[] {"default", "capacitor", "ecram"}) {
            HardwareModel.Device d = ModelLoader.load(preset, List.of()).device();
            DeviceFit.Fit f = roundTrip(preset);
            assertEquals(HardwareModel.Response.LINEAR_STEP, f.response(), preset);
            // tolerances: the fit's own standard errors are 0.002-0.003 on the slopes and 0.1-1% on the step; the bounds are the
            // devices' median extreme reads, which device-to-device spread of the bounds (5-7%) moves by up to 1% of the range
            assertEquals(d.response().upParameter(), f.gammaUp().value(), 0.02, preset + " gammaUp");
            assertEquals(d.response().downParameter(), f.gammaDown().value(), 0.02, preset + " gammaDown");
            assertEquals(d.step(), f.step().value(), 0.05 * d.step(), preset + " step");
            assertEquals(d.writeNoise(), f.writeNoise().value(), 0.05 * d.writeNoise(), preset + " writeNoise");
            assertEquals(d.upDown(), f.upDown().value(), 0.02, preset + " upDown");
            assertEquals(d.gMin(), f.gMin(), 0.01 * (d.gMax() - d.gMin()), preset + " gMin");
            assertEquals(d.gMax(), f.gMax(), 0.01 * (d.gMax() - d.gMin()), preset + " gMax");
            // device-to-device spreads from 50 devices: standard errors of 10% of the spread; 0.03 absolute covers 0 .. 0.1
            assertEquals(d.stepDtod(), f.stepDtod().value(), 0.03, preset + " stepDtod");
            assertEquals(d.boundsDtod(), f.boundsDtod().value(), 0.03, preset + " boundsDtod");
            assertTrue(f.binnedError() < 0.02, preset + ": binned mean steps within 2% of s of the curve: " + f.binnedError());
        }
    }

    @Test
    void devicesWithAsymptoticBoundsAreRecognised() {
        // pcm's power-law ramps approach their upper bound without reaching it in 2 x levels pulses; the bounds are then the
        // fitted curves' zeros, and with them the exponents, the step and the noise come back (standard errors 0.05-0.07 on the
        // exponents, 14% on the step's amplitude at mid-range)
        DeviceFit.Fit f = roundTrip("pcm");
        assertEquals(HardwareModel.Response.POWER, f.response());
        assertEquals(2.5, f.gammaUp().value(), 0.2);
        assertEquals(2.5, f.gammaDown().value(), 0.2);
        assertEquals(25.0, f.gMax(), 0.5);
        assertEquals(0.1, f.gMin(), 0.5);
        assertEquals(0.1245, f.step().value(), 0.01);
        assertEquals(0.6, f.writeNoise().value(), 0.06);
        assertEquals(201, f.levels(), 10);
        // rram's soft bounds: the slopes hold; its noise in µS holds (in steps it is relative to a step the asymptotic bounds bias)
        DeviceFit.Fit rram = roundTrip("rram");
        assertEquals(HardwareModel.Response.LINEAR_STEP, rram.response());
        assertEquals(1.0, rram.gammaUp().value(), 0.1);
        assertEquals(1.0, rram.gammaDown().value(), 0.1);
        assertEquals(3.75 * 0.04, rram.writeNoise().value() * rram.step().value(), 0.01);
    }

    @Test
    void theCommandWritesAModelThatLoadsAndRefusesBadData() throws Exception {
        Path sim = dir.resolve("sim");
        assertEquals(0, TestSupport.cli("devices", "pulse", "ecram", "--devices", "10", "--out", sim.toString()).exitCode());
        Path out = dir.resolve("fit");
        TestSupport.Run r = TestSupport.cli("devices", "fit", sim.resolve("pulses.csv").toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("response linearStep") && r.out().contains("writeNoise 0.3"), r.out());
        HardwareModel fitted = ModelLoader.load(out.resolve("fitted.json").toString(), List.of());
        assertEquals(0.5085, fitted.device().response().downParameter(), 0.03);
        assertTrue(Files.size(out.resolve("fit.png")) > 0 && Files.size(out.resolve("fit.txt")) > 0);

        String good = Files.readString(sim.resolve("pulses.csv"));
        String[][] bad = {
                {"header", "device,ramp,pulse,polarity,G\n0,0,0,up,1\n", "expected the header"},
                {"fields", "device,ramp,pulse,polarity,conductance_uS\n0,0,0,up\n", "line 2: expected 5"},
                {"NaN", "device,ramp,pulse,polarity,conductance_uS\n0,0,0,up,NaN\n", "line 2: conductance_uS"},
                {"negative", "device,ramp,pulse,polarity,conductance_uS\n0,0,0,up,-3\n", "line 2: conductance_uS"},
                {"polarity", "device,ramp,pulse,polarity,conductance_uS\n0,0,0,sideways,3\n", "polarity"},
                {"gap", "device,ramp,pulse,polarity,conductance_uS\n0,0,0,up,3\n0,0,2,up,3.1\n", "pulse 2 after pulse 0"},
                {"start", "device,ramp,pulse,polarity,conductance_uS\n0,0,4,up,3\n", "starts at pulse 4"},
                {"one ramp", "device,ramp,pulse,polarity,conductance_uS\n0,0,0,up,3\n0,0,1,up,3.1\n0,0,2,up,3.2\n", "at least 10"},
                {"binary", "\u0000\u0001PNG\n", "expected the header"},
                {"wide", good.lines().limit(3).map(l -> l + ",1,2,3").reduce("", (a, b) -> a + b + "\n"), "expected the header"},
        };
        for (String[] c : bad) {
            Path file = dir.resolve(c[0].replace(' ', '-') + ".csv"), none = dir.resolve("none-" + c[0].replace(' ', '-'));
            Files.writeString(file, c[1]);
            TestSupport.assertOneLineError(TestSupport.cli("devices", "fit", file.toString(), "--out", none.toString()), c[2]);
            assertFalse(Files.exists(none), c[0] + ": nothing written");
        }
        TestSupport.assertOneLineError(TestSupport.cli("devices", "fit", dir.resolve("missing.csv").toString(), "--out", dir.resolve("x").toString()),
                "not a file");
        TestSupport.assertOneLineError(TestSupport.cli("devices", "fit", sim.resolve("pulses.csv").toString(), "--response", "cubic", "--out",
                dir.resolve("x").toString()), "--response cubic");
    }

    /** CrossSim's measured ramps (hardware-models/measured): read in the wide layout, fitted, the fit's limits said. */
    @Test
    void theBundledMeasuredRampsAreFitted() throws Exception {
        Path set = Path.of("hardware-models/measured/crosssim-set.csv"), reset = Path.of("hardware-models/measured/crosssim-reset.csv");
        List<PulseData.Step> steps = PulseData.readWide(set, reset, 0.1);
        // 39 set ramps and 39 reset ramps, each read after every pulse: a step per pair of consecutive reads
        assertTrue(steps.size() > 13_000 && steps.size() < 13_400, "steps: " + steps.size());
        DeviceFit.Fit f = DeviceFit.fit(steps, null);
        assertEquals(HardwareModel.Response.LINEAR_STEP, f.response());
        assertEquals(1606, f.gMin(), 5);
        assertEquals(2485, f.gMax(), 5);
        assertTrue(f.gammaUp().value() < -0.5, "the measured up step grows with the conductance: " + f.gammaUp());
        assertTrue(f.rSquared() > 0.7, "the mean-step curve explains most of the step's variance: " + f.rSquared());
        assertTrue(Double.isNaN(f.stepDtod().value()), "one device: no device-to-device spread");
        assertFalse(DeviceFit.clamped(f).isEmpty(), "the negative slope cannot be written into a model: said");

        // the wide layout refuses what it cannot read, in one line, writing nothing
        Path ragged = dir.resolve("ragged.csv"), text = dir.resolve("text.csv"), huge = dir.resolve("huge.csv");
        Files.writeString(ragged, "r1,r2\n0.001,0.001\n0.001,0.002,0.003\n");
        Files.writeString(text, "r1\n0.001\nhello\n");
        Files.writeString(huge, "r".repeat(1) + ",r".repeat(20_000) + "\n");
        for (Path bad : new Path[] {ragged, text, huge}) {
            Path none = dir.resolve("none-" + bad.getFileName());
            TestSupport.assertOneLineError(TestSupport.cli("devices", "fit", "--up-ramps", bad.toString(), "--down-ramps", reset.toString(),
                    "--read-voltage", "0.1", "--out", none.toString()), bad.getFileName().toString());
            assertFalse(Files.exists(none));
        }
        TestSupport.assertOneLineError(TestSupport.cli("devices", "fit", "--up-ramps", set.toString(), "--out", dir.resolve("x").toString()), "not both");
    }
}
