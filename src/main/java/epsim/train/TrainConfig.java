package epsim.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.common.UserError;
import epsim.math.Topology;
import epsim.rule.RuleSetting;
import epsim.rule.RuleSettings;

import java.io.IOException;
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
                          long seed, String dataset, String dataDir, int trainLimit, int testLimit, String chip) {

    public TrainConfig(String model, List<String> overrides, String net, RuleSettings rule, int batch, int epochs,
                       long seed, String dataset, String dataDir, int trainLimit, int testLimit) {
        this(model, overrides, net, rule, batch, epochs, seed, dataset, dataDir, trainLimit, testLimit, null);
    }

    public TrainConfig withEpochs(int newEpochs) {
        return new TrainConfig(model, overrides, net, rule, batch, newEpochs, seed, dataset, dataDir, trainLimit, testLimit, chip);
    }

    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("model", model);
        ArrayNode set = o.putArray("set");
        overrides.forEach(set::add);
        o.put("net", net);
        o.set("rule", rule.toJson());
        o.put("batch", batch);
        o.put("epochs", epochs);
        o.put("seed", seed);
        o.put("dataset", dataset);
        if (dataDir == null) o.putNull("dataDir");
        else o.put("dataDir", dataDir);
        o.put("trainLimit", trainLimit);
        o.put("testLimit", testLimit);
        if (chip == null) o.putNull("chip");
        else o.put("chip", chip);
        return o;
    }

    /**
     * The options of the run in folder {@code dir}, from its run.json; {@code missing} is the error
     * when there is none (it follows the file's name).
     */
    public static TrainConfig read(Path dir, String missing) {
        Path runFile = dir.resolve("run.json");
        if (!Files.isRegularFile(runFile)) throw new UserError(runFile + ": " + missing);
        JsonNode run;
        try {
            run = new ObjectMapper().readTree(runFile.toFile());
        } catch (IOException e) {
            throw new UserError(runFile + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        return fromJson(run.get("options") == null ? run : run.get("options"), runFile.toString());
    }

    /** Reads the options back from a run.json written by {@link #toJson}; {@code where} names the file. */
    public static TrainConfig fromJson(JsonNode o, String where) {
        try {
            List<String> set = new ArrayList<>();
            o.get("set").forEach(n -> set.add(n.asText()));
            Topology t = Topology.parse(o.get("net").asText(), where + ": options.net");
            RuleSettings rule = RuleSettings.defaults(t).read(o.get("rule"), where + ": options.rule", t, List.of(RuleSetting.values()));
            return new TrainConfig(o.get("model").asText(), set, o.get("net").asText(), rule, o.get("batch").asInt(),
                    o.get("epochs").asInt(), o.get("seed").asLong(), o.get("dataset").asText(),
                    o.get("dataDir").isNull() ? null : o.get("dataDir").asText(), o.get("trainLimit").asInt(),
                    o.get("testLimit").asInt(), o.hasNonNull("chip") ? o.get("chip").asText() : null);
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserError(where + ": not a run record epsim can resume (missing or malformed options)");
        }
    }
}
