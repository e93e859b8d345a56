package epsim.device;

import epsim.common.Rng;
import epsim.common.UserError;
import epsim.model.HardwareModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A population of single devices with the pulsed-update model of IBM's aihwkit, in conductance
 * units. At fabrication each device draws its own step, asymmetry, bounds and whether it is
 * stuck; after that every programming pulse moves it by a state-dependent step with cycle-to-
 * cycle noise, clipped to its own bounds. With x = (G - mid_i) / half_i in [-1, 1]:
 * <pre>
 *   linearStep  up: s_i (1 + b_i)(1 - gammaUp x)        down: s_i (1 - b_i)(1 + gammaDown x)
 *   power       up: s_i (1 + b_i)(1 - x)^gammaUp        down: s_i (1 - b_i)(1 + x)^gammaDown
 *   lookup      up: (s_i / s)(1 + b_i) T_up(G_x)         down: (s_i / s)(1 - b_i) T_down(G_x)
 * </pre>
 * (negative steps are taken as 0; T the table's mean step at G_x, the nominal conductance of state x),
 * plus N(0, (writeNoise * s)^2 + spread(G_x)^2) per pulse, s the nominal step, spread the table's (0 for
 * parametric responses).
 * The controller programs open loop: a requested change becomes round(dG / s) pulses, rounded
 * stochastically so the expected number is exact. Drift: a read returns
 * G ((t - t_prog) / t0 + 1)^-nu_i, t_prog the device's last programming time, nu_i its exponent (nu, or with driftNuDtod drawn per device).
 */
public final class PulsedDevices {
    private static final byte FREE = 0, STUCK_LOW = 1, STUCK_HIGH = 2, WORN = 3;

    private final HardwareModel.Device p;
    /** p.step(), which divides each time it is asked. */
    private final double nominalStep;
    private final int n;
    final double[] g; // ConductanceArray reads it directly on the no-drift fast path
    private final double[] step;
    private final double[] upDown;
    private final double[] low;
    private final double[] high;
    private final byte[] stuck;
    private final double[] programmedAt; // null without drift
    private final double[] driftNu; // each device's drift exponent with driftNuDtod > 0; null: every device has p.driftNu()
    private final boolean anyStuck;
    /** Whether the response adds a state-dependent spread to each pulse (a lookup table's; asked once, it scans the table). */
    private final boolean spreads;
    /** Pulses (a continuous device: analog writes) each device has taken since fabrication, but for {@link #writesToAll}. */
    private final long[] taken;
    /**
     * Analog writes every device of a continuous array took at once: counted here, not per device,
     * so that an array-wide write touches only the conductances (a device's count is taken[i] plus this).
     */
    private long writesToAll;
    /** The pulses each device takes before it wears out; null without wear. */
    private final double[] endurance;
    // counted events (docs/cost.md): pulses sent, devices given a change, devices written with write-verify
    private long pulsesUp, pulsesDown, updates, verifyWrites;

    public PulsedDevices(HardwareModel.Device p, int n, Rng fabrication) {
        this.p = p;
        this.nominalStep = p.step();
        this.n = n;
        this.g = new double[n];
        this.step = new double[n];
        this.upDown = new double[n];
        this.low = new double[n];
        this.high = new double[n];
        this.stuck = new byte[n];
        this.programmedAt = p.driftNu() > 0 ? new double[n] : null;
        double mid = 0.5 * (p.gMin() + p.gMax()), half = 0.5 * (p.gMax() - p.gMin());
        int stuckCount = 0;
        for (int i = 0; i < n; i++) {
            step[i] = p.stepDtod() > 0 ? Math.max(0, nominalStep * (1 + p.stepDtod() * fabrication.nextGaussian())) : nominalStep;
            upDown[i] = p.upDownDtod() > 0 ? clamp(p.upDown() + p.upDownDtod() * fabrication.nextGaussian(), -0.99, 0.99) : p.upDown();
            if (p.boundsDtod() > 0) {
                high[i] = mid + half * clamp(1 + p.boundsDtod() * fabrication.nextGaussian(), 0.05, 3);
                low[i] = Math.max(0, mid - half * clamp(1 + p.boundsDtod() * fabrication.nextGaussian(), 0.05, 3));
            } else {
                high[i] = p.gMax();
                low[i] = p.gMin();
            }
            if (p.stuckAtMin() > 0 || p.stuckAtMax() > 0) {
                double u = fabrication.nextDouble();
                stuck[i] = u < p.stuckAtMin() ? STUCK_LOW : (u < p.stuckAtMin() + p.stuckAtMax() ? STUCK_HIGH : FREE);
            }
            if (stuck[i] != FREE) stuckCount++;
            g[i] = stuck[i] == STUCK_LOW ? low[i] : (stuck[i] == STUCK_HIGH ? high[i] : clamp(snap(mid), low[i], high[i]));
        }
        anyStuck = stuckCount > 0;
        if (p.driftNu() > 0 && p.driftNuDtod() > 0) {
            // a spread of the exponent changes no other property of any device: runs with and without it pair device for device
            Rng draws = sideStream(fabrication, "drift-exponent");
            driftNu = new double[n];
            for (int i = 0; i < n; i++) driftNu[i] = Math.max(0, p.driftNu() * (1 + p.driftNuDtod() * draws.nextGaussian()));
        } else {
            driftNu = null;
        }
        spreads = p.response().spreads();
        taken = new long[n];
        if (p.endurance().limited()) {
            // the other devices' draws stay what they are without wear, so that wear with an endurance never reached changes no bit of a run
            Rng draws = sideStream(fabrication, "endurance");
            endurance = new double[n];
            double spread = p.endurance().spread();
            for (int i = 0; i < n; i++) endurance[i] = p.endurance().pulses() * (spread > 0 ? Math.exp(spread * draws.nextGaussian()) : 1);
        } else {
            endurance = null;
        }
    }

    public int size() {
        return n;
    }

    public boolean isStuck(int i) {
        return stuck[i] != FREE;
    }

    /** Write-verify to a target (initialisation): the nearest nominal level within the device's own bounds, no noise. */
    public void writeVerified(int i, double target, double now) {
        verifyWrites++;
        if (stuck[i] != FREE) return;
        g[i] = clamp(snap(target), low[i], high[i]);
        if (programmedAt != null) programmedAt[i] = now;
    }

    /**
     * Programs a requested conductance change open loop, as pulses (see the class comment), and
     * returns the pulses it became: positive up, negative down (a continuous device's analog
     * write counts as one; a stuck device or no change, 0).
     */
    public long request(int i, double deltaG, double now, Rng rng) {
        if (stuck[i] != FREE || deltaG == 0) return 0;
        updates++;
        settleDrift(i, now);
        if (p.continuous()) {
            g[i] = clamp(g[i] + deltaG, low[i], high[i]);
            taken[i]++;
            return deltaG > 0 ? 1 : -1;
        }
        double exact = Math.abs(deltaG) / nominalStep;
        double floor = Math.floor(exact);
        return send(i, deltaG, (long) floor + (rng.nextDouble() < exact - floor ? 1 : 0), rng);
    }

    /** Sends device i {@code count} pulses in the direction of {@code deltaG}; returns them signed (positive up). */
    private long send(int i, double deltaG, long count, Rng rng) {
        if (count > 0) pulse(i, deltaG > 0, count, rng);
        return deltaG > 0 ? count : -count;
    }

    /**
     * {@link #request} for every device: device i is asked for {@code scale * delta[i]}. One pass
     * with the common cases (continuous devices; no drift; no stuck devices) kept branch-free.
     * The devices form rows of {@code rowLength}; {@code rowUp[r]} and {@code rowDown[r]} are raised
     * to the most pulses up and down any device of row r took (the row-by-row programming time).
     */
    public void requestAll(double[] delta, double scale, double now, Rng rng, int rowLength, long[] rowUp, long[] rowDown) {
        requestAll(delta, scale, now, rng, rowLength, rowUp, rowDown, null);
    }

    /** A device's entry in a record of {@link #requestAll}: no count was drawn for it (it is stuck). */
    public static final long NOT_ROUNDED = Long.MIN_VALUE;

    /**
     * {@link #requestAll} that also writes into {@code sent[i]} the signed pulse count device i was
     * sent (0 for no change), or {@link #NOT_ROUNDED} where none was drawn: what a controller sends
     * a second array holding the same weights ({@link #sendAll}). Pulsed devices only.
     */
    public void requestAll(double[] delta, double scale, double now, Rng rng, int rowLength, long[] rowUp, long[] rowDown, long[] sent) {
        if (rowLength < 1) throw new IllegalArgumentException("rowLength must be >= 1, got " + rowLength);
        if (sent != null && p.continuous()) throw new IllegalArgumentException("continuous devices take analog writes, not pulse counts");
        if (sent != null) java.util.Arrays.fill(sent, 0);
        if (p.continuous() && programmedAt == null && !anyStuck) {
            if (p.boundsDtod() == 0) { // every device has the nominal bounds: two registers instead of two arrays to stream
                double lo = p.gMin(), hi = p.gMax();
                for (int i = 0; i < n; i++) {
                    double v = g[i] + scale * delta[i];
                    g[i] = v < lo ? lo : (v > hi ? hi : v);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    double v = g[i] + scale * delta[i];
                    g[i] = v < low[i] ? low[i] : (v > high[i] ? high[i] : v);
                }
            }
            writesToAll++;
            updates += n; // an analog write reaches every device of the array (counting non-zero changes cost 10% of an ideal training step)
            for (int r = 0; r < rowUp.length; r++) rowUp[r] = Math.max(rowUp[r], 1); // one analog write slot per row
            return;
        }
        // rows walked as rows: a division per device to find its row cost more than its rounding
        for (int row = 0, i = 0; i < n; row++) {
            long up = rowUp[row], down = rowDown[row];
            for (int end = Math.min(n, i + rowLength); i < end; i++) {
                double d = delta[i];
                if (d == 0) continue;
                long pulses = request(i, scale * d, now, rng);
                if (sent != null) sent[i] = stuck[i] != FREE ? NOT_ROUNDED : pulses;
                if (pulses > up) up = pulses;
                else if (-pulses > down) down = -pulses;
            }
            rowUp[row] = up;
            rowDown[row] = down;
        }
    }

    /**
     * Sends every device the pulse counts another array's {@link #requestAll} drew for the same
     * requests ({@code sent}): each device responds with its own steps and write noise, and only
     * where no count was drawn (that array's device is stuck) does it round its request itself.
     * Row bookkeeping as {@link #requestAll}.
     */
    public void sendAll(double[] delta, double scale, long[] sent, double now, Rng rng, int rowLength, long[] rowUp, long[] rowDown) {
        if (rowLength < 1) throw new IllegalArgumentException("rowLength must be >= 1, got " + rowLength);
        if (p.continuous() || sent.length != n) throw new IllegalArgumentException("pulse counts: pulsed devices and one count per device");
        for (int row = 0, i = 0; i < n; row++) {
            long up = rowUp[row], down = rowDown[row];
            for (int end = Math.min(n, i + rowLength); i < end; i++) {
                double deltaG = scale * delta[i];
                if (delta[i] == 0 || deltaG == 0 || stuck[i] != FREE) continue;
                long pulses;
                if (sent[i] == NOT_ROUNDED) {
                    pulses = request(i, deltaG, now, rng);
                } else {
                    updates++;
                    settleDrift(i, now);
                    pulses = send(i, deltaG, Math.abs(sent[i]), rng);
                }
                if (pulses > up) up = pulses;
                else if (-pulses > down) down = -pulses;
            }
            rowUp[row] = up;
            rowDown[row] = down;
        }
    }

    /** sqrt(k) for the pulse counts most requests become (Math.sqrt is correctly rounded, so the table holds the same bits). */
    private static final double[] SQRT = new double[64];

    static {
        for (int k = 0; k < SQRT.length; k++) SQRT[k] = Math.sqrt((double) k);
    }

    /** {@link #pulse} at chip time {@code now}: a drifted device first settles at its drifted value (as a request does). */
    public void pulseAt(int i, boolean up, long count, double now, Rng rng) {
        if (stuck[i] != FREE || count == 0) return;
        settleDrift(i, now);
        pulse(i, up, count, rng);
    }

    /** Applies {@code count} pulses up (potentiation) or down. */
    public void pulse(int i, boolean up, long count, Rng rng) {
        if (stuck[i] != FREE || count == 0) return;
        if (up) pulsesUp += count;
        else pulsesDown += count;
        long before = taken(i);
        taken[i] += count;
        double wear = 1;
        if (endurance != null && before + count > endurance[i]) {
            if (p.endurance().wearOut() == HardwareModel.Device.WearOut.STICK) {
                // the pulses up to its endurance still move it; then it stays where it is
                count = Math.max(0, (long) Math.floor(endurance[i]) - before);
                stuck[i] = WORN;
                if (count == 0) return;
            } else {
                wear = Math.exp(-Math.max(0, before - endurance[i]) / endurance[i]);
            }
        }
        double noise = p.writeNoise() * nominalStep;
        boolean constant = p.response().constant(up);
        if (constant) {
            // a state-independent step: count pulses sum exactly to count steps plus one Gaussian of sqrt(count) spread
            double change = count * stepSize(i, g[i], up) * wear;
            if (noise > 0) change += noise * (count < SQRT.length ? SQRT[(int) count] : Math.sqrt((double) count)) * rng.nextGaussian();
            g[i] = clamp(g[i] + (up ? change : -change), low[i], high[i]);
            return;
        }
        long limit = Math.min(count, 4L * Math.max(2, p.levels())); // beyond this every device sits on a bound
        for (long k = 0; k < limit; k++) {
            if ((k & 1023) == 1023) epsim.common.WorkLimit.check("programming");
            double s = stepSize(i, g[i], up) * wear;
            // a measured spread and the write noise are independent: their variances add
            double sd = spreads ? Math.hypot(noise, p.response().spread(state(i, g[i]), up)) : noise;
            if (sd > 0) s += sd * rng.nextGaussian();
            g[i] = clamp(g[i] + (up ? s : -s), low[i], high[i]);
        }
    }

    /** Pulses (continuous devices: analog writes) device i has taken since fabrication. */
    public long taken(int i) {
        return taken[i] + writesToAll;
    }

    /** The pulses device i takes before it wears out, or +Infinity without wear. */
    public double endurance(int i) {
        return endurance == null ? Double.POSITIVE_INFINITY : endurance[i];
    }

    /** Whether device i has taken more pulses than its endurance. */
    public boolean worn(int i) {
        return endurance != null && taken(i) > endurance[i];
    }

    /** Programming pulses sent up (potentiation) so far; a stuck device is sent none (the model drops its requests). */
    public long pulsesUp() {
        return pulsesUp;
    }

    public long pulsesDown() {
        return pulsesDown;
    }

    /**
     * Devices that received a change: for pulsed devices each non-zero request to a free device;
     * an array of continuous devices takes every request as one analog write of all its devices.
     */
    public long updates() {
        return updates;
    }

    /** Devices written with write-verify (initialisation): at least one verifying read each. */
    public long verifyWrites() {
        return verifyWrites;
    }

    /** The noise-free step of device i at conductance {@code at}. */
    public double stepSize(int i, double at, boolean up) {
        double base = step[i] * (up ? 1 + upDown[i] : 1 - upDown[i]);
        return Math.max(0, base * p.response().shape(state(i, at), up));
    }

    /** Device i's state x in [-1, 1] at conductance {@code at}: its place between its own bounds. */
    private double state(int i, double at) {
        double mid = 0.5 * (low[i] + high[i]), half = 0.5 * (high[i] - low[i]);
        return half > 0 ? clamp((at - mid) / half, -1, 1) : 0;
    }

    /**
     * A stream of its own for a fabrication property that must not move the others: seeded by where
     * {@code fabrication} stands, without advancing it.
     */
    private static Rng sideStream(Rng fabrication, String name) {
        return Rng.stream(Arrays.hashCode(fabrication.state()), name);
    }

    /** Conductance a read sees at time {@code now} (drift applied). */
    public double read(int i, double now) {
        if (programmedAt == null) return g[i];
        if (driftNu != null) return g[i] * Math.pow((now - programmedAt[i]) / p.driftT0() + 1, -driftNu[i]);
        return g[i] * driftFactor(programmedAt[i], now);
    }

    // The drift factors of the programming times seen at the last read time: the devices of an array hold only as many
    // distinct programming times as updates reached them, so a read of every device computes the power a few times,
    // not once per device. The same pow of the same arguments: the same bits.
    private static final int FACTOR_SLOTS = 64;
    private final double[] factorTimes = new double[FACTOR_SLOTS], factors = new double[FACTOR_SLOTS];
    private double factorsAt = Double.NaN;

    private double driftFactor(double programmed, double now) {
        if (now != factorsAt) { // NaN at first: never equal
            java.util.Arrays.fill(factorTimes, Double.NaN); // NaN matches no time
            factorsAt = now;
        }
        long bits = Double.doubleToLongBits(programmed);
        int slot = (int) (bits ^ (bits >>> 29) ^ (bits >>> 47)) & (FACTOR_SLOTS - 1);
        if (factorTimes[slot] == programmed) return factors[slot];
        double f = Math.pow((now - programmed) / p.driftT0() + 1, -p.driftNu());
        factorTimes[slot] = programmed;
        factors[slot] = f;
        return f;
    }

    /** Before new pulses land, the drifted value becomes the programmed one and the drift clock restarts. */
    private void settleDrift(int i, double now) {
        if (programmedAt == null) return;
        g[i] = read(i, now);
        programmedAt[i] = now;
    }

    public double programmed(int i) {
        return g[i];
    }

    public double lowBound(int i) {
        return low[i];
    }

    public double highBound(int i) {
        return high[i];
    }

    /** Sets the conductance directly (a test fixture's "reset to"), respecting stuck devices and bounds. */
    public void force(int i, double value, double now) {
        if (stuck[i] != FREE) return;
        g[i] = clamp(value, low[i], high[i]);
        if (programmedAt != null) programmedAt[i] = now;
    }

    /** Saved state: conductances, then (with drift) the programming times, then (with wear) the pulses each device has taken. */
    public double[][] state() {
        List<double[]> out = new ArrayList<>();
        out.add(g.clone());
        if (programmedAt != null) out.add(programmedAt.clone());
        if (endurance != null) {
            double[] t = new double[n];
            for (int i = 0; i < n; i++) t[i] = taken(i); // exact: a device takes far fewer than 2^53 pulses
            out.add(t);
        }
        return out.toArray(new double[0][]);
    }

    /** Refuses a saved state that does not fit these devices (sizes, bounds, finite times, whole pulse counts), changing nothing. */
    public void check(double[][] state) {
        int arrays = 1 + (programmedAt == null ? 0 : 1) + (endurance == null ? 0 : 1);
        if (state == null || state.length != arrays) {
            throw new UserError("checkpoint: device state has " + (state == null ? 0 : state.length) + " arrays, the hardware model needs " + arrays);
        }
        for (double[] a : state) {
            if (a == null || a.length != n) throw new UserError("checkpoint: device state of " + (a == null ? 0 : a.length) + " devices, expected " + n);
        }
        for (int i = 0; i < n; i++) {
            double v = state[0][i];
            // 1e-12 uS: the rounding of a conductance programmed up to its own bound; a drifting device decays below its
            // lower bound towards 0 between programmings (G (t/t0 + 1)^-nu), so its state may hold any value down to 0
            double least = programmedAt == null ? low[i] - 1e-12 : 0;
            if (!(v >= least && v <= high[i] + 1e-12)) throw new UserError("checkpoint: conductance outside the device's bounds");
        }
        if (programmedAt != null) for (double t : state[1]) if (!Double.isFinite(t)) throw new UserError("checkpoint: a programming time is not finite");
        if (endurance != null) {
            for (double t : state[arrays - 1]) {
                if (!(t >= 0 && t <= 1e15 && t == Math.rint(t))) throw new UserError("checkpoint: a device's pulse count is not a whole number in 0..1e15");
            }
        }
    }

    public void restore(double[][] state) {
        check(state);
        System.arraycopy(state[0], 0, g, 0, n);
        if (programmedAt != null) System.arraycopy(state[1], 0, programmedAt, 0, n);
        if (endurance != null) {
            double[] t = state[state.length - 1];
            boolean sticks = p.endurance().wearOut() == HardwareModel.Device.WearOut.STICK;
            writesToAll = 0;
            for (int i = 0; i < n; i++) {
                taken[i] = (long) t[i];
                if (stuck[i] == WORN || stuck[i] == FREE) stuck[i] = sticks && taken[i] > endurance[i] ? WORN : FREE;
            }
        }
    }

    private double snap(double v) {
        if (p.continuous()) return v;
        return p.gMin() + Math.rint((v - p.gMin()) / nominalStep) * nominalStep;
    }

    private static double clamp(double v, double lo, double hi) {
        return v < lo ? lo : (v > hi ? hi : v);
    }

    @Override
    public String toString() {
        return "PulsedDevices[" + n + "] " + Arrays.toString(Arrays.copyOf(g, Math.min(n, 4)));
    }
}
