package epsim.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.common.JsonFields;
import epsim.common.UserError;
import epsim.math.Topology;
import epsim.model.ModelLoader;
import epsim.rule.RuleSetting;
import epsim.rule.RuleSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every option of a training run: what run.json records and what --resume reads back.
 *
 * @param trainLimit use only the first N training examples (0: all)
 * @param testLimit  use only the first N test examples (0: all)
 * @param chip       null for the in-process chip, else exec:COMMAND or tcp:HOST:PORT (docs/cosim-protocol.md)
 */
public record TrainConfig(String model, List<String> overrides, String net, RuleSettings rule, int batch, int epochs,
                          long seed, String dataset, String dataDir, int trainLimit, int testLimit, String chip,
                          GradientProbe.Plan trackGradient) {

    public TrainConfig(String model, List<String> overrides, String net, RuleSettings rule, int batch, int epochs,
                       long seed, String dataset, String dataDir, int trainLimit, int testLimit) {
        this(model, overrides, net, rule, batch, epochs, seed, dataset, dataDir, trainLimit, testLimit, null, null);
    }

    /** The model as a run shows it: its name and every --set override, e.g. "rram + device.levels=64, periphery.adcBits=6". */
    public String modelLabel(String modelName) {
        return overrides.isEmpty() ? modelName : modelName + " + " + String.join(", ", overrides);
    }

    /** Whether the chip is another process's (exec:, tcp:), whose model is the one its handshake sends, not the options'. */
    public boolean external() {
        return chip != null && !chip.equals("spice");
    }

    /** The chip backend: in-process, spice, exec or tcp (a command or address itself is not shown: it may hold a path). */
    public String backend() {
        if (chip == null) return "in-process";
        if (chip.equals("spice")) return "spice";
        return chip.startsWith("tcp:") ? "tcp" : "exec";
    }

    /** The rule with its key settings, e.g. "EP symmetric, beta 1, lr 0.1/0.05, batch 20". */
    public String ruleLabel() {
        StringBuilder lr = new StringBuilder();
        for (double r : rule.learningRates()) lr.append(lr.length() == 0 ? "" : "/").append(epsim.rule.RuleSetting.text(r));
        String beta = rule.rule() == epsim.rule.Rule.EP || rule.rule() == epsim.rule.Rule.GHOST ? ", beta " + epsim.rule.RuleSetting.text(rule.beta()) : "";
        return rule.rule().describe(rule) + beta + ", lr " + lr + ", batch " + batch + otherSettings();
    }

    /** The rule settings the label has not named that differ from the defaults, e.g. ", readAverages 4". */
    private String otherSettings() {
        RuleSettings defaults = RuleSettings.defaults(Topology.parse(net, "net")).with(RuleSetting.RULE, rule.rule());
        StringBuilder b = new StringBuilder();
        for (RuleSetting s : RuleSetting.values()) {
            if (java.util.Set.of(RuleSetting.RULE, RuleSetting.NUDGING, RuleSetting.BETA, RuleSetting.LEARNING_RATES).contains(s)) continue;
            com.fasterxml.jackson.databind.JsonNode given = s.json(rule.get(s)), usual = s.json(defaults.get(s));
            if (!given.equals(usual)) b.append(", ").append(s.key).append(' ').append(given.isTextual() ? given.asText() : given.toString());
        }
        return b.toString();
    }

    /** The run in one line: the rule, the model with its overrides and the backend, as plots and comparisons name it. */
    public String runLabel(String modelName) {
        return ruleLabel() + " on " + modelLabel(modelName) + " (" + backend() + "), seed " + seed;
    }

    public TrainConfig withChip(String newChip) {
        return new TrainConfig(model, overrides, net, rule, batch, epochs, seed, dataset, dataDir, trainLimit, testLimit, newChip, trackGradient);
    }

    public TrainConfig withRule(RuleSettings newRule) {
        return new TrainConfig(model, overrides, net, newRule, batch, epochs, seed, dataset, dataDir, trainLimit, testLimit, chip, trackGradient);
    }

    /** The same run with another seed (e.g. 0, for the design a set of seeded runs shares). */
    public TrainConfig withSeed(long newSeed) {
        return new TrainConfig(model, overrides, net, rule, batch, epochs, newSeed, dataset, dataDir, trainLimit, testLimit, chip, trackGradient);
    }

    public TrainConfig withEpochs(int newEpochs) {
        return new TrainConfig(model, overrides, net, rule, batch, newEpochs, seed, dataset, dataDir, trainLimit, testLimit, chip, trackGradient);
    }

    /** The run with a gradient probe after every epoch (null: none). */
    public TrainConfig withTracking(GradientProbe.Plan plan) {
        return new TrainConfig(model, overrides, net, rule, batch, epochs, seed, dataset, dataDir, trainLimit, testLimit, chip, plan);
    }

    /** The run with another model and --set list (a sweep point's). */
    public TrainConfig withModel(String newModel, List<String> newOverrides) {
        return new TrainConfig(newModel, List.copyOf(newOverrides), net, rule, batch, epochs, seed, dataset, dataDir, trainLimit, testLimit, chip,
                trackGradient);
    }

    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("model", model);
        ArrayNode set = o.putArray("set");
        overrides.forEach(set::add);
        for (RunSetting s : RunSetting.values()) {
            o.set(s.key, s.json(s.get(this)));
            if (s == RunSetting.NET) o.set("rule", rule.toJson());
        }
        if (chip == null) o.putNull("chip");
        else o.put("chip", chip);
        if (trackGradient != null) { // written only when on, so that a run without it records what it always did
            ObjectNode g = o.putObject("trackGradient");
            g.put("batchSize", trackGradient.batchSize());
            g.put("batches", trackGradient.batches());
            g.put("examples", trackGradient.selection().label);
        }
        return o;
    }

    /**
     * The options of the run in folder {@code dir}, from its run.json; {@code missing} is the error
     * when there is none (it follows the file's name).
     */
    public static TrainConfig read(Path dir, String missing) {
        Path runFile = dir.resolve("run.json");
        if (!Files.isRegularFile(runFile)) throw new UserError(runFile + ": " + missing);
        JsonNode run = JsonFields.readFile(runFile, runFile.toString());
        if (!run.isObject()) throw new UserError(runFile + ": expected a JSON object");
        boolean nested = run.has("options");
        return fromJson(nested ? run.get("options") : run, runFile.toString(), nested ? "options." : "");
    }

    /**
     * Refuses to continue a run whose model file changed since it started: run.json records the
     * file's SHA-256 ({@code modelFileSha256}); a preset, or a record from before epsim kept the
     * hash, has nothing to compare.
     */
    public static void checkModelFile(Path dir, TrainConfig config) {
        Path runFile = dir.resolve("run.json");
        JsonNode recorded = JsonFields.readFile(runFile, runFile.toString()).get(MODEL_HASH);
        if (recorded == null || recorded.isNull()) return;
        String now = ModelLoader.fileSha256(config.model());
        if (!recorded.asText().equals(now)) {
            throw new UserError(runFile + ": the hardware model " + config.model() + (now == null ? " is gone" : " changed")
                    + " since the run started (" + MODEL_HASH + " differs); restore it or start a new run");
        }
    }

    /**
     * Refuses to continue a run whose model, as its run.json's {@code model} and {@code set} give it
     * now ({@code m}), is not the model the run recorded when it started (its resolved {@code model}
     * block): an edited {@code set}, or a preset that changed since. A record without the block has
     * nothing to compare.
     */
    public static void checkModel(Path dir, epsim.model.HardwareModel m) {
        Path runFile = dir.resolve("run.json");
        JsonNode recorded = JsonFields.readFile(runFile, runFile.toString()).get("model");
        if (recorded == null || recorded.isNull()) return;
        if (!withoutUnusedFields(recorded).equals(withoutUnusedFields(ModelLoader.toJson(m)))) {
            throw new UserError(runFile + ": the hardware model its options give (model and set) is not the one the run started with "
                    + "(its \"model\" block); was run.json edited, or the preset changed? Start a new run");
        }
    }

    /**
     * A model block without the fields its chip does not use, so that a run recorded before a
     * version added or re-defaulted one of them is still recognised: in update mode host the array's
     * own update settings (bit length, management, Tiki-Taka's transfers), with the ghosts on the
     * forward crossbar how a separate one would be programmed.
     */
    static JsonNode withoutUnusedFields(JsonNode model) {
        if (!model.isObject()) return model;
        com.fasterxml.jackson.databind.node.ObjectNode copy = ((com.fasterxml.jackson.databind.node.ObjectNode) model).deepCopy();
        JsonNode update = copy.get(epsim.model.ModelField.UPDATE_SECTION);
        if (update instanceof com.fasterxml.jackson.databind.node.ObjectNode u
                && epsim.model.HardwareModel.UpdateMode.HOST.jsonName.equals(u.path(epsim.model.ModelField.UPDATE_MODE.name).asText())) {
            u.retain(epsim.model.ModelField.UPDATE_MODE.name);
        }
        JsonNode ghost = copy.get(epsim.model.ModelField.GHOST_SECTION);
        if (ghost instanceof com.fasterxml.jackson.databind.node.ObjectNode g
                && epsim.model.HardwareModel.GhostCrossbar.SHARED.jsonName.equals(g.path(epsim.model.ModelField.GHOST_CROSSBAR.name).asText())) {
            g.retain(epsim.model.ModelField.GHOST_CROSSBAR.name);
        }
        return copy;
    }

    /** run.json's key for the SHA-256 of a model file. */
    public static final String MODEL_HASH = "modelFileSha256";

    /**
     * Reads the options back from a run.json written by {@link #toJson}, field by field; errors name
     * the file ({@code origin}) and the field ({@code prefix} + key).
     */
    public static TrainConfig fromJson(JsonNode o, String origin, String prefix) {
        JsonFields f = new JsonFields(origin);
        if (o == null || !o.isObject()) throw new UserError(f.where(prefix.isEmpty() ? "options" : prefix.substring(0, prefix.length() - 1)) + ": expected an object");
        JsonNode setNode = o.get("set");
        if (setNode == null || !setNode.isArray()) throw f.error(prefix + "set", "an array of \"section.field=value\" strings", setNode);
        List<String> set = new ArrayList<>();
        for (int i = 0; i < setNode.size(); i++) set.add(f.text(setNode, i, prefix + "set[" + i + "]"));
        String net = (String) RunSetting.NET.read(o.get("net"), f.where(prefix + "net"), null);
        Topology t = Topology.parse(net, f.where(prefix + "net"));
        RuleSettings rule = RuleSettings.defaults(t).read(o.get("rule"), f.where(prefix + "rule"), t, List.of(RuleSetting.values()));
        TrainConfig c = new TrainConfig(f.text(o, "model", prefix + "model"), set, net, rule, 0, 0, 0, null, null, 0, 0,
                f.optionalText(o, "chip", prefix + "chip"), tracking(o.get("trackGradient"), f, prefix + "trackGradient", t));
        for (RunSetting s : RunSetting.values()) {
            if (s != RunSetting.NET) c = s.with(c, s.read(o.get(s.key), f.where(prefix + s.key), t));
        }
        return c;
    }

    private static GradientProbe.Plan tracking(JsonNode g, JsonFields f, String where, Topology t) {
        if (g == null || g.isNull()) return null;
        if (!g.isObject()) throw new UserError(f.where(where) + ": expected an object");
        return new GradientProbe.Plan((int) f.integer(g, "batchSize", where + ".batchSize", 1, t.maxBatch()),
                (int) f.integer(g, "batches", where + ".batches", 1, 10_000),
                GradientProbe.Selection.parse(f.text(g, "examples", where + ".examples"), f.where(where + ".examples")));
    }
}
