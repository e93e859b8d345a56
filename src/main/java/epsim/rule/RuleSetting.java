package epsim.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import epsim.common.JsonFields;
import epsim.common.UserError;
import epsim.math.Topology;

import java.util.ArrayList;
import java.util.List;

/**
 * Every setting of a learning rule, declared once: its key in files (run.json, testbench files),
 * its command-line flag, its type and range, its default and its help text. The command line,
 * the file readers and writers, the validation and the settings table in docs/rules.md are all
 * derived from this list ({@link RuleSettings} holds the values).
 */
public enum RuleSetting {
    RULE("name", "--rule", "NAME", Kind.RULE, Rule.EP,
            "Learning rule: " + Rule.glossary() + "; docs/rules.md."),
    BETA("beta", "--beta", "B", Kind.positive(), 1.0,
            "Nudging strength beta > 0 (ghost: " + GhostUnits.DEFAULT_BETA + ")."),
    NUDGING("nudging", "--nudging", "KIND", Kind.NUDGING, EquilibriumPropagation.Nudging.SYMMETRIC,
            "EP nudging: one-sided, symmetric or random-sign."),
    FREE_STEPS("freeSteps", "--free-steps", "N", Kind.steps(), 30,
            "Step cap of the free phase."),
    NUDGE_STEPS("nudgeSteps", "--nudge-steps", "N", Kind.steps(), 8,
            "Step cap of each nudged phase."),
    TOLERANCE("tolerance", "--tolerance", "V", Kind.nonNegative(), 1e-4,
            "A phase ends early once max |du| is below this many volts."),
    READ_AVERAGES("readAverages", "--read-averages", "N", Kind.integer(1, 1_000_000), 1,
            "ADC reads averaged over N steps at the end of each phase."),
    LEARNING_RATES("learningRates", "--lr", "RATE", Kind.RATES, null,
            "Learning rate, one for all layers or one per weight layer, comma-separated."),
    GAMMA("gamma", "--gamma", "G", Kind.positive(), Double.NaN,
            "chl: feedback gain (default " + ContrastiveHebbian.DEFAULT_GAMMA + "); gaitprop: target step (default "
                    + GaitProp.DEFAULT_GAMMA + ")."),
    ORTHOGONALITY("orthogonality", "--ortho", "LAMBDA", Kind.nonNegative(), 0.0,
            "gaitprop: weight of the orthogonality regulariser (0: off)."),
    SADDLE_STEPS("saddleSteps", "--saddle-steps", "N", Kind.steps(), 40,
            "lagrangian: saddle-point iterations per batch."),
    SADDLE_RATE("saddleRate", "--saddle-rate", "ETA", Kind.positive(), 0.5,
            "lagrangian: step size of the saddle-point search."),
    PENALTY("penalty", "--penalty", "RHO", Kind.nonNegative(), 1.0,
            "lagrangian: augmented-Lagrangian penalty rho."),
    BP_LOSS("bpLoss", "--bp-loss", "LOSS", Kind.choice("matching", "mse"), "matching",
            "bp, gaitprop: matching (output delta x - y) or mse (through the output slope).");

    /** The key in run.json and testbench files. */
    public final String key;
    public final String flag;
    public final String paramLabel;
    final Kind kind;
    /** The training default (null: depends on the network, see {@link RuleSettings#defaults}). */
    final Object defaultValue;
    public final String help;

    RuleSetting(String key, String flag, String paramLabel, Kind kind, Object defaultValue, String help) {
        this.key = key;
        this.flag = flag;
        this.paramLabel = paramLabel;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.help = help;
    }

    /** Whether the flag takes a comma-separated list. */
    public boolean isList() {
        return kind == Kind.RATES;
    }

    /** What a value must be, for error messages and docs. */
    public String expectation() {
        return kind.expectation;
    }

    /** The default as the docs and --help show it. */
    public String defaultText() {
        if (defaultValue == null) return "0.1, halving per layer";
        if (this == GAMMA) return "the rule's";
        return text(defaultValue);
    }

    /** The help text ending with the default, unless it states its defaults itself. */
    public String helpWithDefault() {
        return helpWithDefault(defaultText());
    }

    /** The help text for a command whose defaults are {@code defaults} (they may differ from the declared ones). */
    public String helpWithDefault(RuleSettings defaults) {
        Object v = defaults.get(this), declared = RuleSettings.defaults(new Topology(1, 1, 1)).get(this);
        boolean same = v instanceof double[] a ? java.util.Arrays.equals(a, (double[]) declared) : v.equals(declared);
        if (same) return helpWithDefault();
        String shown = v instanceof double[] a ? java.util.Arrays.stream(a).distinct().mapToObj(String::valueOf)
                .collect(java.util.stream.Collectors.joining(", ")) : text(v);
        return helpWithDefault(shown);
    }

    private String helpWithDefault(String shown) {
        if (help.contains("(default")) return help;
        return help.substring(0, help.length() - 1) + " (default: " + shown + ").";
    }

    /**
     * Parses and validates command-line text ({@code where} names the flag in errors; a list
     * setting gets its comma-separated items).
     */
    public Object parse(List<String> items, String where, Topology t) {
        String shown = String.join(",", items);
        try {
            return kind.parse(items, t, where);
        } catch (NumberFormatException e) {
            throw new UserError(where + " " + shown + ": expected " + kind.expectation);
        }
    }

    /** Reads and validates a value from a file's JSON ({@code where} names file and field). */
    public Object read(JsonNode node, String where, Topology t) {
        List<String> items = new ArrayList<>();
        boolean typed = switch (kind.type) {
            case NUMBER -> node.isNumber() || isNonFinite(node);
            case INTEGER -> node.isIntegralNumber();
            case TEXT -> node.isTextual();
            case NUMBERS -> node.isArray();
        };
        if (typed && kind.type == Kind.Type.NUMBERS) {
            for (JsonNode n : node) {
                if (!n.isNumber()) {
                    typed = false;
                    break;
                }
                items.add(n.asText());
            }
        } else if (typed) {
            items.add(node.asText());
        }
        if (!typed) throw new UserError(where + ": expected " + kind.expectation + ", got " + describe(node));
        try {
            return kind.parse(items, t, where);
        } catch (NumberFormatException e) {
            throw new UserError(where + ": expected " + kind.expectation + ", got " + describe(node));
        }
    }

    private static boolean isNonFinite(JsonNode n) {
        return n.isTextual() && (n.asText().equals("NaN") || n.asText().contains("Infinity"));
    }

    /** The value as JSON (what run.json records). */
    public JsonNode json(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (kind.type) {
            case NUMBER -> f.numberNode((Double) value);
            case INTEGER -> f.numberNode((Integer) value);
            case TEXT -> f.textNode(text(value));
            case NUMBERS -> {
                ArrayNode a = f.arrayNode();
                for (double v : (double[]) value) a.add(v);
                yield a;
            }
        };
    }

    /** A value as the docs and run labels write it. */
    public static String text(Object value) {
        if (value instanceof Rule r) return r.label;
        if (value instanceof EquilibriumPropagation.Nudging n) return n.label;
        return String.valueOf(value);
    }

    private static String describe(JsonNode n) {
        return JsonFields.describe(n);
    }

    /** The settings table of docs/rules.md. */
    public static String markdownTable() {
        StringBuilder b = new StringBuilder("| file key | flag | value | default | meaning |\n|---|---|---|---|---|\n");
        for (RuleSetting s : values()) {
            b.append("| `").append(s.key).append("` | `").append(s.flag).append("` | ").append(s.expectation())
                    .append(" | ").append(s.defaultText()).append(" | ").append(s.help.replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    /** A value's type, range and parser. */
    static final class Kind {
        enum Type { NUMBER, INTEGER, TEXT, NUMBERS }

        interface Parser {
            Object parse(List<String> items, Topology t, String where);
        }

        final Type type;
        final String expectation;
        final Parser parser;

        Kind(Type type, String expectation, Parser parser) {
            this.type = type;
            this.expectation = expectation;
            this.parser = parser;
        }

        Object parse(List<String> items, Topology t, String where) {
            return parser.parse(items, t, where);
        }

        static UserError bad(String where, List<String> items, String expectation) {
            return new UserError(where + (where.startsWith("--") ? " " + String.join(",", items) : "") + ": expected " + expectation
                    + (where.startsWith("--") ? "" : ", got " + String.join(",", items)));
        }

        static Kind real(double low, boolean inclusive) {
            String e = "a finite number " + (inclusive ? ">= " : "> ") + (low == 0 ? "0" : String.valueOf(low));
            return new Kind(Type.NUMBER, e, (items, t, where) -> {
                double v = Double.parseDouble(items.get(0));
                if (!Double.isFinite(v) || (inclusive ? v < low : v <= low)) throw bad(where, items, e);
                return v;
            });
        }

        static Kind positive() {
            return real(0, false);
        }

        static Kind nonNegative() {
            return real(0, true);
        }

        static Kind integer(int min, int max) {
            String e = "an integer in " + min + ".." + max;
            return new Kind(Type.INTEGER, e, (items, t, where) -> {
                long v = Long.parseLong(items.get(0));
                if (v < min || v > max) throw bad(where, items, e);
                return (int) v;
            });
        }

        static Kind steps() {
            return integer(1, 10_000_000);
        }

        static Kind choice(String... options) {
            String e = "one of " + String.join(", ", options);
            return new Kind(Type.TEXT, e, (items, t, where) -> {
                for (String o : options) if (o.equals(items.get(0))) return o;
                throw bad(where, items, e);
            });
        }

        static final Kind RULE = new Kind(Type.TEXT, "one of " + Rule.labels(), (items, t, where) -> {
            Rule r = Rule.fromLabel(items.get(0));
            if (r == null) throw bad(where, items, "one of " + Rule.labels());
            return r;
        });

        static final Kind NUDGING = new Kind(Type.TEXT, "one of one-sided, symmetric, random-sign", (items, t, where) -> {
            EquilibriumPropagation.Nudging n = EquilibriumPropagation.Nudging.fromLabel(items.get(0));
            if (n == null) throw bad(where, items, "one of one-sided, symmetric, random-sign");
            return n;
        });

        static final Kind RATES = new Kind(Type.NUMBERS, "finite numbers >= 0, one for all weight layers or one per layer",
                (items, t, where) -> {
                    int layers = t.weightLayers();
                    if (items.size() != 1 && items.size() != layers) {
                        throw new UserError(where + ": expected 1 or " + layers + " rates for " + t + ", got " + items.size());
                    }
                    double[] rates = new double[layers];
                    for (int k = 0; k < layers; k++) {
                        double r = Double.parseDouble(items.get(items.size() == 1 ? 0 : k));
                        if (!(r >= 0) || !Double.isFinite(r)) throw new UserError(where + ": rates must be finite numbers >= 0, got " + r);
                        rates[k] = r;
                    }
                    return rates;
                });
    }
}
