package epsim.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.HashSet;
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

    /** Every field a model file may hold: section -> field -> what is expected. */
    static final Map<String, Map<String, String>> SCHEMA = new LinkedHashMap<>();

    static {
        Map<String, String> neuron = new LinkedHashMap<>();
        neuron.put("tau", "a finite number > 0 (seconds)");
        neuron.put("dt", "a finite number > 0 and <= neuron.tau (seconds)");
        neuron.put("transfer", "one of \"hardSigmoid\", \"sigmoid\", \"tanh\"");
        neuron.put("thermalNoise", "a finite number >= 0 (volts per step)");
        Map<String, String> device = new LinkedHashMap<>();
        device.put("gMin", "a finite number >= 0 (microsiemens)");
        device.put("gMax", "a finite number > device.gMin (microsiemens)");
        device.put("gRef", "a finite number > 0 (microsiemens)");
        device.put("levels", "an integer >= 2 or \"ideal\"");
        device.put("response", "one of \"linearStep\", \"power\"");
        device.put("gammaUp", "a finite number >= 0");
        device.put("gammaDown", "a finite number >= 0");
        device.put("upDown", "a finite number in (-1, 1)");
        device.put("upDownDtod", "a finite number >= 0");
        device.put("stepDtod", "a finite number >= 0 (relative)");
        device.put("boundsDtod", "a finite number >= 0 (relative)");
        device.put("writeNoise", "a finite number >= 0 (nominal steps per pulse)");
        device.put("readNoise", "a finite number >= 0 (weight units)");
        device.put("stuckAtMin", "a fraction in [0, 1]");
        device.put("stuckAtMax", "a fraction in [0, 1] with stuckAtMin + stuckAtMax <= 1");
        device.put("driftNu", "a finite number >= 0");
        device.put("driftT0", "a finite number > 0 (seconds)");
        Map<String, String> periphery = new LinkedHashMap<>();
        periphery.put("dacBits", "an integer in 1..24 or \"ideal\"");
        periphery.put("dacMin", "a finite number (volts)");
        periphery.put("dacMax", "a finite number > periphery.dacMin (volts)");
        periphery.put("adcBits", "an integer in 1..24 or \"ideal\"");
        periphery.put("adcMin", "a finite number (volts) or \"rails\" (the transfer curve's lower rail)");
        periphery.put("adcMax", "a finite number > periphery.adcMin (volts) or \"rails\" (the upper rail)");
        SCHEMA.put("neuron", neuron);
        SCHEMA.put("device", device);
        SCHEMA.put("periphery", periphery);
    }

    private static final Set<String> TOP_LEVEL_TEXT = Set.of("name", "description", "source");

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // so NaN reaches validation and is named
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ModelLoader() {}

    /** A preset name ({@code ideal}) or a path to a .json file, plus overrides. */
    public static HardwareModel load(String nameOrPath, List<String> overrides) {
        Path path = Path.of(nameOrPath);
        String origin;
        String text;
        if (Files.isRegularFile(path)) {
            origin = nameOrPath;
            try {
                text = Files.readString(path);
            } catch (IOException | RuntimeException e) {
                throw new UserError(origin + ": cannot read hardware model (" + e.getMessage() + ")");
            }
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
        return parse(text, origin, overrides);
    }

    /** Parses model JSON {@code text}; {@code origin} names it in error messages. */
    public static HardwareModel parse(String text, String origin, List<String> overrides) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UserError(origin + ": not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) throw new UserError(origin + ": expected a JSON object");
        ObjectNode tree = (ObjectNode) root;
        Map<String, String> overridden = new LinkedHashMap<>();
        for (String o : overrides) applyOverride(tree, o, overridden);
        return validate(tree, origin, overridden);
    }

    private static void applyOverride(ObjectNode tree, String spec, Map<String, String> overridden) {
        String where = "--set " + spec;
        int eq = spec.indexOf('=');
        if (eq <= 0) throw new UserError(where + ": expected section.field=value, e.g. device.levels=64");
        String key = spec.substring(0, eq).trim();
        String value = spec.substring(eq + 1).trim();
        int dot = key.indexOf('.');
        String section = dot < 0 ? "" : key.substring(0, dot);
        String field = dot < 0 ? key : key.substring(dot + 1);
        if (!SCHEMA.containsKey(section) || !SCHEMA.get(section).containsKey(field)) {
            throw new UserError(where + ": unknown field '" + key + "' (expected one of " + allFieldNames() + ")");
        }
        JsonNode section0 = tree.get(section);
        ObjectNode sectionNode;
        if (section0 == null || !section0.isObject()) {
            sectionNode = tree.putObject(section);
        } else {
            sectionNode = (ObjectNode) section0;
        }
        sectionNode.set(field, parseScalar(value));
        overridden.put(key, where);
    }

    /** Whether {@code key} (section.field) names a model field. */
    public static boolean isField(String key) {
        int dot = key.indexOf('.');
        return dot > 0 && SCHEMA.containsKey(key.substring(0, dot)) && SCHEMA.get(key.substring(0, dot)).containsKey(key.substring(dot + 1));
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
        SCHEMA.forEach((s, fields) -> fields.keySet().forEach(k -> names.add(s + "." + k)));
        return String.join(", ", names);
    }

    private static HardwareModel validate(ObjectNode tree, String origin, Map<String, String> overridden) {
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!TOP_LEVEL_TEXT.contains(k) && !SCHEMA.containsKey(k)) {
                throw new UserError(origin + ": " + k + ": unknown field (expected name, description, source, "
                        + String.join(", ", SCHEMA.keySet()) + ")");
            }
        }
        for (String k : TOP_LEVEL_TEXT) {
            JsonNode n = tree.get(k);
            if (n != null && !n.isTextual()) throw new UserError(origin + ": " + k + ": expected a string");
        }
        Reader r = new Reader(tree, origin, overridden);
        for (String section : SCHEMA.keySet()) r.section(section);

        double tau = r.number("neuron", "tau", 0, false, Double.POSITIVE_INFINITY);
        double dt = r.number("neuron", "dt", 0, false, Double.POSITIVE_INFINITY);
        if (dt > tau) throw r.error("neuron", "dt", dt);
        String transferName = r.text("neuron", "transfer");
        TransferCurve transfer = TransferCurve.fromJson(transferName);
        if (transfer == null) throw r.error("neuron", "transfer", "\"" + transferName + "\"");
        double thermal = r.number("neuron", "thermalNoise", 0, true, Double.POSITIVE_INFINITY);

        double gMin = r.number("device", "gMin", 0, true, Double.POSITIVE_INFINITY);
        double gMax = r.number("device", "gMax", 0, false, Double.POSITIVE_INFINITY);
        if (gMax <= gMin) throw r.error("device", "gMax", gMax);
        double gRef = r.number("device", "gRef", 0, false, Double.POSITIVE_INFINITY);
        int levels = r.levels("device", "levels", 2, Integer.MAX_VALUE);
        String responseName = r.text("device", "response");
        HardwareModel.Response response = HardwareModel.Response.fromJson(responseName);
        if (response == null) throw r.error("device", "response", "\"" + responseName + "\"");
        double gammaUp = r.number("device", "gammaUp", 0, true, Double.POSITIVE_INFINITY);
        double gammaDown = r.number("device", "gammaDown", 0, true, Double.POSITIVE_INFINITY);
        double upDown = r.number("device", "upDown", Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY);
        if (!(upDown > -1 && upDown < 1)) throw r.error("device", "upDown", upDown);
        double upDownDtod = r.number("device", "upDownDtod", 0, true, Double.POSITIVE_INFINITY);
        double stepDtod = r.number("device", "stepDtod", 0, true, Double.POSITIVE_INFINITY);
        double boundsDtod = r.number("device", "boundsDtod", 0, true, Double.POSITIVE_INFINITY);
        double writeNoise = r.number("device", "writeNoise", 0, true, Double.POSITIVE_INFINITY);
        double readNoise = r.number("device", "readNoise", 0, true, Double.POSITIVE_INFINITY);
        double stuckMin = r.number("device", "stuckAtMin", 0, true, 1);
        double stuckMax = r.number("device", "stuckAtMax", 0, true, 1);
        if (stuckMin + stuckMax > 1) throw r.error("device", "stuckAtMax", stuckMax);
        double driftNu = r.number("device", "driftNu", 0, true, Double.POSITIVE_INFINITY);
        double driftT0 = r.number("device", "driftT0", 0, false, Double.POSITIVE_INFINITY);
        if (levels == HardwareModel.IDEAL) {
            // pulse effects need pulses: a continuous device takes every request exactly
            String[][] pulseOnly = {{"writeNoise", String.valueOf(writeNoise)}, {"stepDtod", String.valueOf(stepDtod)},
                    {"upDown", String.valueOf(upDown)}, {"upDownDtod", String.valueOf(upDownDtod)},
                    {"gammaUp", String.valueOf(gammaUp)}, {"gammaDown", String.valueOf(gammaDown)}};
            for (String[] f : pulseOnly) {
                if (Double.parseDouble(f[1]) != 0) {
                    throw new UserError(r.where("device", f[0]) + ": must be 0 when device.levels is \"ideal\""
                            + " (a pulse effect, and continuous devices take no pulses)");
                }
            }
        }

        int dac = r.levels("periphery", "dacBits", 1, 24);
        double dacMin = r.number("periphery", "dacMin", Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY);
        double dacMax = r.number("periphery", "dacMax", Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY);
        if (dacMax <= dacMin) throw r.error("periphery", "dacMax", dacMax);
        int adc = r.levels("periphery", "adcBits", 1, 24);
        double adcMin = r.isRails("periphery", "adcMin") ? transfer.railLow
                : r.number("periphery", "adcMin", Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY);
        double adcMax = r.isRails("periphery", "adcMax") ? transfer.railHigh
                : r.number("periphery", "adcMax", Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY);
        if (adcMax <= adcMin) throw r.error("periphery", "adcMax", adcMax);

        String name = tree.hasNonNull("name") ? tree.get("name").asText() : origin;
        return new HardwareModel(name,
                tree.hasNonNull("description") ? tree.get("description").asText() : "",
                tree.hasNonNull("source") ? tree.get("source").asText() : "",
                new HardwareModel.Neuron(tau, dt, transfer, thermal),
                new HardwareModel.Device(gMin, gMax, gRef, levels, response, gammaUp, gammaDown, upDown, upDownDtod,
                        stepDtod, boundsDtod, writeNoise, readNoise, stuckMin, stuckMax, driftNu, driftT0),
                new HardwareModel.Periphery(dac, dacMin, dacMax, adc, adcMin, adcMax));
    }

    /** Field access with errors that name the origin, the field and the expectation. */
    private static final class Reader {
        final ObjectNode tree;
        final String origin;
        final Map<String, String> overridden;

        Reader(ObjectNode tree, String origin, Map<String, String> overridden) {
            this.tree = tree;
            this.origin = origin;
            this.overridden = overridden;
        }

        String where(String section, String field) {
            String key = section + "." + field;
            return overridden.getOrDefault(key, origin + ": " + key);
        }

        UserError error(String section, String field, Object got) {
            return new UserError(where(section, field) + ": expected " + SCHEMA.get(section).get(field)
                    + ", got " + got);
        }

        void section(String section) {
            JsonNode n = tree.get(section);
            if (n == null) throw new UserError(origin + ": " + section + ": missing section");
            if (!n.isObject()) throw new UserError(origin + ": " + section + ": expected an object");
            Set<String> seen = new HashSet<>();
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                seen.add(k);
                if (!SCHEMA.get(section).containsKey(k)) {
                    throw new UserError(origin + ": " + section + "." + k + ": unknown field (expected one of "
                            + String.join(", ", SCHEMA.get(section).keySet()) + ")");
                }
            }
            for (String k : SCHEMA.get(section).keySet()) {
                if (!seen.contains(k)) {
                    throw new UserError(origin + ": " + section + "." + k + ": missing (expected "
                            + SCHEMA.get(section).get(k) + ")");
                }
            }
        }

        JsonNode node(String section, String field) {
            return tree.get(section).get(field);
        }

        double number(String section, String field, double low, boolean lowInclusive, double high) {
            JsonNode n = node(section, field);
            if (!n.isNumber()) throw error(section, field, describe(n));
            double v = n.asDouble();
            boolean ok = Double.isFinite(v) && (lowInclusive ? v >= low : v > low) && v <= high;
            if (!ok) throw error(section, field, v);
            return v;
        }

        boolean isRails(String section, String field) {
            JsonNode n = node(section, field);
            return n.isTextual() && n.asText().equals("rails");
        }

        String text(String section, String field) {
            JsonNode n = node(section, field);
            if (!n.isTextual()) throw error(section, field, describe(n));
            return n.asText();
        }

        int levels(String section, String field, int min, int max) {
            JsonNode n = node(section, field);
            if (n.isTextual() && n.asText().equals("ideal")) return HardwareModel.IDEAL;
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min || n.asInt() > max) {
                throw error(section, field, describe(n));
            }
            return n.asInt();
        }

        static String describe(JsonNode n) {
            if (n.isTextual()) return "\"" + n.asText() + "\"";
            if (n.isNumber() || n.isBoolean() || n.isNull()) return n.toString();
            return n.isArray() ? "an array" : "an object";
        }
    }

    /** The fully resolved model, as JSON (what {@code models show} prints). */
    public static ObjectNode toJson(HardwareModel m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", m.name());
        root.put("description", m.description());
        root.put("source", m.source());
        ObjectNode n = root.putObject("neuron");
        n.put("tau", m.neuron().tau());
        n.put("dt", m.neuron().dt());
        n.put("transfer", m.neuron().transfer().jsonName);
        n.put("thermalNoise", m.neuron().thermalNoise());
        ObjectNode d = root.putObject("device");
        d.put("gMin", m.device().gMin());
        d.put("gMax", m.device().gMax());
        d.put("gRef", m.device().gRef());
        HardwareModel.Device dv = m.device();
        putLevels(d, "levels", dv.levels());
        d.put("response", dv.response().jsonName);
        d.put("gammaUp", dv.gammaUp());
        d.put("gammaDown", dv.gammaDown());
        d.put("upDown", dv.upDown());
        d.put("upDownDtod", dv.upDownDtod());
        d.put("stepDtod", dv.stepDtod());
        d.put("boundsDtod", dv.boundsDtod());
        d.put("writeNoise", dv.writeNoise());
        d.put("readNoise", dv.readNoise());
        d.put("stuckAtMin", dv.stuckAtMin());
        d.put("stuckAtMax", dv.stuckAtMax());
        d.put("driftNu", dv.driftNu());
        d.put("driftT0", dv.driftT0());
        ObjectNode p = root.putObject("periphery");
        HardwareModel.Periphery pp = m.periphery();
        putLevels(p, "dacBits", pp.dacBits());
        p.put("dacMin", pp.dacMin());
        p.put("dacMax", pp.dacMax());
        putLevels(p, "adcBits", pp.adcBits());
        p.put("adcMin", pp.adcMin());
        p.put("adcMax", pp.adcMax());
        return root;
    }

    private static void putLevels(ObjectNode node, String key, int value) {
        if (value == HardwareModel.IDEAL) node.put(key, "ideal");
        else node.put(key, value);
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
