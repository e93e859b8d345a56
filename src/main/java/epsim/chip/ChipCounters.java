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
 * @param pulsesUp            programming pulses sent to raise a conductance
 * @param pulsesDown          programming pulses sent to lower one
 * @param deviceUpdates       devices that received a requested change (continuous devices take it without pulses)
 * @param verifyWrites        devices written with write-verify (at initialisation; at least one verifying read each)
 */
public record ChipCounters(long relaxations, long steps, double chipSeconds, long dacConversions, long adcConversions,
                           long deviceReads, long pulsesUp, long pulsesDown, long deviceUpdates, long verifyWrites) {
    public static final ChipCounters ZERO = new ChipCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The events counted between {@code earlier} and this snapshot. */
    public ChipCounters minus(ChipCounters earlier) {
        return new ChipCounters(relaxations - earlier.relaxations, steps - earlier.steps, chipSeconds - earlier.chipSeconds,
                dacConversions - earlier.dacConversions, adcConversions - earlier.adcConversions, deviceReads - earlier.deviceReads,
                pulsesUp - earlier.pulsesUp, pulsesDown - earlier.pulsesDown, deviceUpdates - earlier.deviceUpdates,
                verifyWrites - earlier.verifyWrites);
    }

    public ChipCounters plus(ChipCounters other) {
        return new ChipCounters(relaxations + other.relaxations, steps + other.steps, chipSeconds + other.chipSeconds,
                dacConversions + other.dacConversions, adcConversions + other.adcConversions, deviceReads + other.deviceReads,
                pulsesUp + other.pulsesUp, pulsesDown + other.pulsesDown, deviceUpdates + other.deviceUpdates,
                verifyWrites + other.verifyWrites);
    }
}
