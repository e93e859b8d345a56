package epsim.testbench;

import epsim.chip.AnalogChip;
import epsim.common.JsonFields;
import epsim.common.UserError;
import epsim.data.SyntheticBatch;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.reference.Compare;
import epsim.reference.IdealNetwork;
import epsim.reference.References;
import epsim.rule.EquilibriumPropagation;
import epsim.rule.Phases;
import epsim.rule.RuleSettings;

import java.util.ArrayList;
import java.util.List;

/** The checks of EP against the exact references (registered in {@link CheckKind}). Each returns its rows; bounds come from the file. */
final class Checks {
    private Checks() {}


    static List<Row> referencesAgree(Testbench tb) {
        JsonFields f = tb.fields();
        double h = tb.params().has("fdStep") ? f.number(tb.params(), "fdStep", "params.fdStep", 0, false) : 1e-5;
        int steps = (int) f.integer(tb.params(), "bpttSteps", "params.bpttSteps", 1, 1_000_000);
        AnalogChip chip = AnalogChip.fabricate(CheckSupport.model(tb, List.of()), tb.net(), tb.seed());
        SyntheticBatch d = SyntheticBatch.draw(tb.net(), tb.batch(), tb.seed());
        IdealNetwork net = CheckSupport.idealCopy(chip);
        LayerParams implicit = References.implicit(net, d.inputs(), d.targets(), tb.batch());
        LayerParams fd = References.finiteDifferences(net, d.inputs(), d.targets(), tb.batch(), h, null);
        LayerParams bptt = References.bptt(net, d.inputs(), d.targets(), tb.batch(), steps);
        Bound bound = tb.bounds().get("relativeError");
        List<Row> rows = new ArrayList<>();
        for (int k = 0; k < tb.net().weightLayers(); k++) {
            String layer = "layer " + (k + 1) + ": ";
            rows.add(new Row(tb.name(), layer + "finite differences vs implicit, relative error",
                    Compare.relativeError(fd.layerVector(k), implicit.layerVector(k)), bound));
            rows.add(new Row(tb.name(), layer + "BPTT vs implicit, relative error",
                    Compare.relativeError(bptt.layerVector(k), implicit.layerVector(k)), bound));
            rows.add(new Row(tb.name(), layer + "BPTT vs finite differences, relative error",
                    Compare.relativeError(bptt.layerVector(k), fd.layerVector(k)), bound));
        }
        return rows;
    }

    static List<Row> ruleVsImplicit(Testbench tb) {
        AnalogChip chip = AnalogChip.fabricate(CheckSupport.model(tb, List.of()), tb.net(), tb.seed());
        SyntheticBatch d = SyntheticBatch.draw(tb.net(), tb.batch(), tb.seed());
        LayerParams ep = new EquilibriumPropagation(tb.rule(), tb.seed()).estimate(chip, d.inputs(), d.targets(), tb.batch()).gradient();
        LayerParams implicit = References.implicit(CheckSupport.idealCopy(chip), d.inputs(), d.targets(), tb.batch());
        List<Row> rows = new ArrayList<>();
        String rule = "EP " + tb.rule().nudging().label + " (beta " + tb.rule().beta() + ")";
        for (int k = 0; k < tb.net().weightLayers(); k++) {
            String layer = "layer " + (k + 1) + ": " + rule + " vs implicit, ";
            rows.add(new Row(tb.name(), layer + "cosine",
                    Compare.cosine(ep.layerVector(k), implicit.layerVector(k)), tb.bounds().get("cosine")));
            rows.add(new Row(tb.name(), layer + "relative error",
                    Compare.relativeError(ep.layerVector(k), implicit.layerVector(k)), tb.bounds().get("relativeError")));
        }
        return rows;
    }

    static List<Row> betaOrder(Testbench tb) {
        double[] betas = CheckSupport.numbers(tb, "betas", 3);
        AnalogChip chip = AnalogChip.fabricate(CheckSupport.model(tb, List.of()), tb.net(), tb.seed());
        SyntheticBatch d = SyntheticBatch.draw(tb.net(), tb.batch(), tb.seed());
        double[] implicit = References.implicit(CheckSupport.idealCopy(chip), d.inputs(), d.targets(), tb.batch()).flatten();
        List<Row> rows = new ArrayList<>();
        int n = betas.length;
        double[] logBeta = new double[n], logErr = new double[n];
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (int i = 0; i < n; i++) {
            double beta = betas[i];
            RuleSettings s = tb.rule();
            EquilibriumPropagation ep = new EquilibriumPropagation(s.withBeta(beta), tb.seed());
            double err = Compare.relativeError(ep.estimate(chip, d.inputs(), d.targets(), tb.batch()).gradient().flatten(), implicit);
            rows.add(new Row(tb.name(), "EP " + s.nudging().label + " relative error at beta " + beta, err, Bound.REPORT));
            logBeta[i] = Math.log(beta);
            logErr[i] = Math.log(err);
            lo = Math.min(lo, beta);
            hi = Math.max(hi, beta);
        }
        rows.add(new Row(tb.name(), "log-log slope of the error over beta in [" + lo + ", " + hi + "]",
                CheckSupport.slope(logBeta, logErr), tb.bounds().get("slope")));
        return rows;
    }

    /**
     * GDU (Ernoult et al. 2019): from the converged free state, the EP update of each nudged step,
     * (hebbian(u_t) - hebbian(u_{t-1})) contrasted over beta, against the BPTT gradient of the
     * parameters' copy used t steps before the end. Errors are over the whole K-step trajectory.
     */
    static List<Row> gdu(Testbench tb) {
        JsonFields f = tb.fields();
        int k = (int) f.integer(tb.params(), "steps", "params.steps", 1, 100_000);
        if (tb.rule().nudging() != EquilibriumPropagation.Nudging.ONE_SIDED) {
            throw new UserError(tb.file() + ": rule.nudging: the gdu check compares one-sided nudged steps; expected \"one-sided\"");
        }
        AnalogChip chip = AnalogChip.fabricate(CheckSupport.model(tb, List.of()), tb.net(), tb.seed());
        Topology t = tb.net();
        SyntheticBatch d = SyntheticBatch.draw(t, tb.batch(), tb.seed());
        double beta = tb.rule().beta();
        chip.setInputs(d.inputs(), tb.batch());
        chip.resetState();
        chip.relax(tb.rule().freeSteps(), tb.rule().tolerance());
        chip.setNudge(d.targets(), beta);
        List<LayerParams> ep = new ArrayList<>();
        double[][] previous = Phases.readAll(chip, t);
        for (int step = 0; step < k; step++) {
            chip.relax(1, 0);
            double[][] now = Phases.readAll(chip, t);
            ep.add(Phases.contrast(t, now, previous, tb.batch(), beta));
            previous = now;
        }
        List<LayerParams> bptt = References.bpttSteps(CheckSupport.idealCopy(chip), d.inputs(), d.targets(), tb.batch(), k);
        List<Row> rows = new ArrayList<>();
        for (int layer = 0; layer < t.weightLayers(); layer++) {
            rows.add(new Row(tb.name(), "layer " + (layer + 1) + ": EP steps vs BPTT steps over " + k
                    + " steps, normalized error", Compare.normalizedError(stack(ep, layer), stack(bptt, layer)),
                    tb.bounds().get("normalizedError")));
        }
        return rows;
    }

    private static double[] stack(List<LayerParams> steps, int layer) {
        int n = steps.get(0).layerVector(layer).length;
        double[] out = new double[n * steps.size()];
        for (int i = 0; i < steps.size(); i++) System.arraycopy(steps.get(i).layerVector(layer), 0, out, i * n, n);
        return out;
    }

    /**
     * Cosine between EP on the modelled chip and the exact gradient of its ideal copy, as the ADC
     * width varies. Every width sees the same devices, data and noise draws (common random
     * numbers: reads do not disturb the chip), so per seed the differences between widths come
     * from quantization alone. Monotonicity is judged on the paired differences over seeds: a
     * step "falls" when its mean is below zero by more than the bound's number of standard errors,
     * and the whole sweep must rise by more than its bound in standard errors.
     */
    static List<Row> adcSweep(Testbench tb) {
        int[] bits = CheckSupport.intArray(tb, "adcBits", 1, 24);
        int[] seeds = CheckSupport.intArray(tb, "seeds", 0, Integer.MAX_VALUE);
        if (bits.length < 2 || seeds.length < 2) {
            throw new UserError(tb.file() + ": params: adc-sweep needs at least 2 ADC widths and 2 seeds");
        }
        double[][] cos = new double[seeds.length][bits.length];
        double ownBits = 0;
        for (int si = 0; si < seeds.length; si++) {
            int seed = seeds[si];
            SyntheticBatch d = SyntheticBatch.draw(tb.net(), tb.batch(), seed);
            AnalogChip own = AnalogChip.fabricate(CheckSupport.model(tb, List.of()), tb.net(), seed);
            double[] implicit = References.implicit(CheckSupport.idealCopy(own), d.inputs(), d.targets(), tb.batch()).flatten();
            ownBits += cosine(tb, own, d, seed, implicit) / seeds.length;
            for (int i = 0; i < bits.length; i++) {
                AnalogChip chip = AnalogChip.fabricate(CheckSupport.model(tb, List.of("periphery.adcBits=" + bits[i])), tb.net(), seed);
                cos[si][i] = cosine(tb, chip, d, seed, implicit);
            }
        }
        List<Row> rows = new ArrayList<>();
        HardwareModel m = CheckSupport.model(tb, List.of());
        String own = m.periphery().adcBits() == HardwareModel.IDEAL ? "ideal" : String.valueOf(m.periphery().adcBits());
        rows.add(new Row(tb.name(), "cosine to the ideal chip's exact gradient, model as given (ADC " + own
                + " bits), mean of " + seeds.length + " seeds", ownBits, Bound.REPORT));
        for (int i = 0; i < bits.length; i++) {
            double mean = 0;
            for (double[] c : cos) mean += c[i] / seeds.length;
            rows.add(new Row(tb.name(), "cosine with a " + bits[i] + "-bit ADC, mean of " + seeds.length + " seeds",
                    mean, Bound.REPORT));
        }
        for (int i = 1; i < bits.length; i++) {
            rows.add(new Row(tb.name(), "rise from " + bits[i - 1] + " to " + bits[i]
                    + " bits, in standard errors of the paired difference", CheckSupport.pairedZ(cos, i - 1, i), tb.bounds().get("stepRise")));
        }
        rows.add(new Row(tb.name(), "rise from " + bits[0] + " to " + bits[bits.length - 1]
                + " bits, in standard errors of the paired difference", CheckSupport.pairedZ(cos, 0, bits.length - 1), tb.bounds().get("overallRise")));
        return rows;
    }

    private static double cosine(Testbench tb, AnalogChip chip, SyntheticBatch d, long seed, double[] implicit) {
        EquilibriumPropagation ep = new EquilibriumPropagation(tb.rule(), seed);
        return Compare.cosine(ep.estimate(chip, d.inputs(), d.targets(), tb.batch()).gradient().flatten(), implicit);
    }
}
