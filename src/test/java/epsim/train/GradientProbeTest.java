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

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        // a probe on which nothing settles ends in the same one line (examples that do not settle among others are passed over and counted)
        epsim.data.Dataset data = d.asDataset(t, "synthetic");
        RuleSettings s = RuleSettings.defaults(t).with(epsim.rule.RuleSetting.RULE, Rule.EP);
        UserError p = assertThrows(UserError.class, () -> GradientProbe.probe(chip, s.create(1), data,
                new GradientProbe.Plan(2, 1, GradientProbe.Selection.CONSECUTIVE)));
        assertTrue(p.getMessage().contains("did not settle"), p.getMessage());
        UserError q = assertThrows(UserError.class, () -> GradientProbe.probe(chip, s.create(1), data,
                new GradientProbe.Plan(2, 1, GradientProbe.Selection.INFORMATIVE)));
        assertTrue(q.getMessage().contains("did not settle on any of the 2 examples screened"), q.getMessage());
    }

    /** Batches with a zero exact gradient are said in words and left out; a layer with none left says so instead of NaN. */
    @Test
    void aZeroGradientIsSaidInWords() {
        GradientProbe.Figure none = new GradientProbe.Figure(Double.NaN, Double.NaN, 0), some = new GradientProbe.Figure(0.5, 0.1, 3);
        GradientProbe.Report r = new GradientProbe.Report(List.of(new GradientProbe.LayerFigures(some, some, some),
                new GradientProbe.LayerFigures(none, none, none)), new GradientProbe.LayerFigures(some, some, some), 5, 2,
                GradientProbe.Selection.CONSECUTIVE, 0, 0, 3, 0, null);
        List<String> lines = GradientProbe.describe(r, RuleSettings.defaults(new Topology(4, 6, 3)));
        String all = String.join("\n", lines);
        assertTrue(lines.get(0).contains("beta 1.0") && lines.get(0).contains("30 free and 8 nudged steps") && lines.get(0).contains("tolerance"),
                lines.get(0));
        assertTrue(all.contains("2 of 5 batches have an exact gradient of zero"), all);
        assertTrue(all.contains("layer 2: the exact gradient is zero on every batch"), all);
        assertTrue(all.contains("layer 1: cosine 0.5000 ± 0.1000"), all);
        assertTrue(all.contains("3 of the examples screened passed over: the ideal copy's dynamics did not settle"), all);
        assertTrue(!all.contains("NaN"), all);
    }

    /** A net with strong biases clips most examples (143 of the 200 below) on the rails: their exact gradient is zero. */
    private static AnalogChip saturatedChip(Topology t) {
        LayerParams w = new LayerParams(t);
        epsim.common.Rng rng = epsim.common.Rng.stream(7, "test-weights");
        for (int k = 0; k < t.weightLayers(); k++) {
            for (int i = 0; i < w.w[k].length; i++) w.w[k][i] = 0.5 * (2 * rng.nextDouble() - 1);
            for (int i = 0; i < w.b[k].length; i++) w.b[k][i] = 1.2 * (2 * rng.nextDouble() - 1); // strong biases push units onto the rails
        }
        return AnalogChip.withWeights(ModelLoader.load("ideal", List.of("device.gMax=100")), w, 1);
    }

    /** EP's cheap screen (the free equilibrium's cost slope) says the same as the exact reference, example by example. */
    @Test
    void epsScreenAgreesWithItsExactReference() {
        Topology t = new Topology(4, 6, 3);
        AnalogChip chip = saturatedChip(t);
        RuleSettings s = RuleSettings.defaults(t).with(epsim.rule.RuleSetting.RULE, Rule.EP);
        epsim.data.Dataset d = SyntheticBatch.draw(t, 200, 3).asDataset(t, "synthetic");
        LayerParams w = chip.readWeights();
        int zero = 0;
        for (int i = 0; i < d.count(); i++) {
            epsim.data.Dataset.Examples one = d.examples(new int[] {i}, 0, 1, t.outputSize());
            boolean exact = false;
            for (double g : Rule.EP.reference(w, chip.transfer(), chip.model().neuron().epsilon(), s, one.inputs(), one.targets(), 1).flatten()) {
                exact |= g != 0;
            }
            if (!exact) zero++;
            assertEquals(exact, Rule.EP.carriesGradient(w, chip.transfer(), chip.model().neuron().epsilon(), s, one.inputs(), one.targets()),
                    "example " + i);
        }
        assertTrue(zero > 20 && zero < 180, "the test needs both kinds of example: " + zero + " of 200 have a zero gradient");
    }

    /** Consecutive batches of one example hit zero gradients; the informative selection passes over them and measures a direction. */
    @Test
    void theInformativeSelectionPassesOverZeroGradients() {
        Topology t = new Topology(4, 6, 3);
        epsim.data.Dataset d = SyntheticBatch.draw(t, 200, 3).asDataset(t, "synthetic");
        RuleSettings s = RuleSettings.defaults(t).with(epsim.rule.RuleSetting.RULE, Rule.EP).withBeta(0.01)
                .with(epsim.rule.RuleSetting.FREE_STEPS, 2000).with(epsim.rule.RuleSetting.NUDGE_STEPS, 2000).with(epsim.rule.RuleSetting.TOLERANCE, 1e-12);
        GradientProbe.Report plain = GradientProbe.probe(saturatedChip(t), s.create(1), d, new GradientProbe.Plan(1, 20, GradientProbe.Selection.CONSECUTIVE));
        assertTrue(plain.zeroGradient() > 0, "consecutive examples include clipped ones");
        GradientProbe.Report screened = GradientProbe.probe(saturatedChip(t), s.create(1), d, new GradientProbe.Plan(4, 5, GradientProbe.Selection.INFORMATIVE));
        assertEquals(0, screened.zeroGradient());
        assertEquals(5, screened.batches());
        assertTrue(screened.screenedOut() > 0 && screened.screened() >= 20 + screened.screenedOut(), screened.toString());
        // the ideal chip at a small beta and settled phases: EP's update is the gradient up to O(beta)
        assertTrue(screened.overall().cosine().mean() > 0.99, screened.overall().cosine().toString());
        String all = String.join("\n", GradientProbe.describe(screened, s));
        assertTrue(all.contains("examples screened have an exact gradient of zero") && !all.contains("NaN"), all);
    }
}
