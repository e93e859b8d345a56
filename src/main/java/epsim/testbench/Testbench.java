package epsim.testbench;

import com.fasterxml.jackson.databind.JsonNode;
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
                        List<String> overrides, Topology net, long seed, int batch, String check,
                        RuleSettings rule, JsonNode params, Map<String, Bound> bounds) {

    /** Check kind -> parameters it accepts -> bounds it accepts. */
    static final Map<String, List<Set<String>>> CHECKS = new LinkedHashMap<>();

    static {
        CHECKS.put("references-agree", List.of(Set.of("fdStep", "bpttSteps"), Set.of("relativeError")));
        CHECKS.put("rule-vs-implicit", List.of(Set.of(), Set.of("cosine", "relativeError")));
        CHECKS.put("beta-order", List.of(Set.of("betas"), Set.of("slope")));
        CHECKS.put("gdu", List.of(Set.of("steps"), Set.of("normalizedError")));
        CHECKS.put("adc-sweep", List.of(Set.of("adcBits", "seeds"), Set.of("stepRise", "overallRise")));
        CHECKS.put("device-physics", List.of(Set.of("devices", "pulses"), Set.of("relativeError")));
        CHECKS.put("bp-vs-fd", List.of(Set.of("fdStep"), Set.of("relativeError")));
        CHECKS.put("chl-weak-feedback", List.of(Set.of("gammas"), Set.of("relativeError", "slope")));
        CHECKS.put("gaitprop-orthogonal", List.of(Set.of("mixes"), Set.of("relativeError", "growth", "regulariserError")));
        CHECKS.put("lagrangian-saddle", List.of(Set.of("iterations"), Set.of("constraint", "multiplierError", "gradientError")));
        CHECKS.put("ghost-cancellation", List.of(Set.of(), Set.of("maxDifference")));
        CHECKS.put("ghost-vs-bp", List.of(Set.of("betas"), Set.of("cosine", "slope")));
        CHECKS.put("spice-equilibrium", List.of(Set.of("nets", "transfers"), Set.of("maxDifference")));
        CHECKS.put("spice-transient", List.of(Set.of("dts", "duration"), Set.of("maxDifference", "order")));
        CHECKS.put("spice-ep", List.of(Set.of(), Set.of("relativeError")));
    }

    private static final Set<String> TOP = Set.of("description", "why", "model", "set", "net", "seed", "batch",
            "check", "rule", "params", "bounds");

    public static Testbench parse(JsonNode root, String file, String name) {
        Fields f = new Fields(file);
        if (root == null || !root.isObject()) throw new UserError(file + ": expected a JSON object");
        f.onlyKeys(root, "", TOP);
        String check = f.text(root, "check");
        if (!CHECKS.containsKey(check)) {
            throw new UserError(file + ": check: unknown check \"" + check + "\" (expected one of "
                    + String.join(", ", CHECKS.keySet()) + ")");
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
        Topology net = Topology.parse(f.text(root, "net"), file + ": net");
        long seed = f.integer(root, "seed", 0, Long.MAX_VALUE);
        int batch = (int) f.integer(root, "batch", 1, 100_000);

        // a testbench measures estimates (no learning rate), names its rule and states its phases'
        // step cap and tolerance; the nudged phase defaults to the free phase's cap
        JsonNode ruleNode = f.object(root, "rule");
        RuleSettings rule = RuleSettings.defaults(net).with(RuleSetting.LEARNING_RATES, new double[net.weightLayers()])
                .read(ruleNode, file + ": rule", net, List.of(RuleSetting.RULE, RuleSetting.FREE_STEPS, RuleSetting.TOLERANCE));
        if (!ruleNode.has(RuleSetting.NUDGE_STEPS.key)) rule = rule.with(RuleSetting.NUDGE_STEPS, rule.freeSteps());

        JsonNode params = root.has("params") ? f.object(root, "params") : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        f.onlyKeys(params, "params.", CHECKS.get(check).get(0));
        JsonNode boundsNode = f.object(root, "bounds");
        f.onlyKeys(boundsNode, "bounds.", CHECKS.get(check).get(1));
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
        for (String needed : CHECKS.get(check).get(1)) {
            if (!bounds.containsKey(needed)) throw new UserError(file + ": bounds." + needed + ": missing (check " + check + " needs it)");
        }
        String why = f.text(root, "why");
        String description = f.text(root, "description");
        String model = f.text(root, "model");
        return new Testbench(file, name, description, why, model, overrides, net, seed, batch, check, rule, params, bounds);
    }

    /** Field readers whose errors name the file and the field. */
    static final class Fields {
        final String file;

        Fields(String file) {
            this.file = file;
        }

        UserError error(String field, String expected, JsonNode got) {
            return new UserError(file + ": " + field + ": expected " + expected + ", got "
                    + (got == null ? "nothing" : (got.isContainerNode() ? (got.isArray() ? "an array" : "an object") : got.toString())));
        }

        void onlyKeys(JsonNode node, String prefix, Set<String> allowed) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!allowed.contains(k)) {
                    throw new UserError(file + ": " + prefix + k + ": unknown field"
                            + (allowed.isEmpty() ? " (this check takes none)" : " (expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")"));
                }
            }
        }

        String text(JsonNode node, String key) {
            return text(node, key, key);
        }

        String text(JsonNode node, String key, String field) {
            JsonNode n = node.get(key);
            if (n == null || !n.isTextual()) throw error(field, "a string", n);
            return n.asText();
        }

        JsonNode object(JsonNode node, String key) {
            JsonNode n = node.get(key);
            if (n == null || !n.isObject()) throw error(key, "an object", n);
            return n;
        }

        long integer(JsonNode node, String key, long min, long max) {
            return integer(node, key, key, min, max);
        }

        long integer(JsonNode node, String key, String field, long min, long max) {
            JsonNode n = node.get(key);
            if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
                throw error(field, "an integer in " + min + ".." + max, n);
            }
            return n.asLong();
        }

        double number(JsonNode node, String key, String field, double low, boolean inclusive) {
            JsonNode n = node.get(key);
            if (n == null || !n.isNumber() || !Double.isFinite(n.asDouble())
                    || (inclusive ? n.asDouble() < low : n.asDouble() <= low)) {
                throw error(field, "a finite number " + (inclusive ? ">= " : "> ") + low, n);
            }
            return n.asDouble();
        }
    }
}
