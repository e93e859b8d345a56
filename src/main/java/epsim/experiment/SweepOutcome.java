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
                           double seconds, EpochRow.EpochCost cost, String error, double areaMm2) {
    public SweepOutcome(SweepGrid.Point point, double testAccuracy, double trainAccuracy, double gradientCosine, double gradientHalfWidth,
                        double seconds, EpochRow.EpochCost cost) {
        this(point, testAccuracy, trainAccuracy, gradientCosine, gradientHalfWidth, seconds, cost, null, Double.NaN);
    }

    /** An outcome without an area (a model without area figures, or one written before areas): NaN. */
    public SweepOutcome(SweepGrid.Point point, double testAccuracy, double trainAccuracy, double gradientCosine, double gradientHalfWidth,
                        double seconds, EpochRow.EpochCost cost, String error) {
        this(point, testAccuracy, trainAccuracy, gradientCosine, gradientHalfWidth, seconds, cost, error, Double.NaN);
    }

    /** The file of a point's outcome in its folder. */
    public static final String FILE = "outcome.json";

    /** A point that failed: its row says why, and a re-run tries it again. */
    static SweepOutcome failed(SweepGrid.Point point, double seconds, String error) {
        return new SweepOutcome(point, Double.NaN, Double.NaN, Double.NaN, Double.NaN, seconds, null, error);
    }

    /** Refuses a point's folder that is something else (a plain file where the point's run goes). */
    static void requireFolder(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError(dir + ": not a folder (a point's folder holds its run and outcome); remove it to run the point again");
        }
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
        putNumber(j, "areaMm2", areaMm2);
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

    /** The longest error text an outcome may carry (a one-line message; a longer one was not written by epsim). */
    static final int MAX_ERROR_CHARS = 4000;

    /**
     * The point's outcome of this sweep ({@code hash}), or null when it has none (not run). The file
     * is data: every field is checked against what a point can have written (accuracies in [0, 1],
     * a cosine in [-1, 1], times, energies and half-widths finite and >= 0, the point's own index and
     * values, an epoch row a run can have written), and anything else is refused in one line naming
     * the file and the field.
     */
    static SweepOutcome read(Path dir, String hash, SweepGrid.Point p) {
        requireFolder(dir);
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) return null;
        String where = file.toString();
        if (!Files.isRegularFile(file)) throw new UserError(where + ": not a file; remove it to run the point again");
        JsonFields f = new JsonFields(where);
        JsonNode j = JsonFields.readFile(file, where);
        if (!j.isObject()) throw new UserError(where + ": expected a JSON object, got " + JsonFields.describe(j) + "; remove it to run the point again");
        f.onlyKeys(j, "", java.util.List.of("manifest", "index", "values", "testAccuracy", "trainAccuracy", "gradientCosine",
                "gradientHalfWidth", "seconds", "lastEpoch", "error", "areaMm2"));
        if (!hash.equals(f.text(j, "manifest", "manifest")) || f.integer(j, "index", "index", 0, SweepGrid.MAX_POINTS) != p.index()) {
            throw new UserError(where + ": the outcome of another sweep or point (its manifest hash or index differs); remove the folder to run it again");
        }
        JsonNode values = j.get("values");
        java.util.List<String> given = new java.util.ArrayList<>();
        if (values == null || !values.isArray()) throw f.error("values", "the point's values", values);
        for (int i = 0; i < values.size(); i++) given.add(f.text(values, i, "values[" + i + "]"));
        if (!given.equals(p.values())) throw f.error("values", "the point's values " + p.values(), values);
        double[] row = null;
        JsonNode last = j.get("lastEpoch");
        if (last != null && !last.isNull()) {
            if (!last.isArray() || !EpochRow.validLength(last.size())) throw f.error("lastEpoch", "an epoch row", last);
            row = new double[last.size()];
            for (int i = 0; i < row.length; i++) {
                JsonNode x = last.get(i);
                if (!x.isNull() && !x.isNumber()) throw f.error("lastEpoch[" + i + "]", "a number or null", x);
                row[i] = x.isNull() ? Double.NaN : x.asDouble();
            }
        }
        EpochRow lastRow = row == null ? null : EpochRow.of(row);
        if (lastRow != null && !lastRow.plausible(lastRow.epoch())) throw new UserError(where + ": lastEpoch: not a row a run can have written");
        String error = null;
        if (j.hasNonNull("error")) {
            error = f.text(j, "error", "error");
            if (error.length() > MAX_ERROR_CHARS) throw f.error("error", "a message of at most " + MAX_ERROR_CHARS + " characters", j.get("error"));
            error = error.replace('\n', ' ').replace('\r', ' ');
        }
        return new SweepOutcome(p, number(f, j, "testAccuracy", 0, 1), number(f, j, "trainAccuracy", 0, 1),
                number(f, j, "gradientCosine", -1 - COSINE_ROUNDING, 1 + COSINE_ROUNDING), number(f, j, "gradientHalfWidth", 0, Double.MAX_VALUE),
                number(f, j, "seconds", 0, Double.MAX_VALUE), lastRow == null ? null : lastRow.cost(), error,
                j.has("areaMm2") ? number(f, j, "areaMm2", 0, Double.MAX_VALUE) : Double.NaN); // outcomes written before areas have none
    }

    /** How far a computed cosine may pass +-1 by rounding (as a checkpoint's tracked cosines). */
    private static final double COSINE_ROUNDING = 1e-9;

    /** A figure in [low, high], or null (not measured: NaN). */
    private static double number(JsonFields f, JsonNode j, String key, double low, double high) {
        JsonNode n = j.get(key);
        if (n == null || n.isNull()) return Double.NaN;
        if (!n.isNumber() || !(n.asDouble() >= low && n.asDouble() <= high)) {
            throw f.error(key, "null or " + (high == Double.MAX_VALUE ? "a finite number >= 0" : "a number in [" + Math.round(low) + ", " + Math.round(high) + "]"), n);
        }
        return n.asDouble();
    }
}
