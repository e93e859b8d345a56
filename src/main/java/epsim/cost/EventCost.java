package epsim.cost;

import epsim.chip.ChipCounters;
import epsim.math.Topology;
import epsim.model.HardwareModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Energy and latency from counted events (docs/cost.md): every figure is a count the chip or the
 * host took times a constant of the hardware model's {@code cost} section, except the crossbars'
 * energy, which the chip computed from its own state (sum of G V^2 dt).
 *
 * <pre>
 *   ADC         (adcConversions + weightReads) x adcFom x 2^adcBits + partialSumConversions x adcFom x 2^partialSumBits
 *   DAC         dacConversions x dacFom x 2^dacBits
 *   crossbar    crossbarJoules (counted)
 *   neurons     neuronPower x (neurons of layers 1..L) x chipSeconds
 *   programming (pulsesUp + pulsesDown, or device updates for continuous devices) x pulseEnergy
 *   host        host MACs x macEnergy
 * </pre>
 * Latency, the parts one after another (no overlap: an upper bound): the integration's chip time;
 * conversions spread over {@code adcs} ADCs; the tiles' partial-sum conversions, one ADC per tile
 * converting its lines one after another and the tiles of a step in parallel (steps x conversions
 * per tile read x adcSeconds); one DAC settling per set of inputs (a DAC per input line);
 * programming slots (rows one after another) x pulse width; host MACs x macSeconds.
 */
public final class EventCost {
    private EventCost() {}

    /** Joules per component. */
    public record Energy(double adc, double dac, double crossbar, double neurons, double programming, double host) {
        /** The components' names, in the order of the record and of every report. */
        public static final List<String> COMPONENTS = List.of("adc", "dac", "crossbar", "neurons", "programming", "host");

        /** The components from {@code v[at..]}, in {@link #COMPONENTS} order. */
        public static Energy of(double[] v, int at) {
            return new Energy(v[at], v[at + 1], v[at + 2], v[at + 3], v[at + 4], v[at + 5]);
        }

        public double[] values() {
            return new double[] {adc, dac, crossbar, neurons, programming, host};
        }

        public double total() {
            return sum(values());
        }

        public Energy per(double samples) {
            return of(divided(values(), samples), 0);
        }

        /** Component name to joules, in report order. */
        public Map<String, Double> components() {
            return named(COMPONENTS, values());
        }
    }

    /** Seconds per component. */
    public record Latency(double integration, double adc, double dac, double programming, double host) {
        public static final List<String> COMPONENTS = List.of("integration", "adc", "dac", "programming", "host");

        public static Latency of(double[] v, int at) {
            return new Latency(v[at], v[at + 1], v[at + 2], v[at + 3], v[at + 4]);
        }

        public double[] values() {
            return new double[] {integration, adc, dac, programming, host};
        }

        public double total() {
            return sum(values());
        }

        public Latency per(double samples) {
            return of(divided(values(), samples), 0);
        }

        public Map<String, Double> components() {
            return named(COMPONENTS, values());
        }
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s;
    }

    private static double[] divided(double[] v, double by) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] / by;
        return out;
    }

    private static Map<String, Double> named(List<String> names, double[] values) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) m.put(names.get(i), values[i]);
        return m;
    }

    /** Energy and latency of some events. */
    public record Figures(Energy energy, Latency latency) {
        public Figures per(double samples) {
            return new Figures(energy.per(samples), latency.per(samples));
        }
    }

    /** One line: the total energy with its largest shares, and the latency, e.g. "24.7 µJ (crossbar 92%, host 8%), 469 µs". */
    public static String describe(Figures f) {
        double total = f.energy().total();
        StringBuilder shares = new StringBuilder();
        f.energy().components().entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .filter(e -> total > 0 && e.getValue() / total >= 0.01).limit(3)
                .forEach(e -> shares.append(shares.length() == 0 ? "" : ", ").append(e.getKey())
                        .append(String.format(java.util.Locale.ROOT, " %.0f%%", 100 * e.getValue() / total)));
        return si(total, "J") + (shares.length() == 0 ? "" : " (" + shares + ")") + ", " + si(f.latency().total(), "s");
    }

    /** {@code value} with an SI prefix and three significant digits: "15.7 µJ", "451 µs". */
    public static String si(double value, String unit) {
        if (value == 0 || !Double.isFinite(value)) return String.format(java.util.Locale.ROOT, "%s %s", value == 0 ? "0" : value, unit);
        String[] prefixes = {"f", "p", "n", "µ", "m", "", "k"};
        int power = (int) Math.floor(Math.log10(Math.abs(value)) / 3);
        power = Math.max(-5, Math.min(1, power));
        double scaled = value / Math.pow(1000, power);
        if (Math.abs(scaled) >= 999.5 && power < 1) scaled = value / Math.pow(1000, ++power); // 999.96 rounds to 1.00 of the next prefix
        return String.format(java.util.Locale.ROOT, "%.3g %s%s", scaled, prefixes[power + 5], unit);
    }

    /** The bits a converter is costed at: its own, or the model's idealBits for an ideal one. */
    static int bits(int modelBits, HardwareModel.Cost c) {
        return modelBits == HardwareModel.IDEAL ? c.idealBits() : modelBits;
    }

    /** Energy of one ADC conversion, J. */
    public static double adcConversionJoules(HardwareModel m) {
        return m.cost().adcFom() * 1e-15 * Math.pow(2, bits(m.periphery().adcBits(), m.cost()));
    }

    /** Energy of one conversion of a tile's partial-sum ADC, J. */
    public static double partialSumConversionJoules(HardwareModel m) {
        return m.cost().adcFom() * 1e-15 * Math.pow(2, bits(m.array().partialSumBits(), m.cost()));
    }

    /** Energy of one DAC conversion, J. */
    public static double dacConversionJoules(HardwareModel m) {
        return m.cost().dacFom() * 1e-15 * Math.pow(2, bits(m.periphery().dacBits(), m.cost()));
    }

    /** The figures of {@code events} and {@code hostMacs} on a chip of model {@code m} (which must have a cost section). */
    public static Figures of(HardwareModel m, Topology t, ChipCounters events, long hostMacs) {
        HardwareModel.Cost c = m.cost();
        if (c == null) throw new IllegalArgumentException("model " + m.name() + " has no cost section");
        long conversions = events.adcConversions() + events.weightReads();
        long writes = events.pulsesUp() + events.pulsesDown() + (m.device().continuous() ? events.deviceUpdates() : 0);
        long neurons = t.freeNeurons();
        Energy energy = new Energy(
                conversions * adcConversionJoules(m) + events.partialSumConversions() * partialSumConversionJoules(m),
                events.dacConversions() * dacConversionJoules(m),
                events.crossbarJoules(),
                c.neuronPower() * 1e-6 * neurons * events.chipSeconds(),
                writes * c.pulseEnergy() * 1e-12,
                hostMacs * c.macEnergy() * 1e-12);
        Latency latency = new Latency(
                events.chipSeconds(),
                conversions * c.adcSeconds() / c.adcs() + (events.tileReads() == 0 ? 0
                        : (double) events.partialSumConversions() / events.tileReads() * events.steps() * c.adcSeconds()),
                (double) events.dacConversions() / t.inputSize() * c.dacSeconds(),
                events.programmingSlots() * c.pulseSeconds(),
                hostMacs * c.macSeconds());
        return new Figures(energy, latency);
    }

    /**
     * Silicon area per component, µm^2 (docs/cost.md): the memory cells (two per weight and per
     * bias, a separate ghost crossbar's again) at cellArea F^2; the read-out ADCs and, with
     * digital partial sums, one ADC per tile; one input DAC per input line at dacArea x 2^dacBits;
     * the neurons of layers 1..L; and the host's SRAM for the 32-bit words it keeps: each example's
     * reads of two phases, and the weights when the rule reads them back.
     */
    public record Area(double crossbar, double adc, double dac, double neurons, double hostMemory) {
        public static final List<String> COMPONENTS = List.of("crossbar", "adc", "dac", "neurons", "host memory");

        public double[] values() {
            return new double[] {crossbar, adc, dac, neurons, hostMemory};
        }

        public double total() {
            return sum(values());
        }

        public Map<String, Double> components() {
            return named(COMPONENTS, values());
        }
    }

    /** The area of a chip of model {@code m} running {@code t} at batch {@code batch}; null when the model has no area figures. */
    public static Area area(HardwareModel m, Topology t, int batch, boolean hostKeepsWeights) {
        HardwareModel.Cost c = m.cost();
        if (c == null || !c.area().known()) return null;
        HardwareModel.Area a = c.area();
        double f = a.node() * 1e-3; // nm -> µm
        long cells = 0, tileAdcs = 0, words = 0;
        for (int l = 1; l <= t.weightLayers(); l++) {
            cells += cells(m, t, l);
            tileAdcs += tileAdcs(m, t, l);
            words += 2L * batch * t.size(l) + (hostKeepsWeights ? (long) (t.size(l - 1) + 1) * t.size(l) : 0);
        }
        int dacBits = bits(m.periphery().dacBits(), c);
        return new Area(cells * a.cellArea() * f * f,
                c.adcs() * a.adcArea() + tileAdcs * a.adcArea(),
                t.inputSize() * a.dacArea() * Math.pow(2, dacBits),
                t.freeNeurons() * a.neuronArea(),
                words * 32 * a.sramBitArea());
    }

    /** Memory cells of weight layer {@code l}: two per weight and per bias, twice with a separate ghost crossbar. */
    private static long cells(HardwareModel m, Topology t, int l) {
        return 2L * (t.size(l - 1) + 1) * t.size(l) * (m.ghost().separate() ? 2 : 1);
    }

    /** Partial-sum ADCs of weight layer {@code l}: one per tile with digital partial sums, none with analog ones. */
    private static long tileAdcs(HardwareModel m, Topology t, int l) {
        if (!m.array().digital()) return 0;
        return (long) HardwareModel.Array.tilesAlong(t.size(l - 1) + 1, m.array().tileRows()) * HardwareModel.Array.tilesAlong(t.size(l), m.array().tileColumns());
    }

    /**
     * One weight layer's share (docs/cost.md): its crossbar's conduction, programming and
     * verification reads, its neurons' integrators and ADC conversions, its tiles' partial-sum
     * conversions, the DACs for layer 1; latency the layer's conversions and programming slots;
     * area its cells, neurons, tile ADCs (and the DACs for layer 1). What the layers share is in
     * {@link ByLayer#shared}.
     */
    public record LayerFigures(int layer, Energy energy, Latency latency, double areaUm2) {}

    /**
     * The figures split by layer, and what no single layer owns: the host's work and memory, the
     * integration time (every layer integrates at once), and the shared read-out ADCs' area. The
     * layers' energies plus the shared energy are the total; so are the latencies and the areas.
     */
    public record ByLayer(List<LayerFigures> layers, Energy sharedEnergy, Latency sharedLatency, double sharedAreaUm2) {
        public ByLayer per(double samples) {
            List<LayerFigures> out = new java.util.ArrayList<>();
            for (LayerFigures l : layers) out.add(new LayerFigures(l.layer(), l.energy().per(samples), l.latency().per(samples), l.areaUm2()));
            return new ByLayer(out, sharedEnergy.per(samples), sharedLatency.per(samples), sharedAreaUm2);
        }
    }

    /** The split by layer of {@code events} (which must carry {@link ChipCounters#layers}); area NaN without area figures. */
    public static ByLayer byLayer(HardwareModel m, Topology t, ChipCounters events, long hostMacs, int batch, boolean hostKeepsWeights) {
        HardwareModel.Cost c = m.cost();
        epsim.chip.LayerEvents e = events.layers();
        if (c == null || e == null) throw new IllegalArgumentException("no cost section or no split by layer");
        Figures total = of(m, t, events, hostMacs);
        Area area = area(m, t, batch, hostKeepsWeights);
        double psums = events.partialSumConversions(), psumLatency = events.tileReads() == 0 ? 0
                : (double) events.partialSumConversions() / events.tileReads() * events.steps() * c.adcSeconds();
        double f = c.area().node() * 1e-3;
        List<LayerFigures> layers = new java.util.ArrayList<>();
        for (int k = 1; k <= t.weightLayers(); k++) {
            double conversions = e.get(epsim.chip.LayerEvents.ADC, k) + e.get(epsim.chip.LayerEvents.WEIGHT_READS, k);
            double psum = e.get(epsim.chip.LayerEvents.PARTIAL_SUMS, k);
            double writes = e.get(epsim.chip.LayerEvents.PULSES_UP, k) + e.get(epsim.chip.LayerEvents.PULSES_DOWN, k)
                    + (m.device().continuous() ? e.get(epsim.chip.LayerEvents.DEVICE_UPDATES, k) : 0);
            Energy energy = new Energy(conversions * adcConversionJoules(m) + psum * partialSumConversionJoules(m),
                    k == 1 ? total.energy().dac() : 0,
                    e.get(epsim.chip.LayerEvents.JOULES, k),
                    c.neuronPower() * 1e-6 * t.size(k) * events.chipSeconds(),
                    writes * c.pulseEnergy() * 1e-12, 0);
            Latency latency = new Latency(0, conversions * c.adcSeconds() / c.adcs() + (psums == 0 ? 0 : psumLatency * psum / psums),
                    k == 1 ? total.latency().dac() : 0, e.get(epsim.chip.LayerEvents.SLOTS, k) * c.pulseSeconds(), 0);
            double layerArea = Double.NaN;
            if (area != null) {
                layerArea = cells(m, t, k) * c.area().cellArea() * f * f + tileAdcs(m, t, k) * c.area().adcArea() + t.size(k) * c.area().neuronArea()
                        + (k == 1 ? area.dac() : 0);
            }
            layers.add(new LayerFigures(k, energy, latency, layerArea));
        }
        Energy sharedEnergy = new Energy(0, 0, 0, 0, 0, total.energy().host());
        Latency sharedLatency = new Latency(total.latency().integration(), 0, 0, 0, total.latency().host());
        double sharedArea = area == null ? Double.NaN : c.adcs() * c.area().adcArea() + area.hostMemory();
        return new ByLayer(layers, sharedEnergy, sharedLatency, sharedArea);
    }
}
