package epsim.rule;

import epsim.TestSupport;
import epsim.chip.AnalogChip;
import epsim.common.UserError;
import epsim.data.SyntheticBatch;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every rule whose update is a sum of rank-one terms trains through an array that updates itself; the others refuse. */
class OuterProductRulesTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    private static final Topology NET = new Topology(6, 5, 3);
    private static final List<String> OUTER = List.of("update.mode=outerProduct", "update.blManagement=false");

    @Test
    void everyRankOneRuleUpdatesThroughTheArray() {
        HardwareModel m = ModelLoader.load("default", OUTER);
        SyntheticBatch d = SyntheticBatch.draw(NET, 4, 2);
        for (Rule r : Rule.values()) {
            AnalogChip chip = AnalogChip.fabricate(m, NET, 3);
            double[] before = chip.readWeights().flatten();
            chip.resetCounters();
            LearningRule rule = RuleSettings.defaults(NET).with(RuleSetting.RULE, r).with(RuleSetting.LEARNING_RATES, new double[] {1, 1})
                    .create(3);
            rule.train(chip, d.inputs(), d.targets(), 4);
            assertEquals(0, chip.counters().deviceUpdates(), r + ": nothing programmed by the host");
            assertTrue(chip.counters().pulsesUp() + chip.counters().pulsesDown() > 0, r + ": the array pulsed");
            assertTrue(!java.util.Arrays.equals(before, chip.readWeights().flatten()), r + ": the weights moved");
        }
    }

    @Test
    void whatCannotUseItSaysWhy() {
        HardwareModel m = ModelLoader.load("default", OUTER);
        SyntheticBatch d = SyntheticBatch.draw(NET, 4, 2);
        LearningRule gait = RuleSettings.defaults(NET).with(RuleSetting.RULE, Rule.GAITPROP).with(RuleSetting.ORTHOGONALITY, 0.1).create(1);
        UserError e = assertThrows(UserError.class, () -> gait.train(AnalogChip.fabricate(m, NET, 1), d.inputs(), d.targets(), 4));
        assertTrue(e.getMessage().contains("regulariser"), e.getMessage());
        TestSupport.assertOneLineError(TestSupport.cli("train", "--rule", "gaitprop", "--ortho", "0.1", "--set", "update.mode=outerProduct",
                "--epochs", "1", "--out", dir.resolve("refused").toString()), "regulariser");
        assertTrue(!java.nio.file.Files.exists(dir.resolve("refused/run.json")), "refused before any file is written");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--model", "ideal", "--set", "update.mode=outerProduct", "--epochs", "1"),
                "update.mode");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--set", "update.pulseType=random", "--epochs", "1"), "update.pulseType");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--set", "update.bitLength=0", "--epochs", "1"), "update.bitLength");
    }
}
