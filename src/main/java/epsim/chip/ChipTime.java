package epsim.chip;

import epsim.common.UserError;

/**
 * Seconds of chip time: dt per integration step, plus idle time. Devices drift with it, so the
 * integrator that advances it and the crossbars that read and program by it share one clock.
 */
public final class ChipTime {
    private double now;

    public double now() {
        return now;
    }

    /** Lets {@code seconds} pass without activity (e.g. hours of drift between training and use). */
    public void idle(double seconds) {
        if (!(seconds >= 0) || !Double.isFinite(seconds)) throw new UserError("time: expected a finite number of seconds >= 0");
        now += seconds;
    }

    void advance(double seconds) {
        now += seconds;
    }

    void set(double seconds) {
        now = seconds;
    }
}
