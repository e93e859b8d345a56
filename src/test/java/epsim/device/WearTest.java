package epsim.device;

import epsim.common.Rng;
import epsim.common.UserError;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wear: a device sticks (or its step shrinks) after its own endurance, drawn log-normal at
 * fabrication; the counts survive a checkpoint; an endurance no device reaches changes no bit;
 * and the wear report's epochs to a worn fraction follow from the rates.
 */
class WearTest {
    /** default's constant-step device without noise or spread, so that every pulse is exactly one step. */
    private static HardwareModel.Device device(String... wear) {
        List<String> o = new java.util.ArrayList<>(List.of("device.writeNoise=0", "device.stepDtod=0", "device.upDownDtod=0", "device.boundsDtod=0",
                "device.stuckAtMin=0", "device.stuckAtMax=0"));
        o.addAll(List.of(wear));
        return ModelLoader.load("default", o).device();
    }

    @Test
    void aWornDeviceSticks() {
        HardwareModel.Device d = device("device.endurance=100");
        PulsedDevices p = new PulsedDevices(d, 1, Rng.stream(1, "fab"));
        Rng rng = Rng.stream(2, "pulses");
        p.force(0, d.gMin(), 0);
        for (int k = 0; k < 100; k++) p.pulse(0, true, 1, rng);
        double at100 = p.programmed(0);
        assertEquals(d.gMin() + 100 * d.step(), at100, 1e-9, "the first 100 pulses move it");
        assertFalse(p.worn(0));
        p.pulse(0, true, 5, rng);
        p.pulse(0, false, 5, rng);
        assertEquals(at100, p.programmed(0), 0, "a worn device moves no more");
        assertTrue(p.worn(0) && p.isStuck(0));
        // a batch of pulses across the endurance takes only those up to it
        PulsedDevices q = new PulsedDevices(d, 1, Rng.stream(1, "fab"));
        q.force(0, d.gMin(), 0);
        q.pulse(0, true, 130, rng);
        assertEquals(d.gMin() + 100 * d.step(), q.programmed(0), 1e-9);
    }

    @Test
    void aWornDevicesStepShrinks() {
        HardwareModel.Device d = device("device.endurance=50", "device.wearOut=shrink");
        PulsedDevices p = new PulsedDevices(d, 1, Rng.stream(1, "fab"));
        Rng rng = Rng.stream(2, "pulses");
        // alternate up and down so that the device stays mid-range; after 150 pulses (100 beyond N = 50) the step is exp(-2) of its own
        for (int k = 0; k < 150; k++) p.pulse(0, k % 2 == 0, 1, rng);
        double before = p.programmed(0);
        p.pulse(0, true, 1, rng);
        assertEquals(Math.exp(-100.0 / 50) * d.step(), p.programmed(0) - before, 1e-12);
    }

    @Test
    void endurancesAreLogNormalAroundTheMedian() {
        HardwareModel.Device d = device("device.endurance=1e6", "device.enduranceSpread=0.7");
        PulsedDevices p = new PulsedDevices(d, 100_000, Rng.stream(3, "fab"));
        double[] logs = new double[p.size()];
        for (int i = 0; i < logs.length; i++) logs[i] = Math.log(p.endurance(i));
        Arrays.sort(logs);
        double mean = Arrays.stream(logs).average().orElse(0), sd = Math.sqrt(Arrays.stream(logs).map(v -> (v - mean) * (v - mean)).sum() / logs.length);
        // 100,000 draws: the mean's standard error is 0.7 / 316 = 0.0022 and the std's 0.0016; 0.01 is over 4 standard errors
        assertEquals(Math.log(1e6), mean, 0.01);
        assertEquals(0.7, sd, 0.01);
    }

    @Test
    void anEnduranceNoDeviceReachesChangesNoBit() {
        HardwareModel.Device plain = ModelLoader.load("rram", List.of()).device();
        HardwareModel.Device worn = ModelLoader.load("rram", List.of("device.endurance=1e15", "device.enduranceSpread=1")).device();
        Rng fa = Rng.stream(4, "fab"), fb = Rng.stream(4, "fab");
        ConductanceArray a = new ConductanceArray(plain, 500, fa), b = new ConductanceArray(worn, 500, fb);
        double[] delta = new double[500];
        Rng dr = Rng.stream(5, "delta");
        for (int i = 0; i < 500; i++) delta[i] = 0.05 * dr.nextGaussian();
        Rng ra = Rng.stream(6, "w"), rb = Rng.stream(6, "w");
        for (int round = 0; round < 5; round++) {
            a.program(delta, 0, ra);
            b.program(delta, 0, rb);
        }
        double[] wa = new double[500], wb = new double[500];
        a.weights(wa, 0);
        b.weights(wb, 0);
        assertTrue(Arrays.equals(wa, wb), "the same bits with an endurance no device reaches");
    }

    @Test
    void countsAndWearSurviveACheckpoint() {
        HardwareModel.Device d = device("device.endurance=20", "device.enduranceSpread=0.3");
        PulsedDevices p = new PulsedDevices(d, 50, Rng.stream(1, "fab"));
        Rng rng = Rng.stream(2, "pulses");
        for (int i = 0; i < 50; i++) p.pulse(i, true, i, rng);
        double[][] state = p.state();
        assertEquals(2, state.length, "conductances and pulse counts");
        PulsedDevices q = new PulsedDevices(d, 50, Rng.stream(1, "fab"));
        q.restore(state);
        for (int i = 0; i < 50; i++) {
            assertEquals(p.taken(i), q.taken(i));
            assertEquals(p.worn(i), q.worn(i), "device " + i);
            assertEquals(p.isStuck(i), q.isStuck(i), "device " + i);
        }
        state[1][3] = 2.5;
        assertThrows(UserError.class, () -> q.restore(state));
        state[1][3] = -1;
        assertThrows(UserError.class, () -> q.restore(state));
    }

    /**
     * A whole chip with wear, with and without drift, is persisted and restored: a worn device's
     * pulse count (a whole number, far beyond the chip's microseconds) is not a programming time,
     * and the checkpoint check must not take it for one (it did when the state had no drift).
     */
    @Test
    void aWornChipRestoresWithAndWithoutDrift() {
        epsim.math.Topology t = new epsim.math.Topology(6, 4, 3);
        for (List<String> sets : List.of(List.of("device.endurance=2"), List.of("device.endurance=2", "device.driftNu=0.05"))) {
            HardwareModel m = epsim.model.ModelLoader.load("default", sets);
            epsim.chip.AnalogChip chip = epsim.chip.AnalogChip.fabricate(m, t, 3);
            epsim.math.LayerParams delta = new epsim.math.LayerParams(t);
            for (double[] w : delta.w) java.util.Arrays.fill(w, 0.5);
            chip.program(delta);
            chip.program(delta);
            epsim.chip.PersistedChip state = chip.persist();
            state.checkShape(t);
            epsim.chip.AnalogChip fresh = epsim.chip.AnalogChip.fabricate(m, t, 3);
            fresh.restore(state);
            assertEquals(java.util.Arrays.toString(chip.readWeights().flatten()), java.util.Arrays.toString(fresh.readWeights().flatten()), sets.toString());
        }
    }

    @Test
    void epochsToAWornFractionFollowFromTheRates() {
        HardwareModel.Device d = device("device.endurance=1000");
        PulsedDevices p = new PulsedDevices(d, 100, Rng.stream(1, "fab"));
        Rng rng = Rng.stream(2, "pulses");
        // device i takes i pulses (alternating, to stay within the bounds) over 2 epochs: rate i / 2, life 2000 / i epochs
        for (int i = 0; i < 100; i++) for (int k = 0; k < i; k++) p.pulse(i, k % 2 == 0, 1, rng);
        WearReport r = WearReport.of(List.of(p), 2, 0.01);
        assertEquals(2000.0 / 99, r.epochsToWear(), 1e-9, "1% of 100 devices: the first to wear out");
        assertEquals(49.5 / 2, r.mean(), 1e-12);
        assertEquals(0.01, r.untouched(), 1e-12);
        assertEquals(99 / 2.0, r.max(), 0);
        WearReport tenth = WearReport.of(List.of(p), 2, 0.1);
        assertEquals(2000.0 / 90, tenth.epochsToWear(), 1e-9, "10%: the tenth");
        WearReport none = WearReport.of(List.of(new PulsedDevices(device(), 10, Rng.stream(1, "fab"))), 1, 0.01);
        assertFalse(none.limited());
        assertTrue(Double.isInfinite(none.epochsToWear()));
    }

    @Test
    void badEnduranceFieldsAreOneLineErrors() {
        for (String bad : new String[] {"device.endurance=0", "device.endurance=-5", "device.endurance=forever", "device.enduranceSpread=-1",
                "device.wearOut=melt"}) {
            UserError e = assertThrows(UserError.class, () -> ModelLoader.load("default", List.of(bad)), bad);
            assertTrue(e.getMessage().contains(bad.substring(0, bad.indexOf('='))), e.getMessage());
        }
        UserError ideal = assertThrows(UserError.class, () -> ModelLoader.load("ideal", List.of("device.endurance=1e6")));
        assertTrue(ideal.getMessage().contains("device.endurance"), ideal.getMessage());
    }
}
