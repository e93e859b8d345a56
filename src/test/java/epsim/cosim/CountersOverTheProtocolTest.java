package epsim.cosim;

import epsim.chip.AnalogChip;
import epsim.chip.ChipCounters;
import epsim.math.Topology;
import epsim.model.ModelLoader;
import epsim.rule.EquilibriumPropagation;
import epsim.rule.Rule;
import epsim.rule.RuleSettings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A chip behind the protocol reports the same counts as the same chip in process. */
class CountersOverTheProtocolTest {
    @Test
    void aRemoteChipCountsAsTheInProcessOne() {
        String java = ProcessHandle.current().info().command().orElse("java");
        String serve = "exec:" + java + " -cp " + System.getProperty("java.class.path")
                + " epsim.cli.Main serve --stdio --model default --net 4-3-2 --seed 5";
        RemoteChip remote = RemoteChip.connect(serve, 60);
        try {
            AnalogChip local = AnalogChip.fabricate(ModelLoader.load("default", List.of()), new Topology(4, 3, 2), 5);
            assertEquals(local.counters(), remote.counters(), "after fabrication");
            local.resetCounters();
            remote.resetCounters();
            RuleSettings s = RuleSettings.of(Rule.EP, 1, EquilibriumPropagation.Nudging.SYMMETRIC, 6, 3, 0, 2, new double[] {0.1, 0.05});
            double[] x = {0.1, 0.2, 0.3, 0.4, 0.9, 0.8, 0.7, 0.6};
            double[] y = {1, 0, 0, 1};
            for (int batch = 0; batch < 3; batch++) {
                new EquilibriumPropagation(s, 1).train(local, x, y, 2);
                new EquilibriumPropagation(s, 1).train(remote, x, y, 2);
            }
            ChipCounters c = local.counters();
            assertEquals(c, remote.counters());
            // three batches of two examples: three phases, and with two reads averaged one more one-step relaxation after each
            assertEquals(3L * 2 * (3 + 3), c.relaxations());
        } finally {
            remote.close();
        }
    }

    /** An array that updates itself does the same behind the protocol: the same pulses, the same devices, bit for bit. */
    @Test
    void aRemoteArrayUpdatesItselfAsTheInProcessOne() {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> set = List.of("update.mode=outerProduct", "update.blManagement=false", "update.bitLength=7");
        String serve = "exec:" + java + " -cp " + System.getProperty("java.class.path")
                + " epsim.cli.Main serve --stdio --model default --net 4-3-2 --seed 5 --set " + set.get(0) + " --set " + set.get(1)
                + " --set " + set.get(2);
        RemoteChip remote = RemoteChip.connect(serve, 60);
        try {
            AnalogChip local = AnalogChip.fabricate(ModelLoader.load("default", set), new Topology(4, 3, 2), 5);
            assertEquals(epsim.model.HardwareModel.UpdateMode.OUTER_PRODUCT, remote.updateMode(), "the mode comes with the handshake's model");
            RuleSettings s = RuleSettings.of(Rule.EP, 1, EquilibriumPropagation.Nudging.SYMMETRIC, 6, 3, 0, 1, new double[] {0.5, 0.5});
            double[] x = {0.1, 0.2, 0.3, 0.4, 0.9, 0.8, 0.7, 0.6};
            double[] y = {1, 0, 0, 1};
            for (int batch = 0; batch < 3; batch++) {
                new EquilibriumPropagation(s, 1).train(local, x, y, 2);
                new EquilibriumPropagation(s, 1).train(remote, x, y, 2);
            }
            assertEquals(local.counters(), remote.counters());
            assertTrue(local.counters().pulsesUp() > 0, "the array pulsed");
            assertArrayEquals(local.readWeights().flatten(), remote.readWeights().flatten());
        } finally {
            remote.close();
        }
    }
}
