package epsim.chip;

import epsim.math.LayerParams;
import epsim.math.Topology;

/**
 * The events a chip books as it runs (conversions, relaxations, steps, device reads, verification
 * reads) beside what its crossbars count themselves (pulses, updates, slots, verified writes), and
 * the snapshot since the last reset: the one place a backend's {@link HostedChip#counters} comes
 * from, whatever the backend (docs/cost.md).
 */
public final class ChipEvents {
    private final Crossbars crossbars;
    private long relaxations, steps, dacConversions;
    private double chipSeconds;
    private final long[][] byLayer; // per weight layer: the events of LayerEvents this class books (ADC, device reads, weight reads, tiles, partial sums); their totals are the sums
    private ChipCounters baseline = ChipCounters.ZERO;

    /** What one step of a whole batch reads, per weight layer: devices, tiles conducting, and partial-sum conversions. */
    public record StepReads(long[] devices, long[] tiles, long[] conversions) {
        public static final StepReads NONE = new StepReads(new long[0], new long[0], new long[0]);
    }

    public ChipEvents(Crossbars crossbars) {
        this.crossbars = crossbars;
        this.byLayer = new long[LayerEvents.EVENTS.size()][crossbars.topology().weightLayers()];
    }

    public void dacConversions(long n) {
        dacConversions += n;
    }

    /** {@code n} values of neuron layer {@code layer} (1..L, or its ghost population's) read through the ADCs. */
    public void adcConversions(int layer, long n) {
        byLayer[LayerEvents.ADC][layer - 1] += n;
    }

    /**
     * {@code examples} relaxations of {@code stepsEach} steps, one example after another (a chip
     * relaxes the examples of a batch one at a time), of {@code dt} seconds each, reading
     * {@code perStep} devices, tiles and partial-sum conversions per step over the batch.
     */
    public void relaxed(int examples, long stepsEach, ChipEvents.StepReads perStep, double dt) {
        relaxations += examples;
        steps += stepsEach * examples;
        chipSeconds += stepsEach * dt * examples;
        for (int k = 0; k < perStep.devices().length; k++) {
            byLayer[LayerEvents.DEVICE_READS][k] += stepsEach * perStep.devices()[k];
            byLayer[LayerEvents.TILE_READS][k] += stepsEach * perStep.tiles()[k];
            byLayer[LayerEvents.PARTIAL_SUMS][k] += stepsEach * perStep.conversions()[k];
        }
    }

    /** The weights, read by a verification read of both devices of every weight and bias. */
    public LayerParams verifiedRead(Topology t) {
        for (int k = 1; k <= t.weightLayers(); k++) byLayer[LayerEvents.WEIGHT_READS][k - 1] += 2L * ((long) t.size(k) * t.size(k - 1) + t.size(k));
        return crossbars.read();
    }

    /**
     * The events since the last {@link #reset}; {@code crossbarJoules} is the conduction energy the
     * backend computed, in all and per weight layer ({@code joulesByLayer}, or null: none).
     */
    public ChipCounters counters(double crossbarJoules, double[] joulesByLayer) {
        long[][] programming = crossbars.programmingCountsByLayer(); // {pulses up, pulses down, device updates, verify writes} x layers
        long[] slots = crossbars.programmingSlotsByLayer();
        LayerEvents layers = LayerEvents.zero(byLayer[0].length);
        for (int e = 0; e < byLayer.length; e++) for (int k = 0; k < byLayer[e].length; k++) layers.values()[e][k] = byLayer[e][k];
        for (int k = 0; k < byLayer[0].length; k++) {
            if (joulesByLayer != null) layers.values()[LayerEvents.JOULES][k] = joulesByLayer[k];
            layers.values()[LayerEvents.PULSES_UP][k] = programming[0][k];
            layers.values()[LayerEvents.PULSES_DOWN][k] = programming[1][k];
            layers.values()[LayerEvents.DEVICE_UPDATES][k] = programming[2][k];
            layers.values()[LayerEvents.SLOTS][k] = slots[k];
        }
        return new ChipCounters(relaxations, steps, chipSeconds, dacConversions, total(byLayer[LayerEvents.ADC]), total(byLayer[LayerEvents.DEVICE_READS]),
                crossbarJoules, total(programming[0]), total(programming[1]), total(programming[2]), total(slots),
                total(byLayer[LayerEvents.WEIGHT_READS]), total(programming[3]), total(byLayer[LayerEvents.TILE_READS]),
                total(byLayer[LayerEvents.PARTIAL_SUMS]), layers).minus(baseline);
    }

    private static long total(long[] perLayer) {
        long sum = 0;
        for (long n : perLayer) sum += n;
        return sum;
    }

    public void reset(double crossbarJoules, double[] joulesByLayer) {
        baseline = baseline.plus(counters(crossbarJoules, joulesByLayer));
    }
}
