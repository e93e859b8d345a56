package epsim.device;

import epsim.common.Rng;
import epsim.model.HardwareModel;

/**
 * A block of synapses, each a differential pair of {@link PulsedDevices}: W = (G+ - G-) / gRef.
 *
 * <p>A requested weight change dW is split push-pull: G+ is asked for +dW gRef / 2 and G- for
 * -dW gRef / 2, so both devices stay near mid-range on average; each device turns its half into
 * pulses with all its effects (stochastic rounding, state-dependent steps, asymmetry, noise,
 * bounds, faults).
 */
public final class ConductanceArray {
    private final HardwareModel.Device device;
    private final PulsedDevices plus;
    private final PulsedDevices minus;

    public ConductanceArray(HardwareModel.Device device, int size, Rng fabrication) {
        this.device = device;
        this.plus = new PulsedDevices(device, size, fabrication);
        this.minus = new PulsedDevices(device, size, fabrication);
    }

    public int size() {
        return plus.size();
    }

    /** Writes target weights with a write-verify loop, as a chip is initialised (no write noise). */
    public void writeVerified(double[] weights, double now) {
        for (int i = 0; i < weights.length; i++) writeVerified(i, weights[i], now);
    }

    /** Writes the pair at {@code index} back to weight 0, both devices at mid-range, with write-verify (a reset). */
    public void resetPair(int index, double now) {
        writeVerified(index, 0, now);
    }

    /** Writes pair i to {@code weight} with write-verify: G+ and G- half the difference above and below mid-range. */
    private void writeVerified(int i, double weight, double now) {
        double mid = 0.5 * (device.gMin() + device.gMax()), half = 0.5 * weight * device.gRef();
        plus.writeVerified(i, mid + half, now);
        minus.writeVerified(i, mid - half, now);
    }

    /**
     * Applies requested weight changes as programming pulses: first to every G+, then to every G-.
     * The pairs form rows of {@code rowLength}; returns the pulse slots the programming took row
     * by row (each row's devices pulsed in parallel, as many slots as its busiest device, up and
     * down pulses apart, the G+ pass and the G- pass one after the other). {@code rowMax} holds
     * {up G+, down G+, up G-, down G-} per row, raised by this call, so that several arrays
     * sharing the rows (the weights and the bias column) can be counted together.
     */
    public void program(double[] deltaW, double now, Rng rng, int rowLength, long[][] rowMax) {
        program(deltaW, now, rng, rowLength, rowMax, null);
    }

    /**
     * {@link #program} that records in {@code sent} ({G+ counts, G- counts}; null: no record) the
     * pulse counts each device was sent, for a second array holding the same weights ({@link #send}).
     */
    public void program(double[] deltaW, double now, Rng rng, int rowLength, long[][] rowMax, long[][] sent) {
        double halfScale = 0.5 * device.gRef();
        plus.requestAll(deltaW, halfScale, now, rng, rowLength, rowMax[0], rowMax[1], sent == null ? null : sent[0]);
        minus.requestAll(deltaW, -halfScale, now, rng, rowLength, rowMax[2], rowMax[3], sent == null ? null : sent[1]);
    }

    /** The same requests as {@link #program}, sent as the pulse counts another array recorded ({@link PulsedDevices#sendAll}). */
    public void send(double[] deltaW, long[][] sent, double now, Rng rng, int rowLength, long[][] rowMax) {
        double halfScale = 0.5 * device.gRef();
        plus.sendAll(deltaW, halfScale, sent[0], now, rng, rowLength, rowMax[0], rowMax[1]);
        minus.sendAll(deltaW, -halfScale, sent[1], now, rng, rowLength, rowMax[2], rowMax[3]);
    }

    /** {@link #program} of a lone array, each device its own row; returns its pulse slots. */
    public long program(double[] deltaW, double now, Rng rng) {
        long[][] rowMax = new long[4][size()];
        program(deltaW, now, rng, 1, rowMax);
        return slots(rowMax);
    }

    /** The pulse slots of {@code rowMax} (see {@link #program}). */
    public static long slots(long[][] rowMax) {
        long sum = 0;
        for (long[] a : rowMax) for (long v : a) sum += v;
        return sum;
    }

    /** out[i] = (G+ - G-) / gRef as read at time {@code now}. */
    public void weights(double[] out, double now) {
        double inv = 1 / device.gRef();
        if (device.driftNu() == 0) {
            double[] gp = plus.g, gm = minus.g;
            for (int i = 0; i < out.length; i++) out[i] = (gp[i] - gm[i]) * inv;
            return;
        }
        for (int i = 0; i < out.length; i++) out[i] = (plus.read(i, now) - minus.read(i, now)) * inv;
    }

    /**
     * {@link #weights} of pairs laid out as rows of {@code cols}, and in the same pass the loads
     * their voltages drive: {@code columnLoads[j]} = sum over the rows of G+ + G- of column j,
     * {@code rowLoads[i]} = the same over row i's columns (µS).
     */
    public void weightsAndLoads(double[] out, double now, int cols, double[] columnLoads, double[] rowLoads) {
        double inv = 1 / device.gRef();
        java.util.Arrays.fill(columnLoads, 0);
        boolean fast = device.driftNu() == 0;
        double[] gp = plus.g, gm = minus.g;
        for (int i = 0, rows = out.length / cols, at = 0; i < rows; i++) {
            double row = 0;
            for (int j = 0; j < cols; j++, at++) {
                double p = fast ? gp[at] : plus.read(at, now), m = fast ? gm[at] : minus.read(at, now);
                out[at] = (p - m) * inv;
                row += p + m;
                columnLoads[j] += p + m;
            }
            rowLoads[i] = row;
        }
    }

    /** {pulses up, pulses down, device updates, verify writes} of both devices of every pair. */
    public long[] counts() {
        return new long[] {plus.pulsesUp() + minus.pulsesUp(), plus.pulsesDown() + minus.pulsesDown(),
                plus.updates() + minus.updates(), plus.verifyWrites() + minus.verifyWrites()};
    }

    public PulsedDevices plus() {
        return plus;
    }

    public PulsedDevices minus() {
        return minus;
    }
}
