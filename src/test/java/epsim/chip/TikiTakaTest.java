package epsim.chip;

import epsim.common.UserError;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tiki-Taka's arrays (update.mode tikiTaka): the rule's terms reach the fast arrays only, the
 * weights change only by transfers, on the schedule and on the lines it names; the fast arrays and
 * the schedule are persisted with the chip; what cannot be modelled is refused in one line.
 * (Its statistics: testbenches/tiki-taka-expectation.json; its purpose: tiki-taka-regression.json.)
 */
class TikiTakaTest {
    private static final Topology NET = new Topology(5, 3);

    private static AnalogChip chip(String... sets) {
        List<String> all = new java.util.ArrayList<>(List.of("device.levels=1000", "update.mode=tikiTaka", "update.readsPerTransfer=1"));
        all.addAll(List.of(sets));
        return AnalogChip.fabricate(ModelLoader.load("ideal", all), NET, 5);
    }

    private static final double[] D = {0.8, -0.6, 0.4, 0.9, -0.7, 0.5}, X = {1, 0.5, -0.5, 0.25, 1, 1, 0.75, 0.5, -0.25, 1}; // two terms

    /** Indices of the weights (i * 5 + j) and biases (5 * 3 + i) that differ. */
    private static List<Integer> changed(LayerParams a, LayerParams b) {
        List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < a.w[0].length; i++) if (a.w[0][i] != b.w[0][i]) out.add(i);
        for (int i = 0; i < a.b[0].length; i++) if (a.b[0][i] != b.b[0][i]) out.add(a.w[0].length + i);
        return out;
    }

    @Test
    void theWeightsChangeOnlyWhenATransferIsDueAndOnlyOnItsColumn() {
        AnalogChip chip = chip("update.transferEvery=3");
        LayerParams start = chip.readWeights();
        chip.updateOuterProduct(0, D, X, 1, 2, 0.5); // 2 terms: none due
        assertEquals(List.of(), changed(start, chip.readWeights()));
        assertTrue(chip.counters().pulsesUp() + chip.counters().pulsesDown() > 0, "the fast array took the pulses");
        chip.updateOuterProduct(0, D, X, 1, 2, 0.5); // 4 terms: the first transfer, column 0
        List<Integer> c = changed(start, chip.readWeights());
        assertTrue(!c.isEmpty() && c.stream().allMatch(i -> i < 15 && i % 5 == 0), "only column 0 changed: " + c);
        LayerParams afterFirst = chip.readWeights();
        chip.updateOuterProduct(0, D, X, 1, 2, 0.5); // 6 terms: the second transfer, column 1
        List<Integer> second = changed(afterFirst, chip.readWeights());
        assertTrue(!second.isEmpty() && second.stream().allMatch(i -> i < 15 && i % 5 == 1), "only column 1 changed: " + second);
    }

    @Test
    void rowsAreTransferredWithTheirBias() {
        AnalogChip chip = chip("update.transferRows=true", "update.transferEvery=2");
        LayerParams start = chip.readWeights();
        chip.updateOuterProduct(0, D, X, 1, 2, 0.5); // two terms, one transfer: row 0
        List<Integer> c = changed(start, chip.readWeights());
        assertTrue(!c.isEmpty() && c.stream().allMatch(i -> i < 5 || i == 15), "only row 0 and its bias changed: " + c);
    }

    @Test
    void withoutATransferRateTheWeightsNeverChange() {
        AnalogChip chip = chip("update.transferLr=0");
        LayerParams start = chip.readWeights();
        for (int n = 0; n < 10; n++) chip.updateOuterProduct(0, D, X, 1, 2, 0.5);
        assertEquals(List.of(), changed(start, chip.readWeights()));
    }

    @Test
    void theFastArraysAndTheScheduleArePersistedAndRestored() {
        AnalogChip a = chip("update.transferEvery=3"), b = chip("update.transferEvery=3");
        a.updateOuterProduct(0, D, X, 1, 2, 0.5);
        PersistedChip saved = a.persist();
        assertEquals(8, saved.devices().length, "four arrays for the weights, four for the fast array");
        assertArrayEquals(new long[] {2}, saved.transferSchedule());
        b.restore(saved);
        a.updateOuterProduct(0, D, X, 1, 2, 0.5);
        b.updateOuterProduct(0, D, X, 1, 2, 0.5);
        assertArrayEquals(a.readWeights().w[0], b.readWeights().w[0], 0);
        assertArrayEquals(a.persist().devices()[4][0], b.persist().devices()[4][0], 0, "the fast arrays agree too");

        PersistedChip overTheWire = epsim.cosim.Wire.persisted(epsim.cosim.Wire.persisted(saved), "chip"); // the protocol's persist reply
        assertArrayEquals(saved.transferSchedule(), overTheWire.transferSchedule());
        PersistedChip wrong = new PersistedChip(saved.devices(), saved.noiseState(), saved.writeState(), saved.time(), new long[] {1, 2});
        UserError e = assertThrows(UserError.class, () -> b.restore(wrong));
        assertTrue(e.getMessage().contains("transfer schedule"), e.getMessage());
        AnalogChip host = AnalogChip.fabricate(ModelLoader.load("ideal", List.of("device.levels=1000")), NET, 5);
        PersistedChip withSchedule = new PersistedChip(host.persist().devices(), saved.noiseState(), saved.writeState(), 0, new long[] {2});
        assertThrows(UserError.class, () -> host.restore(withSchedule));
    }

    @Test
    void whatIsNotModelledIsRefusedInOneLine() {
        UserError continuous = assertThrows(UserError.class, () -> ModelLoader.load("ideal", List.of("update.mode=tikiTaka")));
        assertTrue(continuous.getMessage().contains("needs pulsed devices"), continuous.getMessage());
        UserError ghost = assertThrows(UserError.class,
                () -> ModelLoader.load("ideal", List.of("device.levels=64", "update.mode=tikiTaka", "ghost.crossbar=separate")));
        assertTrue(ghost.getMessage().contains("not modelled"), ghost.getMessage());
        assertThrows(UserError.class, () -> ModelLoader.load("ideal", List.of("device.levels=64", "update.mode=tikiTaka", "update.resetProbability=1.5")));
        assertThrows(UserError.class, () -> ModelLoader.load("ideal", List.of("device.levels=64", "update.mode=tikiTaka", "update.transferEvery=0")));
        assertThrows(UserError.class, () -> ModelLoader.load("ideal", List.of("device.levels=64", "update.mode=tikiTaka", "update.transferLr=-1")));
    }

    @Test
    void hostAndOuterProductChipsHoldNoFastArrays() {
        AnalogChip op = AnalogChip.fabricate(ModelLoader.load("ideal", List.of("device.levels=64", "update.mode=outerProduct")), NET, 5);
        assertEquals(4, op.persist().devices().length);
        assertEquals(0, op.persist().transferSchedule().length);
        assertNotEquals(op.persist().devices().length, chip().persist().devices().length);
    }
}
