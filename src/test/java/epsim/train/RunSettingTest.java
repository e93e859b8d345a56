package epsim.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.TestSupport;
import epsim.common.UserError;
import epsim.experiment.SweepGrid;
import epsim.math.Topology;
import epsim.rule.RuleSettings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run setting has one range: the command line, a sweep axis and run.json accept and refuse the same values. */
class RunSettingTest {
    private static final Topology NET = new Topology(4, 3, 2);
    private static final TrainConfig BASE = new TrainConfig("ideal", List.of(), "4-3-2", RuleSettings.defaults(NET), 2, 1, 1,
            "mnist-subset", null, 0, 0);

    private static TrainConfig axis(String spec) {
        SweepGrid grid = new SweepGrid(BASE, List.of(SweepGrid.parseAxis(spec)), false);
        return grid.config(grid.points().get(0));
    }

    private static TrainConfig fromJson(String key, Object value) {
        ObjectNode o = BASE.toJson();
        if (value instanceof Long l) o.put(key, l);
        else o.put(key, (Integer) value);
        return TrainConfig.fromJson(o, "run.json", "");
    }

    @Test
    void aNegativeSeedIsASeedEverywhere() {
        assertEquals(-5L, axis("seed=-5").seed());
        assertEquals(-5L, fromJson("seed", -5L).seed());
        assertEquals(-5L, RunSetting.SEED.parse("-5", "--seed", null));
    }

    @Test
    void epochsHaveOneRangeEverywhere() {
        String expected = RunSetting.EPOCHS.expectation(NET);
        assertEquals(1_000_000, axis("epochs=1000000").epochs());
        UserError vary = assertThrows(UserError.class, () -> axis("epochs=1000001"));
        UserError json = assertThrows(UserError.class, () -> fromJson("epochs", 1_000_001));
        assertTrue(vary.getMessage().contains(expected), vary.getMessage());
        assertTrue(json.getMessage().contains(expected), json.getMessage());
        TestSupport.assertOneLineError(TestSupport.cli("train", "--epochs", "1000001", "--net", "784-4-10"), "--epochs", expected);
        TestSupport.assertOneLineError(TestSupport.cli("train", "--epochs", "0", "--net", "784-4-10"), "--epochs", expected);
    }

    @Test
    void aBatchIsBoundedByTheNetworkEverywhere() {
        int largest = NET.maxBatch();
        assertEquals(largest, axis("batch=" + largest).batch());
        assertThrows(UserError.class, () -> axis("batch=" + (largest + 1L)));
        assertThrows(UserError.class, () -> fromJson("batch", largest + 1));
        assertThrows(UserError.class, () -> axis("batch=0"));
    }

    @Test
    void theJsonIsWhatItWasAndReadsBack() {
        // run.json's keys in their old order, so that old run folders and their hashes stay what they were
        List<String> keys = new java.util.ArrayList<>();
        BASE.toJson().fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("model", "set", "net", "rule", "batch", "epochs", "seed", "dataset", "dataDir", "trainLimit", "testLimit", "chip"), keys);
        assertEquals(BASE.toJson(), TrainConfig.fromJson(BASE.toJson(), "run.json", "").toJson());
    }
}
