package epsim.chip;

import epsim.model.HardwareModel;

/**
 * A chip a training run can own: besides the controller's {@link Chip} operations it can save and
 * restore its whole device state (for checkpoints) and be left idle (drift). The in-process
 * {@link AnalogChip} and a chip behind the co-simulation protocol both are.
 */
public interface HostedChip extends Chip {
    HardwareModel model();

    PersistedChip persist();

    void restore(PersistedChip state);

    void advanceTime(double seconds);

    /** Releases what the chip holds (a process, a socket); the in-process chip has nothing to release. */
    default void close() {}
}
