package epsim.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.common.AtomicFiles;
import epsim.common.JsonFields;
import epsim.common.UserError;
import epsim.train.EpochRow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One point's figures; {@code cost} is its last epoch's energy and latency (null without training
 * or a cost section). A finished point's outcome is written atomically into its folder, tied to the
 * sweep's manifest hash, so that a re-run skips it and a merge finds it.
 */
public record SweepOutcome(SweepGrid.Point point, double testAccuracy, double trainAccuracy, double gradientCosine, double gradientHalfWidth,
                           double seconds, EpochRow.EpochCost cost, String error) {
    public SweepOutcome(SweepGrid.Point point, double testAccuracy, double trainAccuracy, double gradientCosine, double gradientHalfWidth,
                        double seconds, EpochRow.EpochCost cost) {
        this(point, testAccuracy, trainAccuracy, gradientCosine, gradientHalfWidth, seconds, cost, null);
    }

    /** The file of a point's outcome in its folder. */
    public static final String FILE = "outcome.json";

    /** A point that failed: its row says why, and a re-run tries it again. */
    static SweepOutcome failed(SweepGrid.Point point, double seconds, String error) {
        return new SweepOutcome(point, Double.NaN, Double.NaN, Double.NaN, Double.NaN, seconds, null, error);
    }

    /** The folder of point {@code p} in the sweep folder {@code out}. */
    static Path pointDir(Path out, SweepGrid.Point p) {
        return out.resolve("points").resolve(String.format(Locale.ROOT, "%04d", p.index()));
    }

    void write(Path dir, String hash, EpochRow last) {
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        j.put("manifest", hash);
        j.put("index", point.index());
        point.values().forEach(j.putArray("values")::add);
        putNumber(j, "testAccuracy", testAccuracy);
        putNumber(j, "trainAccuracy", trainAccuracy);
        putNumber(j, "gradientCosine", gradientCosine);
        putNumber(j, "gradientHalfWidth", gradientHalfWidth);
        putNumber(j, "seconds", seconds);
        if (last != null) for (double v : last.values()) putNumber(j.withArray("lastEpoch"), v);
        if (error != null) j.put("error", error);
        AtomicFiles.writeString(dir.resolve(FILE), j.toString() + "\n");
    }

    private static void putNumber(ObjectNode j, String key, double v) {
        if (Double.isNaN(v)) j.putNull(key);
        else j.put(key, v);
    }

    private static void putNumber(ArrayNode a, double v) {
        if (Double.isNaN(v)) a.addNull();
        else a.add(v);
    }

    /** The point's outcome of this sweep ({@code hash}), or null when it has none (not run, failed, or of another sweep). */
    static SweepOutcome read(Path dir, String hash, SweepGrid.Point p) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) return null;
        String where = file.toString();
        JsonNode j = JsonFields.readFile(file, where);
        if (!j.isObject() || !hash.equals(j.path("manifest").asText()) || j.path("index").asInt(-1) != p.index()) {
            throw new UserError(where + ": the outcome of another sweep or point (its manifest hash or index differs); remove the folder to run it again");
        }
        double[] row = null;
        JsonNode last = j.get("lastEpoch");
        if (last != null && last.isArray()) {
            row = new double[last.size()];
            for (int i = 0; i < row.length; i++) row[i] = last.get(i).isNumber() ? last.get(i).asDouble() : Double.NaN;
            if (!EpochRow.validLength(row.length)) throw new UserError(where + ": lastEpoch: not an epoch row");
        }
        EpochRow.EpochCost cost = row == null ? null : EpochRow.of(row).cost();
        String error = j.hasNonNull("error") ? j.get("error").asText().replace('\n', ' ').replace('\r', ' ') : null;
        return new SweepOutcome(p, number(j, "testAccuracy"), number(j, "trainAccuracy"), number(j, "gradientCosine"), number(j, "gradientHalfWidth"),
                number(j, "seconds"), cost, error);
    }

    private static double number(JsonNode j, String key) {
        JsonNode n = j.get(key);
        return n != null && n.isNumber() ? n.asDouble() : Double.NaN;
    }
}
