package epsim.train;

import epsim.chip.AnalogChip;
import epsim.common.UserError;
import epsim.data.SyntheticBatch;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.ModelLoader;
import epsim.rule.Rule;
import epsim.rule.RuleSettings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gradient probe explains in one line what it cannot measure, instead of an internal error or NaN. */
class GradientProbeTest {
    @Test
    void aReferenceThatDoesNotSettleIsExplained() {
        // strong weights and a full Euler step (dt = tau) on a smooth curve: the ideal copy's discrete dynamics oscillate
        Topology t = new Topology(4, 6, 3);
        LayerParams w = new LayerParams(t);
        for (int k = 0; k < t.weightLayers(); k++) for (int i = 0; i < w.w[k].length; i++) w.w[k][i] = (i % 2 == 0 ? 1 : -1) * 9.0;
        AnalogChip chip = AnalogChip.withWeights(ModelLoader.load("ideal", List.of("neuron.transfer=tanh", "device.gMax=100")), w, 1);
        SyntheticBatch d = SyntheticBatch.draw(t, 2, 1);
        UserError e = assertThrows(UserError.class, () -> GradientProbe.reference(chip, RuleSettings.defaults(t).with(epsim.rule.RuleSetting.RULE, Rule.EP),
                d.inputs(), d.targets(), 2));
        assertTrue(e.getMessage().contains("did not settle") && e.getMessage().contains("no stable equilibrium"), e.getMessage());
    }

    /** Batches with a zero exact gradient are said in words and left out; a layer with none left says so instead of NaN. */
    @Test
    void aZeroGradientIsSaidInWords() {
        GradientProbe.Figure none = new GradientProbe.Figure(Double.NaN, Double.NaN, 0), some = new GradientProbe.Figure(0.5, 0.1, 3);
        GradientProbe.Report r = new GradientProbe.Report(List.of(new GradientProbe.LayerFigures(some, some, some),
                new GradientProbe.LayerFigures(none, none, none)), 5, 2);
        List<String> lines = GradientProbe.describe(r, RuleSettings.defaults(new Topology(4, 6, 3)));
        String all = String.join("\n", lines);
        assertTrue(lines.get(0).contains("beta 1.0") && lines.get(0).contains("30 free and 8 nudged steps") && lines.get(0).contains("tolerance"),
                lines.get(0));
        assertTrue(all.contains("2 of 5 batches have an exact gradient of zero"), all);
        assertTrue(all.contains("layer 2: the exact gradient is zero on every batch"), all);
        assertTrue(all.contains("layer 1: cosine 0.5000 ± 0.1000"), all);
        assertTrue(!all.contains("NaN"), all);
    }
}
