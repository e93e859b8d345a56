package epsim.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.common.AtomicFiles;
import epsim.common.JsonFields;
import epsim.common.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads hardware-model files (by preset name or path), applies {@code --set section.field=value}
 * overrides and validates every field. Any problem becomes a one-line {@link UserError} naming
 * the file (or the override), the field and what was expected.
 */
public final class ModelLoader {

    static final Set<String> TOP_LEVEL_TEXT = Set.of("name", "description", "source");
    /** How many presets a model may build on in a chain (a preset's base may have a base...). */
    private static final int MAX_BASES = 4;

    /** Builds the resolved model's JSON; reading goes through {@link JsonFields#parse}. */
    static final ObjectMapper JSON = new ObjectMapper();

    private ModelLoader() {}

    /** A preset name ({@code ideal}) or a path to a .json file, plus overrides. */
    public static HardwareModel load(String nameOrPath, List<String> overrides) {
        return loadWithWarnings(nameOrPath, overrides).model();
    }

    /** A loaded model and the one-line warnings about what its overrides did to it (e.g. a relative field whose absolute size moved). */
    public record Loaded(HardwareModel model, List<String> warnings) {}

    public static Loaded loadWithWarnings(String nameOrPath, List<String> overrides) {
        return loadWithWarnings(nameOrPath, overrides, overrides.stream().map(o -> "--set " + o).toList());
    }

    /** As above; {@code shownAs} names each override as the user gave it (e.g. "--vary device.levels=16") in errors and warnings. */
    public static Loaded loadWithWarnings(String nameOrPath, List<String> overrides, List<String> shownAs) {
        Path path = AtomicFiles.path(nameOrPath, "--model " + nameOrPath);
        String origin;
        String text;
        if (Files.isRegularFile(path)) {
            origin = nameOrPath;
            text = JsonFields.readText(path, origin);
        } else if (nameOrPath.matches("[A-Za-z0-9_-]+")) {
            origin = "hardware-models/" + nameOrPath + ".json";
            text = readPreset(nameOrPath);
            if (text == null) {
                throw new UserError("--model " + nameOrPath + ": no such hardware model (presets: "
                        + String.join(", ", presetNames()) + "; or give the path of a .json file)");
            }
        } else {
            throw new UserError(nameOrPath + ": hardware-model file not found");
        }
        return parseWithWarnings(text, origin, overrides, shownAs);
    }

    /**
     * SHA-256 (hex) of the model file {@code nameOrPath} names, or null for a preset: what a run
     * records so that a resume can tell the file was edited since.
     */
    public static String fileSha256(String nameOrPath) {
        Path path = AtomicFiles.path(nameOrPath, "--model " + nameOrPath);
        if (!Files.isRegularFile(path)) return null;
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new UserError(nameOrPath + ": cannot read hardware model (" + e.getMessage() + ")");
        }
    }

    /** Parses model JSON {@code text}; {@code origin} names it in error messages. */
    public static HardwareModel parse(String text, String origin, List<String> overrides) {
        return parseWithWarnings(text, origin, overrides, overrides.stream().map(o -> "--set " + o).toList()).model();
    }

    private static Loaded parseWithWarnings(String text, String origin, List<String> overrides, List<String> shownAs) {
        JsonNode root = JsonFields.parse(text, origin);
        if (!root.isObject()) throw new UserError(origin + ": expected a JSON object");
        ObjectNode tree = resolveBase((ObjectNode) root, origin, 0);
        double stepBefore = nominalStep(tree);
        Map<String, String> overridden = new LinkedHashMap<>();
        for (int i = 0; i < overrides.size(); i++) applyOverride(tree, overrides.get(i), shownAs.get(i), overridden);
        HardwareModel m = ModelValidator.validate(tree, origin, overridden, stepBefore);
        List<String> warnings = new ArrayList<>();
        HardwareModel.Device d = m.device();
        boolean relative = !tree.get("device").has(ModelField.WRITE_NOISE_US.name);
        if (relative && d.writeNoise() > 0 && stepBefore > 0 && d.step() != stepBefore) {
            String moved = overridden.keySet().stream().filter(STEP_FIELDS::contains).map(overridden::get)
                    .reduce((a, b) -> a + ", " + b).orElse("the overrides");
            warnings.add(String.format(java.util.Locale.ROOT, "%s moves the nominal step from %.4g to %.4g µS, so device.writeNoise = %s steps"
                            + " is now %.4g µS per pulse (it was %.4g); to hold it, also --set device.writeNoiseMicrosiemens=%.4g",
                    moved, stepBefore, d.step(), d.writeNoise(), d.writeNoise() * d.step(), d.writeNoise() * stepBefore,
                    d.writeNoise() * stepBefore));
        }
        return new Loaded(m, List.copyOf(warnings));
    }

    /** The fields that set the nominal step s = (gMax - gMin) / (levels - 1). */
    private static final Set<String> STEP_FIELDS = Set.of("device.levels", "device.gMin", "device.gMax");

    /** The nominal step the tree states, or 0 when it states no valid one (validation reports that later). */
    private static double nominalStep(ObjectNode tree) {
        JsonNode d = tree.get("device");
        if (d == null || !d.isObject()) return 0;
        JsonNode levels = d.get("levels"), lo = d.get("gMin"), hi = d.get("gMax");
        if (levels == null || !levels.isIntegralNumber() || levels.asLong() < 2 || lo == null || !lo.isNumber() || hi == null || !hi.isNumber()) return 0;
        double s = (hi.asDouble() - lo.asDouble()) / (levels.asDouble() - 1);
        return s > 0 && Double.isFinite(s) ? s : 0;
    }

    /** The two forms of the write noise: a model, an override or a child of a base gives one, which replaces the other. */
    private static void keepOneWriteNoise(ObjectNode device, String given) {
        String other = given.equals(ModelField.WRITE_NOISE.name) ? ModelField.WRITE_NOISE_US.name
                : given.equals(ModelField.WRITE_NOISE_US.name) ? ModelField.WRITE_NOISE.name : null;
        if (other != null) device.remove(other);
    }

    /**
     * A model that names a {@code base} preset starts from that preset's values (resolved in turn)
     * and states only what differs; its own name, description and source replace the base's.
     */
    private static ObjectNode resolveBase(ObjectNode tree, String origin, int depth) {
        JsonNode base = tree.get("base");
        if (base == null) return tree;
        if (!base.isTextual() || !base.asText().matches("[A-Za-z0-9_-]+") || readPreset(base.asText()) == null) {
            throw new UserError(origin + ": base: expected the name of a preset (" + String.join(", ", presetNames()) + "), got "
                    + JsonFields.describe(base));
        }
        if (depth >= MAX_BASES) throw new UserError(origin + ": base: more than " + MAX_BASES + " presets built on each other (a cycle?)");
        String baseOrigin = "hardware-models/" + base.asText() + ".json";
        JsonNode parent = JsonFields.parse(readPreset(base.asText()), baseOrigin);
        if (!parent.isObject()) throw new UserError(baseOrigin + ": expected a JSON object");
        ObjectNode merged = resolveBase((ObjectNode) parent, baseOrigin, depth + 1).deepCopy();
        for (String text : TOP_LEVEL_TEXT) merged.remove(text);
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("base")) continue;
            JsonNode into = merged.get(e.getKey());
            if (e.getValue().isObject() && into != null && into.isObject()) {
                for (Iterator<String> names = e.getValue().fieldNames(); names.hasNext(); ) keepOneWriteNoise((ObjectNode) into, names.next());
                ((ObjectNode) into).setAll((ObjectNode) e.getValue());
            } else {
                merged.set(e.getKey(), e.getValue());
            }
        }
        return merged;
    }

    private static void applyOverride(ObjectNode tree, String spec, String where, Map<String, String> overridden) {
        int eq = spec.indexOf('=');
        if (eq <= 0) throw new UserError(where + ": expected section.field=value, e.g. device.levels=64");
        String key = spec.substring(0, eq).trim();
        String value = spec.substring(eq + 1).trim();
        int dot = key.indexOf('.');
        String section = dot < 0 ? "" : key.substring(0, dot);
        String field = dot < 0 ? key : key.substring(dot + 1);
        if (ModelField.byKey(section + "." + field) == null) {
            throw new UserError(where + ": unknown field '" + key + "' (expected one of " + allFieldNames() + ")");
        }
        JsonNode section0 = tree.get(section);
        ObjectNode sectionNode;
        if (section0 == null || !section0.isObject()) {
            sectionNode = tree.putObject(section);
        } else {
            sectionNode = (ObjectNode) section0;
        }
        if (section.equals("device")) keepOneWriteNoise(sectionNode, field);
        // a table is JSON on the command line too (device.lookup={"conductance":[...],...})
        sectionNode.set(field, ModelField.byKey(key).kind == ModelField.Kind.TABLE ? JsonFields.parse(value, where) : parseScalar(value));
        overridden.put(key, where);
    }

    /** Whether {@code key} (section.field) names a model field. */
    public static boolean isField(String key) {
        return ModelField.byKey(key) != null;
    }

    /** A command-line value: a number (NaN and Infinity included, so they can be rejected by name), a boolean or a string. */
    public static JsonNode parseScalar(String value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value.equals("true") || value.equals("false")) return f.booleanNode(Boolean.parseBoolean(value));
        if (value.matches("[-+]?[0-9]+")) {
            try {
                return f.numberNode(Long.parseLong(value));
            } catch (NumberFormatException e) {
                return f.textNode(value);
            }
        }
        try {
            return f.numberNode(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return f.textNode(value);
        }
    }

    private static String allFieldNames() {
        List<String> names = new ArrayList<>();
        for (ModelField f : ModelField.values()) names.add(f.key());
        return String.join(", ", names);
    }

    /** The fully resolved model, as JSON (what {@code models show} prints). */
    public static ObjectNode toJson(HardwareModel m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", m.name());
        root.put("description", m.description());
        root.put("source", m.source());
        for (String section : ModelField.sections()) {
            if (section.equals(ModelField.COST_SECTION) && m.cost() == null) continue;
            // a chip without tiles or wires is written as it was before the array section existed (run records, manifests' hashes)
            if (section.equals(ModelField.ARRAY_SECTION) && m.array().equals(HardwareModel.Array.NONE)) continue;
            ObjectNode node = root.putObject(section);
            for (ModelField f : ModelField.inSection(section)) {
                Object value = f.valueIn(m);
                if (value instanceof Double d) node.put(f.name, d);
                else if (value instanceof Integer i) node.put(f.name, i);
                else if (value instanceof Boolean b) node.put(f.name, b);
                else if (value instanceof JsonNode j) node.set(f.name, j);
                else if (value == null && f.presence != ModelField.Presence.REQUIRED) continue; // a field that says nothing (device.lookup) or a table's constant
                else node.put(f.name, (String) value);
            }
        }
        return root;
    }

    private static String readPreset(String name) {
        try (InputStream in = ModelLoader.class.getResourceAsStream("/hardware-models/" + name + ".json")) {
            return in == null ? null : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** Names of the presets bundled in the jar (from hardware-models/). */
    public static List<String> presetNames() {
        URL url = ModelLoader.class.getResource("/hardware-models");
        List<String> names = new ArrayList<>();
        if (url == null) return names;
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (java.nio.file.FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                collect(fs.getPath("/hardware-models"), names);
            } else {
                collect(Path.of(uri), names);
            }
        } catch (Exception e) {
            return names;
        }
        Collections.sort(names);
        return names;
    }

    private static void collect(Path dir, List<String> names) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".json"))
                    .forEach(f -> names.add(f.substring(0, f.length() - 5)));
        }
    }
}
