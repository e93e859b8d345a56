package epsim.chip;

import epsim.model.HardwareModel;

/**
 * A chip a training run can own: besides the controller's {@link Chip} operations it can save and
 * restore its whole device state (for checkpoints) and be left idle (drift). The in-process
 * {@link AnalogChip} and a chip behind the co-simulation protocol both are.
 */
public interface HostedChip extends Chip {
    HardwareModel model();

    /**
     * Whether {@link #model} is the chip's own: false for a remote chip whose handshake sent none,
     * whose model is then a stand-in with its transfer curve and no cost constants.
     */
    default boolean reportsModel() {
        return true;
    }

    /** Whether the chip implements {@code op} (every op for epsim's own chips; a remote chip says in its handshake). */
    default boolean supports(ChipOp op) {
        return true;
    }

    /** How arrays travel to and from the chip ("binary frames" or "base64 f64"); null for a chip in this process. */
    default String arrayTransport() {
        return null;
    }

    /** Per protocol op: calls and seconds spent in round trips to the chip; empty for a chip in this process. */
    default java.util.Map<String, double[]> roundTrips() {
        return java.util.Map.of();
    }

    /** The device state and random streams, for a checkpoint; null when the chip keeps its state itself (it cannot persist). */
    PersistedChip persist();

    void restore(PersistedChip state);

    void advanceTime(double seconds);

    /**
     * Pulses per device per epoch and wear over every device, its counts covering {@code epochs}
     * epochs (docs/hardware-models.md, "Wear"); null for a chip that does not report its devices.
     */
    default epsim.device.WearReport wear(double epochs, double fraction) {
        return null;
    }

    /** Releases what the chip holds (a process, a socket); the in-process chip has nothing to release. */
    default void close() {}
}
