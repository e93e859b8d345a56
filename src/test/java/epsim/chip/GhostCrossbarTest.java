package epsim.chip;

import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ghost populations on a crossbar of their own ({@code ghost.crossbar = separate}): identical to
 * the shared crossbar when the devices are ideal, imperfect when they vary, persisted with the chip.
 */
class GhostCrossbarTest {
    private static final Topology NET = new Topology(6, 5, 3);

    private static double[] inputs() {
        double[] x = new double[2 * 6];
        for (int i = 0; i < x.length; i++) x[i] = ((i * 7) % 5) / 4.0;
        return x;
    }

    private static AnalogChip chip(String model, String... sets) {
        return AnalogChip.fabricate(ModelLoader.load(model, List.of(sets)), NET, 3);
    }

    /** Free phase with ghosts on and no target: what layer 1 reads, and what ghost population 0 reads. */
    private static double[][] freeReads(AnalogChip chip) {
        chip.setInputs(inputs(), 2);
        chip.setGhostUnits(true);
        chip.resetState();
        chip.relax(20000, 1e-14);
        return new double[][] {chip.read(1), chip.readGhost(0), chip.read(2)};
    }

    private static LayerParams delta() {
        return ChipTestSupport.delta(NET);
    }

    @Test
    void onIdealDevicesTheOwnCrossbarIsTheSharedOneBitForBit() {
        AnalogChip shared = chip("ideal", "neuron.transfer=sigmoid"), own = chip("ideal", "neuron.transfer=sigmoid", "ghost.crossbar=separate");
        shared.program(delta());
        own.program(delta());
        double[][] a = freeReads(shared), b = freeReads(own);
        for (int i = 0; i < a.length; i++) assertArrayEquals(a[i], b[i], 0, "read " + i);
        // without a target the ghosts equal the layer above them, so the cancellation is exact (to the settling residual)
        assertArrayEquals(b[0], b[1], 1e-12);
    }

    /**
     * On pulsed devices with no spread and no write noise, the copy sent the forward crossbar's
     * pulse counts (ghost.programming samePulses, the default) stays the forward crossbar bit for
     * bit, in host and in outerProduct updates, so the cancellation is exact; rounding each copy's
     * requests on its own (independent) parts them.
     */
    @Test
    void theSamePulseCountsKeepIdenticalCopiesIdentical() {
        for (String mode : List.of("host", "outerProduct")) {
            String[] pulsed = {"neuron.transfer=sigmoid", "device.levels=64", "device.writeNoise=0", "ghost.crossbar=separate", "update.mode=" + mode};
            List<String> independent = new ArrayList<>(List.of(pulsed));
            independent.add("ghost.programming=independent");
            AnalogChip same = chip("ideal", pulsed), own = chip("ideal", independent.toArray(new String[0]));
            for (AnalogChip c : List.of(same, own)) {
                for (int round = 0; round < 3; round++) {
                    if (mode.equals("host")) c.program(delta());
                    else c.updateOuterProduct(0, new double[] {0.4, -0.3, 0.2, 0.1, -0.5}, new double[] {0.2, 0.9, 0.0, 0.5, 1.0, 0.3}, 1, 1, 0.05);
                }
            }
            double[][] s = freeReads(same), o = freeReads(own);
            assertArrayEquals(s[0], s[1], 1e-12, mode + ": the same counts on identical devices: an exact cancellation");
            double mismatch = 0;
            for (int i = 0; i < o[0].length; i++) mismatch = Math.max(mismatch, Math.abs(o[0][i] - o[1][i]));
            assertTrue(mismatch > 1e-6, mode + ": independent rounding parts the copies: " + mismatch);
            assertEquals(own.counters().deviceUpdates(), same.counters().deviceUpdates(), mode + ": both copies take every change either way");
        }
    }

    @Test
    void varyingDevicesMakeTheCancellationImperfect() {
        String[] pulsed = {"neuron.transfer=sigmoid", "device.levels=64", "device.stepDtod=0.3", "device.boundsDtod=0.3", "device.writeNoise=0.5"};
        List<String> own = new ArrayList<>(List.of(pulsed));
        own.add("ghost.crossbar=separate");
        AnalogChip shared = chip("ideal", pulsed), separate = chip("ideal", own.toArray(new String[0]));
        shared.program(delta());
        separate.program(delta());
        double[][] s = freeReads(shared), p = freeReads(separate);
        assertArrayEquals(s[0], s[1], 1e-12, "a shared crossbar cancels exactly whatever the devices");
        double mismatch = 0;
        for (int i = 0; i < p[0].length; i++) mismatch = Math.max(mismatch, Math.abs(p[0][i] - p[1][i]));
        // 64 levels and 30% spreads put each ghost weight a few percent off its forward twin: a visible, not a huge, residual
        assertTrue(mismatch > 1e-4 && mismatch < 0.5, "the ghosts' own devices predict the layer imperfectly: " + mismatch);
        ChipCounters c = separate.counters(), one = shared.counters();
        assertEquals(2 * one.deviceUpdates(), c.deviceUpdates(), "every change is programmed into both crossbars");
    }

    @Test
    void theGhostCrossbarIsPersistedWithTheChip() {
        String[] sets = {"device.levels=64", "device.stepDtod=0.2", "device.writeNoise=0.5", "ghost.crossbar=separate"};
        AnalogChip a = chip("ideal", sets);
        a.program(delta());
        PersistedChip saved = a.persist();
        assertEquals(8 * NET.weightLayers(), saved.devices().length, "four arrays per layer, twice");
        saved.checkShape(NET);
        AnalogChip b = chip("ideal", sets);
        b.restore(saved);
        a.program(delta());
        b.program(delta());
        double[][] ra = freeReads(a), rb = freeReads(b);
        for (int i = 0; i < ra.length; i++) assertArrayEquals(ra[i], rb[i], 0, "read " + i);
        AnalogChip shared = chip("ideal", "device.levels=64");
        assertNotEquals(saved.devices().length, shared.persist().devices().length);
        assertThrowsOneLine(() -> shared.restore(saved), "device arrays");
    }

    private static void assertThrowsOneLine(Runnable r, String needle) {
        epsim.common.UserError e = org.junit.jupiter.api.Assertions.assertThrows(epsim.common.UserError.class, r::run);
        assertTrue(e.getMessage().contains(needle) && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aModelWithoutAGhostSectionShares() {
        assertEquals(HardwareModel.Ghost.SHARED, ModelLoader.load("default", List.of()).ghost());
        assertTrue(ModelLoader.load("default", List.of("ghost.crossbar=separate")).ghost().separate());
    }
}
