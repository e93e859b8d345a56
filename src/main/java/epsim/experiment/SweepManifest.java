package epsim.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.common.AtomicFiles;
import epsim.common.JsonFields;
import epsim.common.UserError;
import epsim.train.GradientProbe;
import epsim.train.TrainConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a sweep is, written to {@code sweep-manifest.json} before any point runs: the grid, every
 * option, the kind and the probe, the epsim version, and a SHA-256 of all of it. Every shard and
 * every point's outcome carries the hash, so shards of two different sweeps cannot be mixed,
 * and the merge knows every point that must be there.
 *
 * @param command the sweep's command line (for the re-run command the merge prints; not hashed)
 */
public record SweepManifest(List<SweepGrid.Axis> axes, boolean zip, TrainConfig base, String kind, GradientProbe.Plan probe,
                            String version, List<String> command, String hash) {
    public static final String FILE = "sweep-manifest.json";

    public static SweepManifest of(List<SweepGrid.Axis> axes, boolean zip, TrainConfig base, String kind, GradientProbe.Plan probe,
                                   String version, List<String> command) {
        return new SweepManifest(axes, zip, base, kind, probe, version, List.copyOf(command), sha256(content(axes, zip, base, kind, probe, version)));
    }

    /** The sweep's grid (a new one: it parses each distinct model once, when asked). */
    public SweepGrid grid() {
        return new SweepGrid(base, axes, zip);
    }

    public List<SweepGrid.Point> points() {
        return grid().points();
    }

    /** What the hash covers: everything that decides a point's result. */
    private static ObjectNode content(List<SweepGrid.Axis> axes, boolean zip, TrainConfig base, String kind, GradientProbe.Plan probe, String version) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("epsim", version);
        ArrayNode grid = o.putArray("grid");
        for (SweepGrid.Axis a : axes) {
            ObjectNode g = grid.addObject().put("key", a.key());
            a.values().forEach(g.putArray("values")::add);
        }
        o.put("zip", zip);
        o.put("kind", kind);
        o.set("options", base.toJson());
        if (probe == null) {
            o.putNull("probe");
        } else {
            o.putObject("probe").put("batchSize", probe.batchSize()).put("batches", probe.batches()).put("examples", probe.selection().label)
                    .put("settings", probe.settings().label);
        }
        return o;
    }

    private static String sha256(ObjectNode content) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(content.toString().getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public ObjectNode toJson() {
        ObjectNode o = content(axes, zip, base, kind, probe, version);
        o.put("points", points().size());
        command.forEach(o.putArray("command")::add);
        o.put("hash", hash);
        return o;
    }

    /**
     * Ties {@code dir} to this sweep: writes the manifest, or, when the folder already holds one
     * (a re-run, another shard), checks it is this sweep's. Another sweep's folder is refused in one line.
     */
    public void bind(Path dir) {
        Path file = dir.resolve(FILE);
        if (Files.isRegularFile(file)) {
            SweepManifest there = read(dir);
            if (!there.hash.equals(hash)) {
                throw new UserError(dir + ": holds another sweep (" + FILE + " hash " + there.hash.substring(0, 12) + ", this sweep's "
                        + hash.substring(0, 12) + "): a different grid, option or epsim version; use another --out");
            }
            return;
        }
        try {
            AtomicFiles.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The manifest in {@code dir}, every field validated (the hash recomputed: an edited manifest is refused). */
    public static SweepManifest read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) throw new UserError(file + ": no sweep manifest (is it a sweep's --out folder?)");
        String where = file.toString();
        JsonNode o = JsonFields.readFile(file, where);
        JsonFields f = new JsonFields(where);
        if (!o.isObject()) throw new UserError(where + ": expected a JSON object");
        JsonNode grid = o.get("grid");
        if (grid == null || !grid.isArray() || grid.isEmpty()) throw f.error("grid", "an array of {key, values}", grid);
        List<SweepGrid.Axis> axes = new ArrayList<>();
        for (int i = 0; i < grid.size(); i++) {
            JsonNode g = grid.get(i), values = g == null ? null : g.get("values");
            if (values == null || !values.isArray() || values.isEmpty()) throw f.error("grid[" + i + "].values", "an array of strings", values);
            StringBuilder spec = new StringBuilder(f.text(g, "key", "grid[" + i + "].key")).append('=');
            for (int k = 0; k < values.size(); k++) spec.append(k == 0 ? "" : ",").append(f.text(values, k, "grid[" + i + "].values[" + k + "]"));
            axes.add(SweepGrid.parseAxis(spec.toString())); // validated as --vary is
        }
        JsonNode zip = o.get("zip");
        if (zip == null || !zip.isBoolean()) throw f.error("zip", "true or false", zip);
        TrainConfig base = TrainConfig.fromJson(o.get("options"), where, "options.");
        String kind = f.text(o, "kind", "kind");
        if (!List.of("train", "gradient", "both").contains(kind)) throw f.error("kind", "train, gradient or both", o.get("kind"));
        JsonNode p = o.get("probe");
        GradientProbe.Plan probe = p == null || p.isNull() ? null : new GradientProbe.Plan((int) f.integer(p, "batchSize", "probe.batchSize", 1, 1_000_000),
                (int) f.integer(p, "batches", "probe.batches", 1, 10_000), GradientProbe.Selection.parse(f.text(p, "examples", "probe.examples"), where + ": probe.examples"),
                GradientProbe.Settings.parse(f.text(p, "settings", "probe.settings"), where + ": probe.settings"));
        List<String> command = new ArrayList<>();
        JsonNode c = o.get("command");
        if (c != null && c.isArray()) {
            for (int i = 0; i < c.size(); i++) {
                String arg = f.text(c, i, "command[" + i + "]");
                if (arg.length() > 4096 || epsim.common.Shell.hasControl(arg)) throw f.error("command[" + i + "]", "a command-line argument (printable, at most 4096 characters)", c.get(i));
                command.add(arg);
            }
        }
        SweepManifest m = of(axes, zip.asBoolean(), base, kind, probe, f.text(o, "epsim", "epsim"), command);
        if (!m.hash.equals(f.text(o, "hash", "hash"))) throw new UserError(where + ": hash: does not match the manifest's content (edited by hand?)");
        return m;
    }
}
