package epsim.rule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.common.UserError;
import epsim.math.Topology;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every setting is read, validated and written from its one declaration. */
class RuleSettingsTest {
    private static final Topology NET = new Topology(6, 5, 3);

    @Test
    void everySettingRoundTripsThroughJson() {
        RuleSettings s = RuleSettings.defaults(NET).with(RuleSetting.RULE, Rule.GAITPROP).withBeta(0.3)
                .with(RuleSetting.NUDGING, EquilibriumPropagation.Nudging.RANDOM_SIGN).with(RuleSetting.FREE_STEPS, 17)
                .with(RuleSetting.NUDGE_STEPS, 5).with(RuleSetting.TOLERANCE, 1e-7).with(RuleSetting.READ_AVERAGES, 3)
                .with(RuleSetting.LEARNING_RATES, new double[] {0.2, 0.01}).with(RuleSetting.GAMMA, 0.05)
                .with(RuleSetting.ORTHOGONALITY, 0.1).with(RuleSetting.SADDLE_STEPS, 9).with(RuleSetting.SADDLE_RATE, 0.25)
                .with(RuleSetting.PENALTY, 2.0).with(RuleSetting.BP_LOSS, "mse");
        ObjectNode json = s.toJson();
        assertEquals(RuleSetting.values().length, json.size());
        RuleSettings back = RuleSettings.defaults(NET).read(json, "run.json: rule", NET, List.of(RuleSetting.values()));
        assertEquals(json, back.toJson());
        for (RuleSetting k : RuleSetting.values()) {
            if (k != RuleSetting.LEARNING_RATES) assertEquals(s.get(k), back.get(k), k.key);
        }
        assertEquals(0.05, back.gamma());
        assertTrue(!back.matchingLoss());
    }

    @Test
    void aRuleWithABetaOfItsOwnTakesItUnlessOneIsGiven() {
        RuleSettings d = RuleSettings.defaults(NET);
        assertEquals(GhostUnits.DEFAULT_BETA, d.given(Map.of(RuleSetting.RULE, Rule.GHOST)).beta());
        assertEquals(0.7, d.given(Map.of(RuleSetting.RULE, Rule.GHOST, RuleSetting.BETA, 0.7)).beta());
        assertEquals(1.0, d.given(Map.of(RuleSetting.RULE, Rule.CHL)).beta());
        assertEquals(ContrastiveHebbian.DEFAULT_GAMMA, d.given(Map.of(RuleSetting.RULE, Rule.CHL)).gamma());
        assertEquals(GaitProp.DEFAULT_GAMMA, d.given(Map.of(RuleSetting.RULE, Rule.GAITPROP)).gamma());
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        var json = RuleSettings.defaults(NET).toJson();
        json.put("beta", -1.0);
        UserError e = assertThrows(UserError.class, () -> RuleSettings.defaults(NET).read(json, "f.json: rule", NET, List.of()));
        assertEquals("f.json: rule.beta: expected a finite number > 0, got -1.0", e.getMessage());
        json.put("beta", 1.0);
        json.put("freeSteps", "30");
        e = assertThrows(UserError.class, () -> RuleSettings.defaults(NET).read(json, "f.json: rule", NET, List.of()));
        assertTrue(e.getMessage().startsWith("f.json: rule.freeSteps: expected an integer"), e.getMessage());
        json.put("freeSteps", 30);
        json.put("learningRates", RuleSettings.defaults(new Topology(6, 5, 4, 3)).toJson().get("learningRates"));
        e = assertThrows(UserError.class, () -> RuleSettings.defaults(NET).read(json, "f.json: rule", NET, List.of()));
        assertTrue(e.getMessage().contains("expected 1 or 2 rates"), e.getMessage());
        json.remove("learningRates");
        json.put("surprise", 1);
        e = assertThrows(UserError.class, () -> RuleSettings.defaults(NET).read(json, "f.json: rule", NET, List.of()));
        assertTrue(e.getMessage().startsWith("f.json: rule.surprise: unknown field"), e.getMessage());
        json.remove("surprise");
        json.remove("tolerance");
        e = assertThrows(UserError.class, () -> RuleSettings.defaults(NET).read(json, "f.json: rule", NET, List.of(RuleSetting.TOLERANCE)));
        assertTrue(e.getMessage().startsWith("f.json: rule.tolerance: missing"), e.getMessage());
        e = assertThrows(UserError.class, () -> RuleSetting.RULE.parse(List.of("sgd"), "--rule", NET));
        assertEquals("--rule sgd: expected one of " + Rule.labels(), e.getMessage());
    }
}
