package epsim.chip;

import epsim.common.UserError;

/**
 * Seconds of chip time: dt per integration step, plus idle time. Devices drift with it, so the
 * integrator that advances it and the crossbars that read and program by it share one clock.
 */
public final class ChipTime {
    /**
     * The latest chip time (about 32 million years): a clock that can only reach it by idling stays
     * finite whatever is added, and drift factors and checkpoints keep finite values.
     */
    public static final double MAX_SECONDS = 1e15;

    private double now;

    public double now() {
        return now;
    }

    /** Lets {@code seconds} pass without activity (e.g. hours of drift between training and use). */
    public void idle(double seconds) {
        if (!(seconds >= 0) || !Double.isFinite(seconds)) throw new UserError("time: expected a finite number of seconds >= 0");
        if (now + seconds > MAX_SECONDS) {
            throw new UserError("time: " + seconds + " s more would take the chip past " + MAX_SECONDS + " s of chip time (it is at " + now + " s)");
        }
        now += seconds;
    }

    void advance(double seconds) {
        now += seconds;
    }

    void set(double seconds) {
        now = seconds;
    }
}
