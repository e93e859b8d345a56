package epsim.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.common.JsonFields;
import epsim.common.JsonName;
import epsim.common.UserError;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of a resolved model tree (bases and overrides applied): every field read as its
 * {@link ModelField} declaration says, then the checks that relate two fields, then the
 * quantities the chip derives from them, which must be finite too. Every error is one line naming
 * the file or the --set flag, the field and what was expected.
 */
final class ModelValidator {
    private ModelValidator() {}

    /**
     * The most levels a device may have: a state-dependent device steps pulse by pulse, up to 4 x
     * levels pulses in one update, so the levels bound the work one update may take (4 million
     * pulses per device here); a device finer than this is continuous in effect ("ideal").
     */
    static final int MAX_LEVELS = 1_000_000;

    static HardwareModel validate(ObjectNode tree, String origin, Map<String, String> overridden, double stepBefore) {
        Set<String> sections = ModelField.sections();
        checkTopLevel(tree, origin, sections);
        Reader r = new Reader(tree, origin, overridden);
        Set<String> given = new java.util.HashSet<>();
        tree.fieldNames().forEachRemaining(given::add);
        for (String section : sections) if (present(section, given)) r.section(section);
        Map<ModelField, Object> v = new EnumMap<>(ModelField.class);
        for (ModelField f : ModelField.values()) {
            if (!present(f.section, given)) continue;
            if (tree.get(f.section).has(f.name)) v.put(f, r.read(f));
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
                    ModelField.GAMMA_UP, ModelField.GAMMA_DOWN, ModelField.ENDURANCE)) {
                if ((Double) v.get(f) != 0) {
                    throw new UserError(r.where(f) + ": must be 0 when device.levels is \"ideal\""
                            + " (a pulse effect, and continuous devices take no pulses)");
                }
            }
        }
        if ((Double) v.get(ModelField.DRIFT_NU_DTOD) > 0 && (Double) v.get(ModelField.DRIFT_NU) == 0) {
            throw new UserError(r.where(ModelField.DRIFT_NU_DTOD) + ": a spread of the drift exponent needs device.driftNu > 0 (it is 0: no drift)");
        }
                lookupChecks(r, v, gMin, gMax, levels);
        double dacMin = (Double) v.get(ModelField.DAC_MIN), dacMax = (Double) v.get(ModelField.DAC_MAX);
        if (dacMax <= dacMin) throw r.error(ModelField.DAC_MAX, dacMax);
        double adcMin = v.get(ModelField.ADC_MIN) == RAILS ? transfer.railLow : (Double) v.get(ModelField.ADC_MIN);
        double adcMax = v.get(ModelField.ADC_MAX) == RAILS ? transfer.railHigh : (Double) v.get(ModelField.ADC_MAX);
        if (adcMax <= adcMin) throw r.error(ModelField.ADC_MAX, adcMax);

        derivedQuantities(r, v, dacMax - dacMin, adcMax - adcMin);
        if (v.get(ModelField.READ_PULSE) == null) v.put(ModelField.READ_PULSE, dt); // the rows conduct through the whole step
        if ((Double) v.get(ModelField.READ_PULSE) > dt) throw r.error(ModelField.READ_PULSE, v.get(ModelField.READ_PULSE));

        HardwareModel.Update update = given.contains(ModelField.UPDATE_SECTION) ? new HardwareModel.Update((HardwareModel.UpdateMode) v.get(ModelField.UPDATE_MODE),
                (Integer) v.get(ModelField.BIT_LENGTH), (Boolean) v.get(ModelField.MANAGEMENT), (Boolean) v.get(ModelField.BL_MANAGEMENT),
                (HardwareModel.PulseType) v.get(ModelField.PULSE_TYPE),
                new HardwareModel.TikiTaka((Double) v.get(ModelField.FAST_LR), (Double) v.get(ModelField.TRANSFER_LR),
                        (Integer) v.get(ModelField.TRANSFER_EVERY), (Integer) v.get(ModelField.READS_PER_TRANSFER),
                        (Double) v.get(ModelField.RESET_PROBABILITY), (Boolean) v.get(ModelField.TRANSFER_ROWS))) : HardwareModel.Update.HOST;
        if (update.mode().fromRankOneTerms() && levels == HardwareModel.IDEAL) {
            throw new UserError(r.where(ModelField.UPDATE_MODE) + ": \"" + update.mode().jsonName + "\" needs pulsed devices (device.levels an integer):"
                    + " an outer-product update is a count of programming pulses, and continuous devices take none");
        }
        if (update.mode() == HardwareModel.UpdateMode.TIKI_TAKA && given.contains(ModelField.GHOST_SECTION)
                && v.get(ModelField.GHOST_CROSSBAR) == HardwareModel.GhostCrossbar.SEPARATE) {
            throw new UserError(r.where(ModelField.UPDATE_MODE) + ": \"tikiTaka\" with ghost.crossbar \"separate\" is not modelled"
                    + " (the ghosts' copy would need a fast array of its own); use ghost.crossbar \"shared\"");
        }

        String name = tree.hasNonNull("name") ? tree.get("name").asText() : origin;
        return new HardwareModel(name,
                tree.hasNonNull("description") ? tree.get("description").asText() : "",
                tree.hasNonNull("source") ? tree.get("source").asText() : "",
                new HardwareModel.Neuron(tau, dt, transfer, (Double) v.get(ModelField.THERMAL_NOISE)),
                device(v, gMin, gMax, levels, stuckMin, stuckMax),
                new HardwareModel.Periphery((Integer) v.get(ModelField.DAC_BITS), dacMin, dacMax, (Integer) v.get(ModelField.ADC_BITS), adcMin, adcMax,
                        (Double) v.get(ModelField.ADC_NOISE), (Double) v.get(ModelField.READ_VOLTAGE), (Double) v.get(ModelField.READ_PULSE)),
                given.contains(ModelField.COST_SECTION) ? cost(v, (ObjectNode) tree.get(ModelField.COST_SECTION)) : null, update,
                given.contains(ModelField.GHOST_SECTION) ? new HardwareModel.Ghost((HardwareModel.GhostCrossbar) v.get(ModelField.GHOST_CROSSBAR),
                        (HardwareModel.GhostProgramming) v.get(ModelField.GHOST_PROGRAMMING))
                        : HardwareModel.Ghost.SHARED,
                given.contains(ModelField.ARRAY_SECTION) ? array(v) : HardwareModel.Array.NONE);
    }

    /** Only the known top-level keys, and the text ones as text. */
    private static void checkTopLevel(ObjectNode tree, String origin, Set<String> sections) {
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!ModelLoader.TOP_LEVEL_TEXT.contains(k) && !sections.contains(k)) {
                throw new UserError(origin + ": " + k + ": unknown field (expected name, description, source, base, "
                        + String.join(", ", sections) + ")");
            }
        }
        for (String k : ModelLoader.TOP_LEVEL_TEXT) {
            JsonNode n = tree.get(k);
            if (n != null && !n.isTextual()) throw new UserError(origin + ": " + k + ": expected a string");
        }
    }

    /** The quantities the chip derives from the fields must be finite too, or they turn into NaN in the chip. */
    private static void derivedQuantities(Reader r, Map<ModelField, Object> v, double dacRange, double adcRange) {
        double gMin = (Double) v.get(ModelField.G_MIN), gMax = (Double) v.get(ModelField.G_MAX), gRef = (Double) v.get(ModelField.G_REF);
        double tau = (Double) v.get(ModelField.TAU), dt = (Double) v.get(ModelField.DT);
        int levels = (Integer) v.get(ModelField.LEVELS);
        derived(r, ModelField.DAC_MAX, dacRange, "the DAC range dacMax - dacMin");
        derived(r, ModelField.ADC_MAX, adcRange, "the ADC range adcMax - adcMin");
        derived(r, ModelField.G_MAX, gMax - gMin, "the conductance range gMax - gMin");
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

    }

    /** The lookup response and its table come together, with pulsed devices, no gamma and the table within the device's range. */
    private static void lookupChecks(Reader r, Map<ModelField, Object> v, double gMin, double gMax, int levels) {
        boolean lookup = v.get(ModelField.RESPONSE) == HardwareModel.Response.LOOKUP;
        HardwareModel.Device.StepTable table = (HardwareModel.Device.StepTable) v.get(ModelField.LOOKUP);
        if (lookup && table == null) {
            throw new UserError(r.where(ModelField.RESPONSE) + ": \"lookup\" needs the table device.lookup (conductance, stepUp, stepDown; docs/hardware-models.md)");
        }
        if (!lookup && table != null) {
            throw new UserError(r.where(ModelField.LOOKUP) + ": a table is read only by device.response \"lookup\" (the response is "
                    + ((HardwareModel.Response) v.get(ModelField.RESPONSE)).jsonName + ")");
        }
        if (!lookup) return;
        if (levels == HardwareModel.IDEAL) {
            throw new UserError(r.where(ModelField.RESPONSE) + ": \"lookup\" needs pulsed devices (device.levels an integer; the table gives steps of pulses)");
        }
        for (ModelField f : List.of(ModelField.GAMMA_UP, ModelField.GAMMA_DOWN)) {
            if ((Double) v.get(f) != 0) throw new UserError(r.where(f) + ": must be 0 with device.response \"lookup\" (the table holds the step's shape)");
        }
        double[] c = table.conductance();
        // 1e-9 relative: a table written from the model's own bounds as decimals reads back within rounding
        double slack = 1e-9 * Math.max(1, gMax);
        if (c[0] < gMin - slack || c[c.length - 1] > gMax + slack) {
            throw new UserError(r.where(ModelField.LOOKUP) + ".conductance: " + c[0] + " .. " + c[c.length - 1] + " µS reaches beyond the device's range "
                    + gMin + " .. " + gMax + " µS");
        }
        if (java.util.Arrays.stream(table.stepUp()).max().orElse(0) == 0 || java.util.Arrays.stream(table.stepDown()).max().orElse(0) == 0) {
            throw new UserError(r.where(ModelField.LOOKUP) + ": stepUp and stepDown need a step > 0 somewhere (else no pulse moves the device that way)");
        }
    }

    /** The device section's named parts. */
    private static HardwareModel.Device device(Map<ModelField, Object> v, double gMin, double gMax, int levels, double stuckMin, double stuckMax) {
        return new HardwareModel.Device(
                new HardwareModel.Device.Conductance(gMin, gMax, (Double) v.get(ModelField.G_REF), levels),
                v.get(ModelField.RESPONSE) == HardwareModel.Response.LOOKUP
                        ? new HardwareModel.Device.Lookup((HardwareModel.Device.StepTable) v.get(ModelField.LOOKUP), (Double) v.get(ModelField.UP_DOWN),
                                gMin, gMax, (gMax - gMin) / (levels - 1))
                        : HardwareModel.Device.StepResponse.of((HardwareModel.Response) v.get(ModelField.RESPONSE), (Double) v.get(ModelField.GAMMA_UP),
                                (Double) v.get(ModelField.GAMMA_DOWN), (Double) v.get(ModelField.UP_DOWN)),
                new HardwareModel.Device.Variation((Double) v.get(ModelField.STEP_DTOD), (Double) v.get(ModelField.BOUNDS_DTOD),
                        (Double) v.get(ModelField.UP_DOWN_DTOD)),
                new HardwareModel.Device.Noise((Double) v.get(ModelField.WRITE_NOISE), (Double) v.get(ModelField.READ_NOISE),
                        (Double) v.get(ModelField.TEMPERATURE)),
                new HardwareModel.Device.Faults(stuckMin, stuckMax),
                new HardwareModel.Device.Drift((Double) v.get(ModelField.DRIFT_NU), (Double) v.get(ModelField.DRIFT_T0), (Double) v.get(ModelField.DRIFT_NU_DTOD)),
                new HardwareModel.Device.Endurance((Double) v.get(ModelField.ENDURANCE), (Double) v.get(ModelField.ENDURANCE_SPREAD),
                        (HardwareModel.Device.WearOut) v.get(ModelField.WEAR_OUT)));
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

    /** Whether a section's fields are read: the optional cost, update, ghost and array sections only when the file has them. */
    private static boolean present(String section, Set<String> given) {
        boolean optional = section.equals(ModelField.COST_SECTION) || section.equals(ModelField.UPDATE_SECTION)
                || section.equals(ModelField.GHOST_SECTION) || section.equals(ModelField.ARRAY_SECTION);
        return !optional || given.contains(section);
    }

    private static HardwareModel.Array array(Map<ModelField, Object> v) {
        return new HardwareModel.Array((Integer) v.get(ModelField.TILE_ROWS), (Integer) v.get(ModelField.TILE_COLUMNS),
                (HardwareModel.PartialSums) v.get(ModelField.PARTIAL_SUMS), (Integer) v.get(ModelField.PARTIAL_SUM_BITS),
                (Double) v.get(ModelField.PARTIAL_SUM_RANGE), (Double) v.get(ModelField.PARTIAL_SUM_NOISE),
                (Double) v.get(ModelField.ROW_WIRE), (Double) v.get(ModelField.COLUMN_WIRE));
    }

    /**
     * The cost section: every constant the file states, the rest from the tables it names
     * (cost.technology for the node's constants, cost.cell for the cell's), each table value kept
     * with its provenance so that reports can say where it came from.
     */
    private static HardwareModel.Cost cost(Map<ModelField, Object> v, ObjectNode section) {
        Map<String, TechnologyTable.Constant> provenance = new java.util.LinkedHashMap<>();
        String technology = (String) v.get(ModelField.TECHNOLOGY), cell = (String) v.get(ModelField.CELL);
        for (Map<String, TechnologyTable.Constant> table : java.util.Arrays.asList(technology == null ? null : TechnologyTable.node(technology),
                cell == null ? null : TechnologyTable.cell(cell))) {
            if (table == null) continue;
            for (ModelField f : ModelField.inSection(ModelField.COST_SECTION)) {
                TechnologyTable.Constant c = table.get(f.name);
                if (c == null || section.has(f.name)) continue;
                v.put(f, f.kind == ModelField.Kind.COUNT || f.kind == ModelField.Kind.RESOLUTION ? (Object) (int) c.value() : (Object) c.value());
                provenance.put(f.name, c);
            }
        }
        return new HardwareModel.Cost((Double) v.get(ModelField.ADC_FOM), (Double) v.get(ModelField.ADC_SECONDS),
                (Integer) v.get(ModelField.ADCS), (Double) v.get(ModelField.DAC_FOM), (Double) v.get(ModelField.DAC_SECONDS),
                (Integer) v.get(ModelField.IDEAL_BITS), (Double) v.get(ModelField.NEURON_POWER), (Double) v.get(ModelField.PULSE_ENERGY),
                (Double) v.get(ModelField.PULSE_SECONDS), (Double) v.get(ModelField.MAC_ENERGY), (Double) v.get(ModelField.MAC_SECONDS),
                (Double) v.get(ModelField.MEMORY_ENERGY), (String) v.get(ModelField.COST_SOURCE),
                new HardwareModel.Area((Double) v.get(ModelField.NODE), (Double) v.get(ModelField.CELL_AREA), (Double) v.get(ModelField.ADC_AREA),
                        (Double) v.get(ModelField.DAC_AREA), (Double) v.get(ModelField.NEURON_AREA), (Double) v.get(ModelField.SRAM_BIT_AREA)),
                technology, cell, java.util.Collections.unmodifiableMap(provenance));
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
                case TIME -> number(f, n, 0, false, ModelField.MAX_SECONDS);
                case CONDUCTANCE -> number(f, n, 0, true, ModelField.MAX_MICROSIEMENS);
                case REFERENCE -> number(f, n, ModelField.MIN_REFERENCE, true, ModelField.MAX_MICROSIEMENS);
                case VOLTAGE -> number(f, n, -ModelField.MAX_VOLTS, true, ModelField.MAX_VOLTS);
                case SHAPE -> number(f, n, 0, true, ModelField.MAX_SHAPE);
                case DRIFT_EXPONENT -> number(f, n, 0, true, ModelField.MAX_DRIFT_EXPONENT);
                case DRIFT_TIME -> number(f, n, 0, false, ModelField.MAX_DRIFT_TIME);
                case READ_VOLTAGE -> number(f, n, 0, false, ModelField.MAX_VOLTS);
                case TEMPERATURE -> number(f, n, 0, true, ModelField.MAX_KELVIN);
                case TECHNOLOGY -> {
                    List<String> names = f == ModelField.TECHNOLOGY ? TechnologyTable.NODES : TechnologyTable.CELLS;
                    if (!n.isTextual() || !names.contains(n.asText())) throw error(f, describe(n));
                    yield n.asText();
                }
                case WIRE -> {
                    double ohms = number(f, n, 0, true, ModelField.MAX_WIRE_OHMS);
                    if (ohms != 0 && ohms < ModelField.MIN_WIRE_OHMS) throw error(f, ohms);
                    yield ohms;
                }
                case RANGE -> number(f, n, 0, false, ModelField.MAX_RANGE);
                case TABLE -> table(f, n);
                case ENDURANCE -> n.isTextual() && n.asText().equals("unlimited") ? 0.0 : number(f, n, 1, true, 1e15);
                case TILE -> n.isTextual() && n.asText().equals("unbounded") ? HardwareModel.Array.UNBOUNDED : integer(f, n, 1, 1_000_000);
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
                        case GHOST_PROGRAMMING -> JsonName.lookup(HardwareModel.GhostProgramming.class, n.asText());
                        case PARTIAL_SUMS -> JsonName.lookup(HardwareModel.PartialSums.class, n.asText());
                        case WEAR_OUT -> JsonName.lookup(HardwareModel.Device.WearOut.class, n.asText());
                        default -> JsonName.lookup(HardwareModel.Response.class, n.asText());
                    };
                    if (parsed == null) throw error(f, describe(n));
                    yield parsed;
                }
                case BOOLEAN -> {
                    if (!n.isBoolean()) throw error(f, describe(n));
                    yield n.asBoolean();
                }
                case LEVELS -> levels(f, n, 2, MAX_LEVELS);
                case BITS -> levels(f, n, 1, 24);
                case RAILS_OR_NUMBER -> n.isTextual() && n.asText().equals("rails") ? RAILS
                        : number(f, n, -ModelField.MAX_VOLTS, true, ModelField.MAX_VOLTS);
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
                if (f.presence == ModelField.Presence.TABLE && tableHolds(n, f)) continue;
                if (f.presence == ModelField.Presence.ONE_OF_TWO && (n.has(f.otherForm().name) || f.otherForm().ordinal() < f.ordinal())) continue;
                throw new UserError(origin + ": " + f.key() + ": missing (expected " + f.expectation + ")");
            }
        }

        /** Whether the cost section names a technology or cell table that holds field {@code f} (checked for a valid name later). */
        private static boolean tableHolds(JsonNode cost, ModelField f) {
            for (ModelField table : List.of(ModelField.TECHNOLOGY, ModelField.CELL)) {
                JsonNode name = cost.get(table.name);
                if (name == null) continue;
                if (!name.isTextual()) return true; // not a name: its own check reports it, not a missing constant
                java.util.Map<String, TechnologyTable.Constant> t = table == ModelField.TECHNOLOGY ? TechnologyTable.node(name.asText())
                        : TechnologyTable.cell(name.asText());
                if (t == null || t.containsKey(f.name)) return true; // an unknown name is reported by its own check
            }
            return false;
        }

        double number(ModelField f, JsonNode n, double low, boolean lowInclusive, double high) {
            return FIELDS.number(n, where(f), low, lowInclusive, high, f.expectation);
        }

        /** A lookup table: named number arrays of one length, conductances increasing, every value finite and in range. */
        HardwareModel.Device.StepTable table(ModelField f, JsonNode n) {
            if (!n.isObject()) throw new UserError(where(f) + ": expected " + f.expectation + ", got " + describe(n));
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!ModelField.TABLE_COLUMNS.contains(k)) {
                    throw new UserError(where(f) + "." + k + ": unknown column (expected " + String.join(", ", ModelField.TABLE_COLUMNS) + ")");
                }
            }
            double[][] columns = new double[ModelField.TABLE_COLUMNS.size()][];
            int length = -1;
            for (int c = 0; c < columns.length; c++) {
                String name = ModelField.TABLE_COLUMNS.get(c);
                JsonNode a = n.get(name);
                if (a == null) {
                    if (c < 3) throw new UserError(where(f) + "." + name + ": missing (expected " + f.expectation + ")");
                    columns[c] = new double[length];
                    continue;
                }
                if (!a.isArray() || a.size() < 2 || a.size() > ModelField.MAX_TABLE_POINTS) {
                    throw new UserError(where(f) + "." + name + ": expected an array of 2.." + ModelField.MAX_TABLE_POINTS + " numbers, got " + describe(a));
                }
                if (length >= 0 && a.size() != length) {
                    throw new UserError(where(f) + "." + name + ": " + a.size() + " values, but conductance has " + length + " (one per point)");
                }
                length = a.size();
                columns[c] = new double[length];
                for (int k = 0; k < length; k++) {
                    String at = where(f) + "." + name + "[" + k + "]";
                    double v = FIELDS.number(a.get(k), at, 0, true, ModelField.MAX_MICROSIEMENS, "a finite number in [0, 1e6] (µS)");
                    if (c == 0 && k > 0 && !(v > columns[0][k - 1])) {
                        throw new UserError(at + ": " + v + " after " + columns[0][k - 1] + " (expected increasing conductances)");
                    }
                    columns[c][k] = v;
                }
            }
            return new HardwareModel.Device.StepTable(columns[0], columns[1], columns[2], columns[3], columns[4]);
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
}
