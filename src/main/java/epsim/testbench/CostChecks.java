package epsim.testbench;

import epsim.chip.AnalogChip;
import epsim.chip.ChipCounters;
import epsim.common.UserError;
import epsim.cost.EventCost;
import epsim.data.SyntheticBatch;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.rule.LearningRule;
import epsim.rule.RuleSetting;
import epsim.rule.RuleSettings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a rule costs the chip (docs/cost.md), checked three ways: every counter of a fixed schedule
 * against its count derived by hand; the crossbars' energy against an independent device-by-device
 * sum of G V^2 dt; and the cost totals against the counts times the model's constants, recomputed here.
 */
final class CostChecks {
    private CostChecks() {}

    static List<Row> costAccounting(Testbench tb) {
        HardwareModel m = CheckSupport.model(tb, List.of());
        if (m.cost() == null) throw new UserError(tb.file() + ": model: the cost-accounting check needs a model with a cost section");
        if (m.periphery().adcBits() != HardwareModel.IDEAL) {
            throw new UserError(tb.file() + ": set: the cost-accounting check reads the voltages it sums through the ADCs: give periphery.adcBits=ideal");
        }
        if (tb.rule().rule() != epsim.rule.Rule.EP || tb.rule().tolerance() != 0 || tb.rule().readAverages() != 1) {
            throw new UserError(tb.file() + ": rule: the cost-accounting check derives EP's schedule by hand: give name ep, tolerance 0 and readAverages 1");
        }
        Topology t = tb.net();
        int batch = tb.batch(), free = tb.rule().freeSteps(), nudge = tb.rule().nudgeSteps(), layers = t.weightLayers();
        boolean symmetric = tb.rule().nudging() == epsim.rule.EquilibriumPropagation.Nudging.SYMMETRIC;
        int phases = symmetric ? 3 : 2;
        double[] rates = new double[layers];
        Arrays.fill(rates, 0.5);
        RuleSettings settings = tb.rule().with(RuleSetting.LEARNING_RATES, rates);
        AnalogChip chip = AnalogChip.fabricate(m, t, tb.seed());
        SyntheticBatch d = SyntheticBatch.draw(t, batch, tb.seed());
        LearningRule rule = settings.create(tb.seed());
        chip.resetCounters();
        rule.train(chip, d.inputs(), d.targets(), batch);
        ChipCounters c = chip.counters();
        long macs = rule.hostWork().macs();

        long steps = (long) (free + (phases - 1) * nudge) * batch, outputs = 0, perStep = 0, hostPerExample = 0;
        for (int l = 1; l <= layers; l++) {
            outputs += t.size(l);
            perStep += 2L * ((long) t.size(l) * t.size(l - 1) + t.size(l)) + (l < layers ? 2L * t.size(l + 1) * t.size(l) : 0);
            // the input reads the same in every phase (one product of the difference); the layers above, two products
            hostPerExample += (l == 1 ? (long) t.size(1) * (t.size(0) + 1) : 2L * t.size(l) * t.size(l - 1)) + t.size(l);
        }
        Bound exact = tb.bounds().get("countError");
        List<Row> rows = new ArrayList<>();
        count(rows, tb, exact, "relaxations", c.relaxations(), (long) phases * batch);
        count(rows, tb, exact, "integration steps", c.steps(), steps);
        count(rows, tb, exact, "DAC conversions", c.dacConversions(), (long) batch * t.inputSize());
        count(rows, tb, exact, "ADC conversions (layers 1..L after each phase)", c.adcConversions(), phases * batch * outputs);
        count(rows, tb, exact, "crossbar device reads", c.deviceReads(), perStep * steps);
        count(rows, tb, exact, "host multiply-accumulates", macs, batch * hostPerExample + t.parameterCount());
        rows.add(new Row(tb.name(), "chip time vs steps x dt, relative error",
                Math.abs(c.chipSeconds() - steps * m.neuron().dt()) / (steps * m.neuron().dt()), tb.bounds().get("costError")));

        Bound energy = tb.bounds().get("energyError");
        energyRow(rows, tb, energy, chip, d, "free, feedback gain 0.7", new boolean[layers + 1], 0.7, false);
        boolean[] clamped = new boolean[layers + 1];
        clamped[Math.max(1, layers - 1)] = true; // a hidden layer where there is one: it drives both neighbours and is not read
        energyRow(rows, tb, energy, chip, d, "layer " + Math.max(1, layers - 1) + " clamped", clamped, 1, false);
        energyRow(rows, tb, energy, chip, d, "ghost units, nudged", new boolean[layers + 1], 1, true);

        EventCost.Figures f = EventCost.of(m, t, c, macs);
        HardwareModel.Cost k = m.cost();
        int adcBits = k.idealBits(), dacBits = m.periphery().dacBits() == HardwareModel.IDEAL ? k.idealBits() : m.periphery().dacBits();
        long pulses = c.pulsesUp() + c.pulsesDown() + (m.device().continuous() ? c.deviceUpdates() : 0);
        double[] expected = {
                (c.adcConversions() + c.weightReads()) * k.adcFom() * 1e-15 * (1L << adcBits),
                c.dacConversions() * k.dacFom() * 1e-15 * (1L << dacBits),
                c.crossbarJoules(),
                k.neuronPower() * 1e-6 * t.freeNeurons() * c.chipSeconds(),
                pulses * k.pulseEnergy() * 1e-12,
                macs * k.macEnergy() * 1e-12};
        double[] got = f.energy().components().values().stream().mapToDouble(Double::doubleValue).toArray();
        double total = 0, worst = 0;
        for (int i = 0; i < expected.length; i++) {
            total += expected[i];
            worst = Math.max(worst, Math.abs(got[i] - expected[i]) / Math.max(expected[i], Double.MIN_NORMAL));
        }
        rows.add(new Row(tb.name(), "energy by component vs counts x constants, largest relative error", worst, tb.bounds().get("costError")));
        rows.add(new Row(tb.name(), "total energy vs the sum of the recomputed parts, relative error",
                Math.abs(f.energy().total() - total) / total, tb.bounds().get("costError")));
        double latency = c.chipSeconds() + (c.adcConversions() + c.weightReads()) * k.adcSeconds() / k.adcs()
                + (double) c.dacConversions() / t.inputSize() * k.dacSeconds() + c.programmingSlots() * k.pulseSeconds() + macs * k.macSeconds();
        rows.add(new Row(tb.name(), "latency vs counts x times, relative error", Math.abs(f.latency().total() - latency) / latency,
                tb.bounds().get("costError")));
        rows.add(new Row(tb.name(), "energy per training sample (J)", f.energy().total() / batch, Bound.REPORT));
        return rows;
    }

    private static void count(List<Row> rows, Testbench tb, Bound bound, String what, long counted, long derived) {
        rows.add(new Row(tb.name(), what + ": counted - derived by hand", Math.abs(counted - derived), bound));
    }

    /** Relaxes {@code chip} in the given circuit for a few steps and compares its crossbar energy with the independent sum. */
    private static void energyRow(List<Row> rows, Testbench tb, Bound bound, AnalogChip chip, SyntheticBatch d, String circuit,
                                  boolean[] clamped, double gain, boolean ghosts) {
        Topology t = chip.topology();
        int batch = tb.batch(), layers = t.weightLayers();
        chip.setInputs(d.inputs(), batch);
        for (int l = 1; l <= layers; l++) {
            double[] held = null;
            if (clamped[l]) {
                held = new double[batch * t.size(l)];
                for (int i = 0; i < held.length; i++) held[i] = (i % 7) / 6.0;
            }
            chip.clamp(l, held);
        }
        chip.setFeedbackGain(gain);
        chip.setGhostUnits(ghosts);
        chip.setNudge(ghosts ? d.targets() : null, ghosts ? 0.5 : 0); // with ghosts, a target, so the cancelled voltages are not 0
        chip.resetState();
        chip.relax(2, 0); // away from rest: every layer's voltages differ
        epsim.chip.ChipCounters before = chip.counters();
        double[] expected = independentCrossbarEnergy(chip, 4, clamped, gain, ghosts);
        epsim.chip.ChipCounters counted = chip.counters().minus(before);
        rows.add(new Row(tb.name(), "crossbar energy (" + circuit + ") vs an independent sum of G V^2 dt, relative error",
                Math.abs(counted.crossbarJoules() - expected[0]) / expected[0], bound));
        double worst = 0;
        for (int k = 1; k <= layers; k++) {
            double byLayer = counted.layers().get(epsim.chip.LayerEvents.JOULES, k);
            worst = Math.max(worst, Math.abs(byLayer - expected[k]) / expected[0]);
        }
        rows.add(new Row(tb.name(), "crossbar energy by layer (" + circuit + ") vs the independent sums, largest error relative to the total",
                worst, bound));
        for (int l = 1; l <= layers; l++) chip.clamp(l, null);
        chip.setGhostUnits(false);
        chip.setFeedbackGain(1);
        chip.setNudge(null, 0);
    }

    /**
     * The crossbars' energy over the next {@code steps} one-step relaxations of {@code chip},
     * recomputed device by device: the conductances from the persisted state (no drift), the
     * voltages read through the (ideal) ADCs before each step. Every free layer reads its
     * bottom-up crossbar and bias column (full scale) and, with gain g, the crossbar above driven at g
     * times the layer above (with ghost units, at g (rho(u_{l+1}) - rho(v_l))); a ghost
     * population reads its layer's bottom-up crossbar once more.
     */
    static double[] independentCrossbarEnergy(AnalogChip chip, int steps, boolean[] clamped, double gain, boolean ghosts) {
        Topology t = chip.topology();
        double[][][] devices = chip.persist().devices(); // per layer k: weights G+, weights G-, bias G+, bias G- (one array each without drift)
        // physical volts: a full-scale output drives its row at readVoltage, for readPulse of each step
        double fullScale = chip.model().periphery().readVoltage(), pulse = chip.model().periphery().readPulse();
        double[] joules = new double[t.weightLayers() + 1]; // the total, then per crossbar k = 1..L (the devices below neuron layer k)
        int layers = t.weightLayers(), batch = chip.batch();
        for (int step = 0; step < steps; step++) {
            double[][] v = new double[layers + 1][], ghost = new double[layers][];
            for (int l = 0; l <= layers; l++) v[l] = chip.read(l);
            if (ghosts) for (int k = 0; k < layers; k++) ghost[k] = chip.readGhost(k);
            double[] power = new double[layers + 1];
            for (int s = 0; s < batch; s++) {
                for (int l = 1; l <= layers; l++) {
                    int reads = (clamped[l] ? 0 : 1) + (ghosts ? 1 : 0);
                    int k = l - 1, rows = t.size(l), cols = t.size(l - 1);
                    double[] gp = devices[4 * k][0], gm = devices[4 * k + 1][0], bp = devices[4 * k + 2][0], bm = devices[4 * k + 3][0];
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            double volts = fullScale * v[l - 1][s * cols + j];
                            power[l] += reads * (gp[i * cols + j] + gm[i * cols + j]) * volts * volts;
                        }
                        power[l] += reads * (bp[i] + bm[i]) * fullScale * fullScale;
                    }
                    if (clamped[l] || l == layers || gain == 0) continue;
                    int above = t.size(l + 1);
                    double[] up = devices[4 * l][0], um = devices[4 * l + 1][0];
                    for (int a = 0; a < above; a++) {
                        double volts = fullScale * gain * (v[l + 1][s * above + a] - (ghosts ? ghost[l][s * above + a] : 0));
                        for (int i = 0; i < rows; i++) power[l + 1] += (up[a * rows + i] + um[a * rows + i]) * volts * volts;
                    }
                }
            }
            for (int k = 1; k <= layers; k++) {
                joules[k] += power[k] * 1e-6 * pulse;
                joules[0] += power[k] * 1e-6 * pulse;
            }
            chip.relax(1, 0);
        }
        return joules;
    }
}
