package epsim.chip;

import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.rule.EquilibriumPropagation;
import epsim.rule.Rule;
import epsim.rule.RuleSettings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The crossbars' energy the chip counts equals an independent sum of G V^2 dt over every device
 * that conducts in a step, computed here from the devices' conductances (persist) and the
 * voltages read before each step (ideal ADCs read rho(u) exactly).
 */
class CrossbarEnergyTest {
    private static final Topology NET = new Topology(5, 4, 3, 2);

    /**
     * 1e-12 relative: both sides add the same few hundred positive products of doubles in a
     * different order, so they agree to a few ulps (~1e-15 relative); a wrong index, a missing
     * crossbar or a wrong gain is off by far more than 1e-12.
     */
    private static final double TOLERANCE = 1e-12;

    private static AnalogChip chip() {
        // rram: every device has its own bounds (device-to-device spread), so G+ + G- differs from device to device;
        // a smooth curve, so the voltages are not on a rail; ideal converters, so a read returns rho(u) exactly
        HardwareModel m = ModelLoader.load("rram", List.of("neuron.transfer=sigmoid", "periphery.adcBits=ideal", "periphery.dacBits=ideal"));
        AnalogChip chip = AnalogChip.fabricate(m, NET, 4);
        RuleSettings s = RuleSettings.of(Rule.EP, 0.5, EquilibriumPropagation.Nudging.SYMMETRIC, 6, 3, 0, 1, new double[] {1, 1, 1});
        double[] x = inputs(2), y = {1, 0, 0, 1};
        for (int i = 0; i < 3; i++) new EquilibriumPropagation(s, 1).train(chip, x, y, 2); // pulses move the devices apart
        return chip;
    }

    private static double[] inputs(int batch) {
        double[] x = new double[batch * 5];
        for (int i = 0; i < x.length; i++) x[i] = ((i * 7) % 11) / 10.0;
        return x;
    }

    /** sum over the steps of dt * 1e-6 * sum over conducting devices of G (µS) V^2, recomputed device by device. */
    private static double independentEnergy(AnalogChip chip, int steps, boolean[] clamped, double gain, int batch) {
        return independentEnergy(chip, steps, clamped, gain, batch, false);
    }

    /**
     * With ghost units every layer's bottom-up crossbar is read once more (by its ghost population),
     * and a hidden layer's top-down voltages are the cancelled ones, rho(u_{l+1}) - rho(v_l).
     */
    private static double independentEnergy(AnalogChip chip, int steps, boolean[] clamped, double gain, int batch, boolean ghosts) {
        double[][][] devices = chip.persist().devices(); // per layer k: weights G+, weights G-, bias G+, bias G- (one array each: no drift)
        double dt = chip.model().neuron().dt(), joules = 0;
        int layers = NET.weightLayers();
        for (int step = 0; step < steps; step++) {
            double[][] v = new double[layers + 1][], ghost = new double[layers][];
            for (int l = 0; l <= layers; l++) v[l] = chip.read(l);
            if (ghosts) for (int k = 0; k < layers; k++) ghost[k] = chip.readGhost(k);
            double power = 0;
            for (int s = 0; s < batch; s++) {
                for (int l = 1; l <= layers; l++) {
                    int reads = (clamped[l] ? 0 : 1) + (ghosts ? 1 : 0);
                    int k = l - 1, rows = NET.size(l), cols = NET.size(l - 1);
                    double[] gp = devices[4 * k][0], gm = devices[4 * k + 1][0], bp = devices[4 * k + 2][0], bm = devices[4 * k + 3][0];
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            double volts = v[l - 1][s * cols + j];
                            power += reads * (gp[i * cols + j] + gm[i * cols + j]) * volts * volts;
                        }
                        power += reads * (bp[i] + bm[i]); // the bias column at 1 V
                    }
                    if (clamped[l]) continue;
                    if (l < layers && gain != 0) {
                        int above = NET.size(l + 1);
                        double[] up = devices[4 * l][0], um = devices[4 * l + 1][0];
                        for (int a = 0; a < above; a++) {
                            double volts = gain * (v[l + 1][s * above + a] - (ghosts ? ghost[l][s * above + a] : 0));
                            for (int i = 0; i < rows; i++) power += (up[a * rows + i] + um[a * rows + i]) * volts * volts;
                        }
                    }
                }
            }
            joules += power * 1e-6 * dt;
            chip.relax(1, 0);
        }
        return joules;
    }

    @Test
    void freeNetworkWithFeedback() {
        AnalogChip chip = chip();
        chip.setInputs(inputs(2), 2);
        chip.setFeedbackGain(0.7);
        chip.resetState();
        chip.relax(3, 0); // away from rest, so every layer's voltages differ
        double before = chip.counters().crossbarJoules();
        double expected = independentEnergy(chip, 6, new boolean[4], 0.7, 2);
        double counted = chip.counters().crossbarJoules() - before;
        assertTrue(expected > 0);
        assertEquals(expected, counted, TOLERANCE * expected);
    }

    @Test
    void aClampedLayerDrivesButIsNotRead() {
        AnalogChip chip = chip();
        chip.setInputs(inputs(2), 2);
        chip.clamp(2, new double[] {0.9, 0.1, 0.4, 0.3, 0.8, 0.6});
        chip.resetState();
        chip.relax(2, 0);
        double before = chip.counters().crossbarJoules();
        double expected = independentEnergy(chip, 4, new boolean[] {false, false, true, false}, 1, 2);
        double counted = chip.counters().crossbarJoules() - before;
        assertEquals(expected, counted, TOLERANCE * expected);
    }

    @Test
    void ghostUnitsReadAgainAndCancel() {
        AnalogChip chip = chip();
        chip.setInputs(inputs(2), 2);
        chip.setGhostUnits(true);
        chip.resetState();
        chip.setNudge(new double[] {1, 0, 0, 1}, 0.5); // a target, so that the cancelled voltages are not 0
        chip.relax(2, 0);
        double before = chip.counters().crossbarJoules();
        double expected = independentEnergy(chip, 4, new boolean[4], 1, 2, true);
        double counted = chip.counters().crossbarJoules() - before;
        assertEquals(expected, counted, TOLERANCE * expected);
    }
}
