package epsim.chip;

import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.rule.EquilibriumPropagation;
import epsim.rule.Rule;
import epsim.rule.RuleSettings;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every counter equals its count derived by hand for a fixed schedule (no early stop). */
class ChipCountersTest {
    private static final Topology NET = new Topology(4, 3, 2);
    private static final int PARAMETERS = 4 * 3 + 3 + 3 * 2 + 2; // 23 weights and biases

    private static double[] inputs(int batch) {
        double[] x = new double[batch * 4];
        for (int i = 0; i < x.length; i++) x[i] = (i % 5) / 4.0;
        return x;
    }

    @Test
    void anEpBatchCountsAsDerived() {
        int batch = 3, free = 7, nudge = 4;
        // a smooth transfer curve, so that no unit sits on a rail and every weight and bias gets a change
        AnalogChip chip = AnalogChip.fabricate(ModelLoader.load("ideal", List.of("neuron.transfer=sigmoid")), NET, 2);
        assertEquals(2L * PARAMETERS, chip.counters().verifyWrites(), "write-verify of both devices of every weight and bias");
        chip.resetCounters();
        RuleSettings s = RuleSettings.of(Rule.EP, 0.5, EquilibriumPropagation.Nudging.SYMMETRIC, free, nudge, 0, 1, new double[] {0.1, 0.05});
        double[] y = new double[batch * 2];
        for (int b = 0; b < batch; b++) y[b * 2 + b % 2] = 1;
        new EquilibriumPropagation(s, 1).train(chip, inputs(batch), y, batch);
        ChipCounters c = chip.counters();
        assertEquals(3L * batch, c.relaxations(), "free, +beta, -beta, for each example");
        assertEquals((long) (free + 2 * nudge) * batch, c.steps());
        assertEquals((free + 2 * nudge) * batch * 1e-6, c.chipSeconds(), 1e-18);
        assertEquals(batch * 4L, c.dacConversions());
        assertEquals(3L * batch * (3 + 2), c.adcConversions(), "layers 1..L read after each of the three phases");
        // per example and step: layer 1 bottom-up 4x3 + bias 3, top-down 2x3; layer 2 bottom-up 3x2 + bias 2; two devices each
        long perStep = 2L * ((4 * 3 + 3) + 3 * 2 + (3 * 2 + 2));
        assertEquals(perStep * batch * (free + 2 * nudge), c.deviceReads());
        assertEquals(2L * PARAMETERS, c.deviceUpdates(), "every weight and bias changed, through both devices");
        assertEquals(0, c.pulsesUp() + c.pulsesDown(), "continuous devices take changes without pulses");
        assertEquals(0, c.verifyWrites());
    }

    /** A requested change of whole nominal steps is that many pulses on every device: up on G+, down on G- for a rise. */
    @Test
    void pulsesAreCountedPerDevice() {
        HardwareModel m = ModelLoader.load("default", List.of());
        AnalogChip chip = AnalogChip.fabricate(m, NET, 2);
        chip.resetCounters();
        HardwareModel.Device d = m.device();
        LayerParams delta = new LayerParams(NET);
        double threeSteps = 2 * 3 * d.step() / d.gRef(); // each device of the pair is asked for half of dW gRef
        for (int k = 0; k < delta.layers(); k++) {
            Arrays.fill(delta.w[k], threeSteps);
            Arrays.fill(delta.b[k], threeSteps);
        }
        chip.program(delta);
        ChipCounters c = chip.counters();
        assertEquals(3L * PARAMETERS, c.pulsesUp());
        assertEquals(3L * PARAMETERS, c.pulsesDown());
        assertEquals(2L * PARAMETERS, c.deviceUpdates());
    }

    /** Clamped layers, no feedback and ghost populations change what a step reads, as the circuit does. */
    @Test
    void theCircuitDecidesWhatAStepReads() {
        AnalogChip chip = AnalogChip.fabricate(ModelLoader.load("ideal", List.of()), NET, 2);
        chip.setInputs(inputs(1), 1);
        chip.setFeedbackGain(0);
        chip.clamp(2, new double[] {1, 0});
        chip.resetCounters();
        chip.relax(5, 0);
        assertEquals(5L * 2 * (4 * 3 + 3), chip.counters().deviceReads(), "only layer 1's bottom-up crossbar");
        chip.clamp(2, null);
        chip.setFeedbackGain(1);
        chip.setGhostUnits(true);
        chip.resetCounters();
        chip.relax(2, 0);
        long free = 2L * ((4 * 3 + 3) + 3 * 2 + (3 * 2 + 2)), ghosts = 2L * ((4 * 3 + 3) + (3 * 2 + 2));
        assertEquals(2 * (free + ghosts), chip.counters().deviceReads());
        chip.readGhost(0);
        assertEquals(3, chip.counters().adcConversions());
    }

    /**
     * Row-by-row programming: a row's devices take their pulses in parallel, up and down apart, the
     * G+ pass and the G- pass one after the other, so a row costs (most pulses up + most down) per pass.
     */
    @Test
    void programmingSlotsAreCountedRowByRow() {
        HardwareModel m = ModelLoader.load("default", List.of());
        AnalogChip chip = AnalogChip.fabricate(m, NET, 2);
        HardwareModel.Device d = m.device();
        double step = 2 * d.step() / d.gRef(); // one pulse on each device of the pair
        LayerParams delta = new LayerParams(NET);
        delta.w[0][1] = 2 * step;      // row 0 (neuron 0 of layer 1), input 1: G+ 2 up, G- 2 down
        delta.w[0][2] = -1 * step;     // row 0, input 2: G+ 1 down, G- 1 up
        delta.w[0][4 + 3] = 4 * step;  // row 1, input 3: G+ 4 up, G- 4 down
        delta.b[0][1] = -3 * step;     // row 1's bias device: G+ 3 down, G- 3 up
        delta.w[1][0] = 1 * step;      // layer 2, row 0: G+ 1 up, G- 1 down
        chip.resetCounters();
        chip.program(delta);
        ChipCounters c = chip.counters();
        // G+ pass: row 0: up 2 + down 1; row 1: up 4 + down 3; layer 2 row 0: up 1.  G- pass mirrors it: the same counts.
        long perPass = (2 + 1) + (4 + 3) + 1;
        assertEquals(2 * perPass, c.programmingSlots());
        assertEquals(2L * (2 + 1 + 4 + 3 + 1), c.pulsesUp() + c.pulsesDown(), "both devices of each pair take the same pulses");
        chip.resetCounters();
        chip.readWeights();
        assertEquals(2L * PARAMETERS, chip.counters().weightReads(), "a verification read of both devices of every parameter");
    }

    /** The host's multiply-accumulates of an EP update, derived by hand. */
    @Test
    void theHostsWorkIsCounted() {
        int batch = 3;
        // a smooth curve: the hidden layer reads differently in the two nudged phases (on a rail it may not, and then
        // the rule forms one product of the difference instead of two)
        AnalogChip chip = AnalogChip.fabricate(ModelLoader.load("ideal", List.of("neuron.transfer=sigmoid")), NET, 2);
        RuleSettings s = RuleSettings.of(Rule.EP, 0.5, EquilibriumPropagation.Nudging.SYMMETRIC, 5, 3, 0, 1, new double[] {0.1, 0.05});
        EquilibriumPropagation ep = new EquilibriumPropagation(s, 1);
        ep.train(chip, inputs(batch), new double[] {1, 0, 0, 1, 1, 0}, batch);
        // layer 1: the input reads the same in both phases, one product of the difference (3 x (4 + 1) per example);
        // layer 2: two products (2 x 2 x 3); the bias sums (3 + 2); then the learning rate times every parameter
        long expected = batch * (3 * (4 + 1) + 2 * 2 * 3 + (3 + 2)) + PARAMETERS;
        assertEquals(expected, ep.hostWork().macs());
    }
}
