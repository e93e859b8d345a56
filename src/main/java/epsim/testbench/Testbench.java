package epsim.testbench;

import com.fasterxml.jackson.databind.JsonNode;
import epsim.common.JsonFields;
import epsim.common.UserError;
import epsim.math.Topology;
import epsim.rule.RuleSetting;
import epsim.rule.RuleSettings;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed, validated testbench file: which chip (model, overrides, network, seed), which rule
 * with which settings, which check, its parameters and its bounds. See docs/testbenches.md.
 */
public record Testbench(String file, String name, String description, String why, String model,
                        List<String> overrides, Topology net, long seed, int batch, CheckKind check,
                        RuleSettings rule, JsonNode params, Map<String, Bound> bounds) {

    private static final Set<String> TOP = Set.of("description", "why", "model", "set", "net", "seed", "batch",
            "check", "rule", "params", "bounds");

    public static Testbench parse(JsonNode root, String file, String name) {
        JsonFields f = new JsonFields(file);
        if (root == null || !root.isObject()) throw new UserError(file + ": expected a JSON object");
        f.onlyKeys(root, "", TOP);
        String checkName = f.text(root, "check", "check");
        CheckKind check = CheckKind.fromLabel(checkName);
        if (check == null) {
            throw new UserError(file + ": check: unknown check \"" + checkName + "\" (expected one of " + CheckKind.labels() + ")");
        }
        List<String> overrides = new ArrayList<>();
        if (root.has("set")) {
            JsonNode set = root.get("set");
            if (!set.isArray()) throw new UserError(file + ": set: expected an array of \"section.field=value\" strings");
            for (JsonNode s : set) {
                if (!s.isTextual()) throw new UserError(file + ": set: expected strings like \"device.levels=64\"");
                overrides.add(s.asText());
            }
        }
        Topology net = Topology.parse(f.text(root, "net", "net"), file + ": net");
        long seed = f.integer(root, "seed", "seed", 0, Long.MAX_VALUE);
        int batch = (int) f.integer(root, "batch", "batch", 1, Math.min(100_000, net.maxBatch()));

        // a testbench measures estimates (no learning rate), names its rule and states its phases'
        // step cap and tolerance; the nudged phase defaults to the free phase's cap
        JsonNode ruleNode = f.object(root, "rule", "rule");
        RuleSettings rule = RuleSettings.defaults(net).with(RuleSetting.LEARNING_RATES, new double[net.weightLayers()])
                .read(ruleNode, file + ": rule", net, List.of(RuleSetting.RULE, RuleSetting.FREE_STEPS, RuleSetting.TOLERANCE));
        if (!ruleNode.has(RuleSetting.NUDGE_STEPS.key)) rule = rule.with(RuleSetting.NUDGE_STEPS, rule.freeSteps());

        JsonNode params = root.has("params") ? f.object(root, "params", "params") : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        f.onlyKeys(params, "params.", check.params);
        JsonNode boundsNode = f.object(root, "bounds", "bounds");
        f.onlyKeys(boundsNode, "bounds.", check.bounds);
        Map<String, Bound> bounds = new LinkedHashMap<>();
        for (Iterator<String> it = boundsNode.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode b = boundsNode.get(key);
            if (!b.isObject()) throw new UserError(file + ": bounds." + key + ": expected {\"min\": x} and/or {\"max\": y}");
            f.onlyKeys(b, "bounds." + key + ".", Set.of("min", "max"));
            Double min = b.has("min") ? f.number(b, "min", "bounds." + key + ".min", Double.NEGATIVE_INFINITY, true) : null;
            Double max = b.has("max") ? f.number(b, "max", "bounds." + key + ".max", Double.NEGATIVE_INFINITY, true) : null;
            if (min == null && max == null) throw new UserError(file + ": bounds." + key + ": give min, max or both");
            if (min != null && max != null && min > max) throw new UserError(file + ": bounds." + key + ": min is above max");
            bounds.put(key, new Bound(min, max));
        }
        for (String needed : check.bounds) {
            if (!bounds.containsKey(needed)) throw new UserError(file + ": bounds." + needed + ": missing (check " + check.label + " needs it)");
        }
        String why = f.text(root, "why", "why");
        String description = f.text(root, "description", "description");
        String model = f.text(root, "model", "model");
        return new Testbench(file, name, description, why, model, overrides, net, seed, batch, check, rule, params, bounds);
    }

    /** The reader of this testbench file's fields (its errors name the file). */
    JsonFields fields() {
        return new JsonFields(file);
    }
}
