package epsim.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.common.AtomicFiles;
import epsim.common.JsonFields;
import epsim.common.JsonName;
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
import java.util.EnumMap;
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

    private static final Set<String> TOP_LEVEL_TEXT = Set.of("name", "description", "source");
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
        return parseWithWarnings(text, origin, overrides);
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
        return parseWithWarnings(text, origin, overrides).model();
    }

    private static Loaded parseWithWarnings(String text, String origin, List<String> overrides) {
        JsonNode root = JsonFields.parse(text, origin);
        if (!root.isObject()) throw new UserError(origin + ": expected a JSON object");
        ObjectNode tree = resolveBase((ObjectNode) root, origin, 0);
        double stepBefore = nominalStep(tree);
        Map<String, String> overridden = new LinkedHashMap<>();
        for (String o : overrides) applyOverride(tree, o, overridden);
        HardwareModel m = validate(tree, origin, overridden, stepBefore);
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
                    + Reader.describe(base));
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

    private static void applyOverride(ObjectNode tree, String spec, Map<String, String> overridden) {
        String where = "--set " + spec;
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
        sectionNode.set(field, parseScalar(value));
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

    private static HardwareModel validate(ObjectNode tree, String origin, Map<String, String> overridden, double stepBefore) {
        Set<String> sections = ModelField.sections();
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!TOP_LEVEL_TEXT.contains(k) && !sections.contains(k)) {
                throw new UserError(origin + ": " + k + ": unknown field (expected name, description, source, base, "
                        + String.join(", ", sections) + ")");
            }
        }
        for (String k : TOP_LEVEL_TEXT) {
            JsonNode n = tree.get(k);
            if (n != null && !n.isTextual()) throw new UserError(origin + ": " + k + ": expected a string");
        }
        Reader r = new Reader(tree, origin, overridden);
        boolean costed = tree.has(ModelField.COST_SECTION), updated = tree.has(ModelField.UPDATE_SECTION), ghosted = tree.has(ModelField.GHOST_SECTION);
        for (String section : sections) if (present(section, costed, updated, ghosted)) r.section(section);
        Map<ModelField, Object> v = new EnumMap<>(ModelField.class);
        for (ModelField f : ModelField.values()) {
            if (!present(f.section, costed, updated, ghosted)) continue;
            boolean given = tree.get(f.section).has(f.name);
            if (given) v.put(f, r.read(f));
            else if (f.presence == ModelField.Presence.OPTIONAL) v.put(f, f.whenAbsent);
        }

        // the checks that relate two fields
        double tau = (Double) v.get(ModelField.TAU), dt = (Double) v.get(ModelField.DT);
        if (dt > tau) throw r.error(ModelField.DT, dt);
        TransferCurve transfer = (TransferCurve) v.get(ModelField.TRANSFER);
        double gMin = (Double) v.get(ModelField.G_MIN), gMax = (Double) v.get(ModelField.G_MAX);
        if (gMax <= gMin) throw r.error(ModelField.G_MAX, gMax);
        double stuckMin = (Double) v.get(ModelField.STUCK_AT_MIN), stuckMax = (Double) v.get(ModelField.STUCK_AT_MAX);
        if (stuckMin + stuckMax > 1) throw r.error(ModelField.STUCK_AT_MAX, stuckMax);
        int levels = (Integer) v.get(ModelField.LEVELS);
        v.put(ModelField.WRITE_NOISE, relativeWriteNoise(r, v, levels == HardwareModel.IDEAL ? 0 : (gMax - gMin) / (levels - 1), stepBefore));
        if (levels == HardwareModel.IDEAL) {
            // pulse effects need pulses: a continuous device takes every request exactly
            for (ModelField f : List.of(ModelField.WRITE_NOISE, ModelField.STEP_DTOD, ModelField.UP_DOWN, ModelField.UP_DOWN_DTOD,
                    ModelField.GAMMA_UP, ModelField.GAMMA_DOWN)) {
                if ((Double) v.get(f) != 0) {
                    throw new UserError(r.where(f) + ": must be 0 when device.levels is \"ideal\""
                            + " (a pulse effect, and continuous devices take no pulses)");
                }
            }
        }
        double dacMin = (Double) v.get(ModelField.DAC_MIN), dacMax = (Double) v.get(ModelField.DAC_MAX);
        if (dacMax <= dacMin) throw r.error(ModelField.DAC_MAX, dacMax);
        double adcMin = v.get(ModelField.ADC_MIN) == RAILS ? transfer.railLow : (Double) v.get(ModelField.ADC_MIN);
        double adcMax = v.get(ModelField.ADC_MAX) == RAILS ? transfer.railHigh : (Double) v.get(ModelField.ADC_MAX);
        if (adcMax <= adcMin) throw r.error(ModelField.ADC_MAX, adcMax);

        // quantities derived from the fields must be finite too, or they turn into NaN in the chip
        derived(r, ModelField.DAC_MAX, dacMax - dacMin, "the DAC range dacMax - dacMin");
        derived(r, ModelField.ADC_MAX, adcMax - adcMin, "the ADC range adcMax - adcMin");
        derived(r, ModelField.G_MAX, gMax - gMin, "the conductance range gMax - gMin");
        double gRef = (Double) v.get(ModelField.G_REF);
        derived(r, ModelField.G_REF, 1 / gRef, "1 / gRef");
        derived(r, ModelField.G_REF, (gMax - gMin) / gRef, "the largest weight (gMax - gMin) / gRef");
        derived(r, ModelField.G_MAX, gMax + gMin, "gMax + gMin (twice the mid-range)");
        if (levels != HardwareModel.IDEAL) {
            double step = (gMax - gMin) / (levels - 1);
            if (!(step > 0) || !Double.isFinite(step) || !(step / gRef > 0)) {
                throw new UserError(r.where(ModelField.LEVELS) + ": the step (gMax - gMin) / (levels - 1) = " + step
                        + " is too small to program (expected a finite step > 0, also in weight units)");
            }
        }
        if (!(dt / tau > 0)) throw new UserError(r.where(ModelField.DT) + ": dt / tau = " + dt / tau + " (expected a number > 0)");

        HardwareModel.Update update = updated ? new HardwareModel.Update((HardwareModel.UpdateMode) v.get(ModelField.UPDATE_MODE),
                (Integer) v.get(ModelField.BIT_LENGTH), (Boolean) v.get(ModelField.MANAGEMENT), (Boolean) v.get(ModelField.BL_MANAGEMENT),
                (HardwareModel.PulseType) v.get(ModelField.PULSE_TYPE)) : HardwareModel.Update.HOST;
        if (update.mode() == HardwareModel.UpdateMode.OUTER_PRODUCT && levels == HardwareModel.IDEAL) {
            throw new UserError(r.where(ModelField.UPDATE_MODE) + ": \"outerProduct\" needs pulsed devices (device.levels an integer):"
                    + " an outer-product update is a count of programming pulses, and continuous devices take none");
        }

        String name = tree.hasNonNull("name") ? tree.get("name").asText() : origin;
        return new HardwareModel(name,
                tree.hasNonNull("description") ? tree.get("description").asText() : "",
                tree.hasNonNull("source") ? tree.get("source").asText() : "",
                new HardwareModel.Neuron(tau, dt, transfer, (Double) v.get(ModelField.THERMAL_NOISE)),
                device(v, gMin, gMax, levels, stuckMin, stuckMax),
                new HardwareModel.Periphery((Integer) v.get(ModelField.DAC_BITS), dacMin, dacMax, (Integer) v.get(ModelField.ADC_BITS), adcMin, adcMax,
                        (Double) v.get(ModelField.ADC_NOISE)),
                costed ? cost(v) : null, update,
                ghosted ? new HardwareModel.Ghost((HardwareModel.GhostCrossbar) v.get(ModelField.GHOST_CROSSBAR)) : HardwareModel.Ghost.SHARED);
    }

    /** The device section's named parts. */
    private static HardwareModel.Device device(Map<ModelField, Object> v, double gMin, double gMax, int levels, double stuckMin, double stuckMax) {
        return new HardwareModel.Device(
                new HardwareModel.Device.Conductance(gMin, gMax, (Double) v.get(ModelField.G_REF), levels),
                HardwareModel.Device.StepResponse.of((HardwareModel.Response) v.get(ModelField.RESPONSE), (Double) v.get(ModelField.GAMMA_UP),
                        (Double) v.get(ModelField.GAMMA_DOWN), (Double) v.get(ModelField.UP_DOWN)),
                new HardwareModel.Device.Variation((Double) v.get(ModelField.STEP_DTOD), (Double) v.get(ModelField.BOUNDS_DTOD),
                        (Double) v.get(ModelField.UP_DOWN_DTOD)),
                new HardwareModel.Device.Noise((Double) v.get(ModelField.WRITE_NOISE), (Double) v.get(ModelField.READ_NOISE)),
                new HardwareModel.Device.Faults(stuckMin, stuckMax),
                new HardwareModel.Device.Drift((Double) v.get(ModelField.DRIFT_NU), (Double) v.get(ModelField.DRIFT_T0)));
    }


    /**
     * The write noise in nominal steps, from whichever form the model gives. A model that gives both
     * (as 'models show' prints it) must mean one thing: they agree at the model's own step
     * ({@code stepBefore}, before overrides), and the conductance form holds if an override moves the step.
     */
    private static double relativeWriteNoise(Reader r, Map<ModelField, Object> v, double step, double stepBefore) {
        Double relative = (Double) v.get(ModelField.WRITE_NOISE), absolute = (Double) v.get(ModelField.WRITE_NOISE_US);
        if (absolute == null) return relative;
        if (step == 0) {
            if (absolute != 0) throw new UserError(r.where(ModelField.WRITE_NOISE_US) + ": must be 0 when device.levels is \"ideal\""
                    + " (a pulse effect, and continuous devices take no pulses)");
            return relative == null ? 0 : relative;
        }
        double own = stepBefore > 0 ? stepBefore : step, fromAbsolute = absolute / own;
        // 'models show' prints both as the shortest decimals that read back: they agree to ~1e-16, and 1e-9 is far above that
        if (relative != null && Math.abs(relative - fromAbsolute) > 1e-9 * Math.max(Math.abs(relative), Math.abs(fromAbsolute))) {
            throw new UserError(r.where(ModelField.WRITE_NOISE_US) + ": " + absolute + " µS disagrees with device.writeNoise = " + relative
                    + " steps of " + own + " µS (= " + relative * own + " µS); give one of the two");
        }
        return absolute / step;
    }

    /** Whether a section's fields are read: the optional cost, update and ghost sections only when the file has them. */
    private static boolean present(String section, boolean costed, boolean updated, boolean ghosted) {
        if (section.equals(ModelField.COST_SECTION)) return costed;
        if (section.equals(ModelField.UPDATE_SECTION)) return updated;
        if (section.equals(ModelField.GHOST_SECTION)) return ghosted;
        return true;
    }

    private static HardwareModel.Cost cost(Map<ModelField, Object> v) {
        return new HardwareModel.Cost((Double) v.get(ModelField.ADC_FOM), (Double) v.get(ModelField.ADC_SECONDS),
                (Integer) v.get(ModelField.ADCS), (Double) v.get(ModelField.DAC_FOM), (Double) v.get(ModelField.DAC_SECONDS),
                (Integer) v.get(ModelField.IDEAL_BITS), (Double) v.get(ModelField.NEURON_POWER), (Double) v.get(ModelField.PULSE_ENERGY),
                (Double) v.get(ModelField.PULSE_SECONDS), (Double) v.get(ModelField.MAC_ENERGY), (Double) v.get(ModelField.MAC_SECONDS),
                (Double) v.get(ModelField.MEMORY_ENERGY), (String) v.get(ModelField.COST_SOURCE));
    }

    /** A quantity the chip computes from the fields: it must be a finite number > 0. */
    private static void derived(Reader r, ModelField f, double value, String what) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new UserError(r.where(f) + ": " + what + " = " + value + " (expected a finite number > 0; the values are too far apart or too small)");
        }
    }

    /** The value "rails" of an ADC bound, before the transfer curve resolves it. */
    private static final Object RAILS = new Object();

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

        String where(ModelField f) {
            return overridden.getOrDefault(f.key(), origin + ": " + f.key());
        }

        UserError error(ModelField f, Object got) {
            return new UserError(where(f) + ": expected " + f.expectation + ", got " + got);
        }

        /** The field's value, checked against its own range: Double, Integer (levels, bits), TransferCurve, Response or RAILS. */
        Object read(ModelField f) {
            JsonNode n = tree.get(f.section).get(f.name);
            return switch (f.kind) {
                case NUMBER -> number(f, n, Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY);
                case POSITIVE -> number(f, n, 0, false, Double.POSITIVE_INFINITY);
                case NON_NEGATIVE -> number(f, n, 0, true, Double.POSITIVE_INFINITY);
                case FRACTION -> number(f, n, 0, true, 1);
                case NOISE -> number(f, n, 0, true, ModelField.MAX_NOISE);
                case OPEN_UNIT -> {
                    double x = number(f, n, Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY);
                    if (!(x > -1 && x < 1)) throw error(f, x);
                    yield x;
                }
                case TEXT -> {
                    if (!n.isTextual()) throw error(f, describe(n));
                    Object parsed = switch (f) {
                        case TRANSFER -> JsonName.lookup(TransferCurve.class, n.asText());
                        case UPDATE_MODE -> JsonName.lookup(HardwareModel.UpdateMode.class, n.asText());
                        case PULSE_TYPE -> JsonName.lookup(HardwareModel.PulseType.class, n.asText());
                        case GHOST_CROSSBAR -> JsonName.lookup(HardwareModel.GhostCrossbar.class, n.asText());
                        default -> JsonName.lookup(HardwareModel.Response.class, n.asText());
                    };
                    if (parsed == null) throw error(f, describe(n));
                    yield parsed;
                }
                case BOOLEAN -> {
                    if (!n.isBoolean()) throw error(f, describe(n));
                    yield n.asBoolean();
                }
                case LEVELS -> levels(f, n, 2, Integer.MAX_VALUE);
                case BITS -> levels(f, n, 1, 24);
                case RAILS_OR_NUMBER -> n.isTextual() && n.asText().equals("rails") ? RAILS
                        : number(f, n, Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY);
                case COST -> number(f, n, 0, true, ModelField.MAX_COST);
                case COUNT -> integer(f, n, 1, 1_000_000);
                case RESOLUTION -> integer(f, n, 1, 24);
                case FREE_TEXT -> {
                    if (n == null) yield "";
                    if (!n.isTextual() || n.asText().length() > 4000) throw error(f, describe(n));
                    yield n.asText();
                }
            };
        }

        void section(String section) {
            JsonNode n = tree.get(section);
            if (n == null) throw new UserError(origin + ": " + section + ": missing section");
            if (!n.isObject()) throw new UserError(origin + ": " + section + ": expected an object");
            List<String> names = new ArrayList<>();
            for (ModelField f : ModelField.inSection(section)) names.add(f.name);
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!names.contains(k)) {
                    throw new UserError(origin + ": " + section + "." + k + ": unknown field (expected one of "
                            + String.join(", ", names) + ")");
                }
            }
            for (ModelField f : ModelField.inSection(section)) {
                if (n.has(f.name) || f.presence == ModelField.Presence.OPTIONAL) continue;
                if (f.presence == ModelField.Presence.ONE_OF_TWO && (n.has(f.otherForm().name) || f.otherForm().ordinal() < f.ordinal())) continue;
                throw new UserError(origin + ": " + f.key() + ": missing (expected " + f.expectation + ")");
            }
        }

        double number(ModelField f, JsonNode n, double low, boolean lowInclusive, double high) {
            return FIELDS.number(n, where(f), low, lowInclusive, high, f.expectation);
        }

        int levels(ModelField f, JsonNode n, int min, int max) {
            if (n.isTextual() && n.asText().equals("ideal")) return HardwareModel.IDEAL;
            return integer(f, n, min, max);
        }

        int integer(ModelField f, JsonNode n, int min, int max) {
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min || n.asInt() > max) {
                throw error(f, describe(n));
            }
            return n.asInt();
        }

        /** Every message already names the file or the --set flag in {@link #where}. */
        private static final JsonFields FIELDS = new JsonFields("");

        static String describe(JsonNode n) {
            return JsonFields.describe(n);
        }
    }

    /** The fully resolved model, as JSON (what {@code models show} prints). */
    public static ObjectNode toJson(HardwareModel m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", m.name());
        root.put("description", m.description());
        root.put("source", m.source());
        for (String section : ModelField.sections()) {
            if (section.equals(ModelField.COST_SECTION) && m.cost() == null) continue;
            ObjectNode node = root.putObject(section);
            for (ModelField f : ModelField.inSection(section)) {
                Object value = f.valueIn(m);
                if (value instanceof Double d) node.put(f.name, d);
                else if (value instanceof Integer i) node.put(f.name, i);
                else if (value instanceof Boolean b) node.put(f.name, b);
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
