package epsim.chip;

/**
 * Events a chip counted while it ran (docs/cost.md): what a rule costs it, before any energy or
 * time per event is applied. A snapshot; {@link #minus} gives the events between two snapshots.
 * Everything is counted per example: the simulator relaxes a batch at once, but a chip with one
 * copy of the network relaxes its examples one after another.
 *
 * @param relaxations         relaxations of one example (a relax request on a batch of B counts B)
 * @param steps               integration steps of one example (each dt of chip time)
 * @param chipSeconds         chip time the steps took (steps x dt), examples one after another
 * @param dacConversions      input voltages applied (batch x inputs per set of inputs)
 * @param adcConversions      values read through the ADCs (every read of an average, ghost populations included)
 * @param deviceReads         device currents summed by the crossbars: per step and example, for every free
 *                            layer its bottom-up crossbar and bias column and (with feedback) the crossbar above,
 *                            a ghost population's bottom-up read again; two devices per synapse
 * @param crossbarJoules      energy the crossbars dissipated while conducting: sum over those reads of G V^2 dt
 *                            (G the device's conductance, V the voltage across it), computed from the chip's state
 * @param pulsesUp            programming pulses sent to raise a conductance
 * @param pulsesDown          programming pulses sent to lower one
 * @param deviceUpdates       devices that received a requested change (continuous devices take it without pulses)
 * @param programmingSlots    pulse slots the programming took, row by row (docs/cost.md: a row's devices take their
 *                            pulses in parallel, as many slots as its busiest device, up and down apart, G+ then G-)
 * @param weightReads         devices read by verification reads of the weights ({@link Chip#readWeights})
 * @param verifyWrites        devices written with write-verify (at initialisation; at least one verifying read each)
 * @param tileReads           tiles conducting, per step and example, over the crossbars' reads (one per layer without tiles)
 * @param partialSumConversions conversions of the tiles' partial-sum ADCs (digital partial sums), per step and example
 * @param layers              the events that belong to one weight layer, split by layer; null from a chip that does not split them
 */
public record ChipCounters(long relaxations, long steps, double chipSeconds, long dacConversions, long adcConversions,
                           long deviceReads, double crossbarJoules, long pulsesUp, long pulsesDown, long deviceUpdates,
                           long programmingSlots, long weightReads, long verifyWrites, long tileReads, long partialSumConversions,
                           LayerEvents layers) {
    public static final ChipCounters ZERO = new ChipCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Counters without a split by layer. */
    public ChipCounters(long relaxations, long steps, double chipSeconds, long dacConversions, long adcConversions, long deviceReads,
                        double crossbarJoules, long pulsesUp, long pulsesDown, long deviceUpdates, long programmingSlots, long weightReads,
                        long verifyWrites, long tileReads, long partialSumConversions) {
        this(relaxations, steps, chipSeconds, dacConversions, adcConversions, deviceReads, crossbarJoules, pulsesUp, pulsesDown, deviceUpdates,
                programmingSlots, weightReads, verifyWrites, tileReads, partialSumConversions, null);
    }

    /** The events counted between {@code earlier} and this snapshot. */
    public ChipCounters minus(ChipCounters earlier) {
        return combine(earlier, -1);
    }

    public ChipCounters plus(ChipCounters other) {
        return combine(other, 1);
    }

    private ChipCounters combine(ChipCounters o, int sign) {
        return new ChipCounters(relaxations + sign * o.relaxations, steps + sign * o.steps, chipSeconds + sign * o.chipSeconds,
                dacConversions + sign * o.dacConversions, adcConversions + sign * o.adcConversions,
                deviceReads + sign * o.deviceReads, crossbarJoules + sign * o.crossbarJoules, pulsesUp + sign * o.pulsesUp,
                pulsesDown + sign * o.pulsesDown, deviceUpdates + sign * o.deviceUpdates,
                programmingSlots + sign * o.programmingSlots, weightReads + sign * o.weightReads,
                verifyWrites + sign * o.verifyWrites, tileReads + sign * o.tileReads, partialSumConversions + sign * o.partialSumConversions,
                combinedLayers(o, sign));
    }

    /** No split on either side: none; on one side (the other is {@link #ZERO}): that one's, signed. */
    private LayerEvents combinedLayers(ChipCounters o, int sign) {
        if (o.layers == null) return layers;
        if (layers == null) return sign > 0 ? o.layers : o.layers.negated();
        return layers.combine(o.layers, sign);
    }
}
