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
    private long relaxations, steps, dacConversions, adcConversions, deviceReads, weightReads, tileReads, partialSumConversions;
    private double chipSeconds;
    private ChipCounters baseline = ChipCounters.ZERO;

    /** What one step of a whole batch reads: devices, tiles conducting, and partial-sum conversions. */
    public record StepReads(long devices, long tiles, long conversions) {
        public static final StepReads NONE = new StepReads(0, 0, 0);
    }

    public ChipEvents(Crossbars crossbars) {
        this.crossbars = crossbars;
    }

    public void dacConversions(long n) {
        dacConversions += n;
    }

    public void adcConversions(long n) {
        adcConversions += n;
    }

    /**
     * {@code examples} relaxations of {@code stepsEach} steps, one example after another (a chip
     * relaxes the examples of a batch one at a time), of {@code dt} seconds each, reading
     * {@code perStep} devices, tiles and partial-sum conversions per step over the batch.
     */
    public void relaxed(int examples, long stepsEach, ChipEvents.StepReads perStep, double dt) {
        relaxations += examples;
        steps += stepsEach * examples;
        deviceReads += stepsEach * perStep.devices();
        tileReads += stepsEach * perStep.tiles();
        partialSumConversions += stepsEach * perStep.conversions();
        chipSeconds += stepsEach * dt * examples;
    }

    /** The weights, read by a verification read of both devices of every weight and bias. */
    public LayerParams verifiedRead(Topology t) {
        weightReads += 2L * t.parameterCount();
        return crossbars.read();
    }

    /** The events since the last {@link #reset}; {@code crossbarJoules} is the conduction energy the backend computed, in all. */
    public ChipCounters counters(double crossbarJoules) {
        long[] p = crossbars.programmingCounts();
        return new ChipCounters(relaxations, steps, chipSeconds, dacConversions, adcConversions, deviceReads, crossbarJoules, p[0], p[1], p[2],
                crossbars.programmingSlots(), weightReads, p[3], tileReads, partialSumConversions).minus(baseline);
    }

    public void reset(double crossbarJoules) {
        baseline = baseline.plus(counters(crossbarJoules));
    }
}
