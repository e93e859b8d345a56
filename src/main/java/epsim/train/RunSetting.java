package epsim.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import epsim.common.JsonFields;
import epsim.common.UserError;
import epsim.math.Topology;

/**
 * Every setting of a training run besides its model and rule, declared once: its key in run.json
 * and sweep manifests, its command-line flag, its type and range, its default and its help. The
 * command-line options, {@link TrainConfig}'s JSON, the sweep axes ({@code --vary seed=...}) and the
 * table in docs/cli.md are derived from it, so one range holds everywhere.
 */
public enum RunSetting {
    NET("net", "--net", "SIZES", Kind.NET, "784-500-10", false, "Layer sizes, input first."),
    BATCH("batch", "--batch", "N", Kind.BATCH, 20, true, "Mini-batch size."),
    EPOCHS("epochs", "--epochs", "N", Kind.count(1, 1_000_000), 15, true, "Epochs."),
    SEED("seed", "--seed", "N", Kind.SEED, 1L, true, "Seed of fabrication, noise, initial weights and data order."),
    DATASET("dataset", "--dataset", "NAME", Kind.TEXT, "mnist-subset", false,
            "mnist-subset (bundled), fashion-mnist, or idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS."),
    DATA_DIR("dataDir", "--data-dir", "DIR", Kind.OPTIONAL_TEXT, null, false,
            "Folder of the Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist)."),
    TRAIN_LIMIT("trainLimit", "--train-limit", "N", Kind.count(0, Integer.MAX_VALUE), 0, false, "Train on the first N examples only (0: all)."),
    TEST_LIMIT("testLimit", "--test-limit", "N", Kind.count(0, Integer.MAX_VALUE), 0, false, "Test on the first N examples only (0: all).");

    /** The key in run.json and, for a sweep axis, in {@code --vary KEY=...}. */
    public final String key;
    public final String flag;
    public final String paramLabel;
    private final Kind kind;
    /** The default where a command gives none of its own (null: none). */
    public final Object defaultValue;
    /** Whether a sweep may vary it ({@code --vary seed=1,2,3}). */
    public final boolean axis;
    public final String help;

    RunSetting(String key, String flag, String paramLabel, Kind kind, Object defaultValue, boolean axis, String help) {
        this.key = key;
        this.flag = flag;
        this.paramLabel = paramLabel;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.axis = axis;
        this.help = help;
    }

    /** The setting a sweep axis key varies, or null. */
    public static RunSetting byAxis(String key) {
        for (RunSetting s : values()) if (s.axis && s.key.equals(key)) return s;
        return null;
    }

    /** The axis keys, for error messages, e.g. "batch, epochs, seed". */
    public static String axisKeys() {
        StringBuilder b = new StringBuilder();
        for (RunSetting s : values()) if (s.axis) b.append(b.length() == 0 ? "" : ", ").append(s.key);
        return b.toString();
    }

    /** What a value must be (for a batch, on network {@code t}). */
    public String expectation(Topology t) {
        return kind.expectation(t);
    }

    /** The help ending with {@code shownDefault} (null: the help as declared). */
    public String help(Object shownDefault) {
        if (shownDefault == null || help.contains("(default")) return help;
        return help.substring(0, help.length() - 1) + " (default: " + shownDefault + ").";
    }

    /**
     * Parses and validates text from the command line or a sweep axis; {@code where} names the flag
     * or axis and {@code t} is the run's network (a batch's range depends on it; null for the net itself).
     */
    public Object parse(String text, String where, Topology t) {
        Object v = kind.parse(text, t, where);
        if (v == null) {
            throw new UserError(where + " " + text + ": expected " + kind.expectation(t) + (this == BATCH && t != null ? batchReason(t) : ""));
        }
        return v;
    }

    private static String batchReason(Topology t) {
        return " (the neuron state of " + t + " for larger batches exceeds " + Topology.STATE_BUDGET_BYTES / 1_000_000_000.0 + " GB)";
    }

    /** Reads and validates a value from run.json ({@code where} names the file and field). */
    public Object read(JsonNode node, String where, Topology t) {
        if (kind.type == Kind.Type.OPTIONAL_TEXT && (node == null || node.isNull())) return null;
        boolean typed = node != null && (kind.type == Kind.Type.INTEGER ? node.isIntegralNumber() : node.isTextual());
        Object v = typed ? kind.parse(node.asText(), t, where) : null;
        if (v == null) throw new UserError(where + ": expected " + kind.expectation(t) + ", got " + JsonFields.describe(node));
        return v;
    }

    /** The value as run.json records it. */
    public JsonNode json(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) return f.nullNode();
        if (value instanceof Integer i) return f.numberNode(i);
        if (value instanceof Long l) return f.numberNode(l);
        return f.textNode(value.toString());
    }

    /** This setting's value in {@code c}. */
    public Object get(TrainConfig c) {
        return switch (this) {
            case NET -> c.net();
            case BATCH -> c.batch();
            case EPOCHS -> c.epochs();
            case SEED -> c.seed();
            case DATASET -> c.dataset();
            case DATA_DIR -> c.dataDir();
            case TRAIN_LIMIT -> c.trainLimit();
            case TEST_LIMIT -> c.testLimit();
        };
    }

    /** {@code c} with this setting set to {@code v} (a value {@link #parse} or {@link #read} gave). */
    public TrainConfig with(TrainConfig c, Object v) {
        return new TrainConfig(c.model(), c.overrides(), this == NET ? (String) v : c.net(), c.rule(),
                this == BATCH ? (Integer) v : c.batch(), this == EPOCHS ? (Integer) v : c.epochs(), this == SEED ? (Long) v : c.seed(),
                this == DATASET ? (String) v : c.dataset(), this == DATA_DIR ? (String) v : c.dataDir(),
                this == TRAIN_LIMIT ? (Integer) v : c.trainLimit(), this == TEST_LIMIT ? (Integer) v : c.testLimit(), c.chip(), c.trackGradient());
    }

    /** docs/cli.md's table of the run settings. */
    public static String markdownTable() {
        StringBuilder b = new StringBuilder("| run.json key | flag | value | default | sweep axis | meaning |\n|---|---|---|---|---|---|\n");
        for (RunSetting s : values()) {
            b.append("| `").append(s.key).append("` | `").append(s.flag).append("` | ").append(s.kind.expectation(null))
                    .append(" | ").append(s.defaultValue == null ? "none" : s.defaultValue).append(" | ").append(s.axis ? "yes" : "no")
                    .append(" | ").append(s.help.replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    /** A value's type and range; {@link #parse} gives null for a value out of it. */
    private record Kind(Type type, java.util.function.Function<Topology, String> expectation, Parser parser) {
        enum Type { TEXT, OPTIONAL_TEXT, INTEGER }

        interface Parser {
            /** The value, or null when it is out of range; may throw its own error naming {@code where}. */
            Object parse(String text, Topology t, String where);
        }

        String expectation(Topology t) {
            return expectation.apply(t);
        }

        Object parse(String text, Topology t, String where) {
            try {
                return parser.parse(text, t, where);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        static Kind count(int min, int max) {
            return new Kind(Type.INTEGER, t -> "an integer in " + min + ".." + max, (s, t, where) -> {
                long v = Long.parseLong(s.trim());
                return v >= min && v <= max ? (Object) (int) v : null;
            });
        }

        static final Kind BATCH = new Kind(Type.INTEGER, t -> "an integer in 1.." + (t == null ? "the network's largest batch" : t.maxBatch()),
                (s, t, where) -> {
                    long v = Long.parseLong(s.trim());
                    return v >= 1 && v <= (t == null ? Integer.MAX_VALUE : t.maxBatch()) ? (Object) (int) v : null; // null: checked against the net later
                });

        static final Kind SEED = new Kind(Type.INTEGER, t -> "an integer (any 64-bit value)", (s, t, where) -> Long.parseLong(s.trim()));

        static final Kind NET = new Kind(Type.TEXT, t -> "layer sizes, input first, e.g. 784-500-10", (s, t, where) -> {
            Topology.parse(s, where); // its own error names what is wrong with the sizes
            return s;
        });

        static final Kind TEXT = new Kind(Type.TEXT, t -> "a text", (s, t, where) -> s);

        static final Kind OPTIONAL_TEXT = new Kind(Type.OPTIONAL_TEXT, t -> "a text or null", (s, t, where) -> s);
    }
}
