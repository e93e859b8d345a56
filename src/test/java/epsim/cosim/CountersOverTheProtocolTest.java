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
    private static final double[] X = {0.1, 0.2, 0.3, 0.4, 0.9, 0.8, 0.7, 0.6};
    private static final double[] Y = {1, 0, 0, 1};

    /** epsim serve of the default model on 4-3-2, seed 5, with these --set overrides, in another process. */
    private static RemoteChip served(List<String> set) {
        String java = ProcessHandle.current().info().command().orElse("java");
        StringBuilder serve = new StringBuilder("exec:" + java + " -cp " + System.getProperty("java.class.path")
                + " epsim.cli.Main serve --stdio --model default --net 4-3-2 --seed 5");
        for (String s : set) serve.append(" --set ").append(s);
        return RemoteChip.connect(serve.toString(), 60);
    }

    /** Three batches of EP on both chips. */
    private static void train(RuleSettings s, AnalogChip local, RemoteChip remote) {
        for (int batch = 0; batch < 3; batch++) {
            new EquilibriumPropagation(s, 1).train(local, X, Y, 2);
            new EquilibriumPropagation(s, 1).train(remote, X, Y, 2);
        }
    }

    @Test
    void aRemoteChipCountsAsTheInProcessOne() {
        RemoteChip remote = served(List.of());
        try {
            AnalogChip local = AnalogChip.fabricate(ModelLoader.load("default", List.of()), new Topology(4, 3, 2), 5);
            assertEquals(local.counters(), remote.counters(), "after fabrication");
            local.resetCounters();
            remote.resetCounters();
            train(RuleSettings.of(Rule.EP, 1, EquilibriumPropagation.Nudging.SYMMETRIC, 6, 3, 0, 2, new double[] {0.1, 0.05}), local, remote);
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
        List<String> set = List.of("update.mode=outerProduct", "update.blManagement=false", "update.bitLength=7");
        RemoteChip remote = served(set);
        try {
            AnalogChip local = AnalogChip.fabricate(ModelLoader.load("default", set), new Topology(4, 3, 2), 5);
            assertEquals(epsim.model.HardwareModel.UpdateMode.OUTER_PRODUCT, remote.updateMode(), "the mode comes with the handshake's model");
            train(RuleSettings.of(Rule.EP, 1, EquilibriumPropagation.Nudging.SYMMETRIC, 6, 3, 0, 1, new double[] {0.5, 0.5}), local, remote);
            assertEquals(local.counters(), remote.counters());
            assertTrue(local.counters().pulsesUp() > 0, "the array pulsed");
            assertArrayEquals(local.readWeights().flatten(), remote.readWeights().flatten());
        } finally {
            remote.close();
        }
    }
}
