package epsim.chip;

import java.util.Arrays;
import java.util.List;

/**
 * The events of {@link ChipCounters} that belong to one weight layer, per layer (docs/cost.md):
 * layer k is the crossbar between neuron layers k-1 and k (its devices' reads, energy, pulses and
 * verification reads) with the neurons of layer k (the ADC conversions of its read-outs and of its
 * ghost population). {@code values[e][k - 1]} holds event {@link #EVENTS}{@code [e]} of layer k;
 * counts are whole numbers held exactly as doubles (below 2^53).
 */
public record LayerEvents(double[][] values) {
    /** The events split by layer, in the order of {@link #values}. */
    public static final List<String> EVENTS = List.of("adcConversions", "deviceReads", "crossbarJoules", "pulsesUp", "pulsesDown",
            "deviceUpdates", "programmingSlots", "weightReads", "tileReads", "partialSumConversions");

    public static final int ADC = 0, DEVICE_READS = 1, JOULES = 2, PULSES_UP = 3, PULSES_DOWN = 4, DEVICE_UPDATES = 5, SLOTS = 6,
            WEIGHT_READS = 7, TILE_READS = 8, PARTIAL_SUMS = 9;

    public static LayerEvents zero(int layers) {
        return new LayerEvents(new double[EVENTS.size()][layers]);
    }

    public int layers() {
        return values[0].length;
    }

    /** Event {@code e} of weight layer {@code k} (1-based). */
    public double get(int e, int k) {
        return values[e][k - 1];
    }

    LayerEvents combine(LayerEvents o, int sign) {
        double[][] out = new double[values.length][];
        for (int e = 0; e < values.length; e++) {
            out[e] = values[e].clone();
            for (int k = 0; k < out[e].length; k++) out[e][k] += sign * o.values[e][k];
        }
        return new LayerEvents(out);
    }

    LayerEvents negated() {
        return zero(layers()).combine(this, -1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerEvents l && Arrays.deepEquals(values, l.values);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        return "LayerEvents" + Arrays.deepToString(values);
    }
}
