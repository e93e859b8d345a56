package epsim.device;

import epsim.common.Rng;
import epsim.common.UserError;
import epsim.model.HardwareModel;

import java.util.ArrayList;
import java.util.List;

/**
 * A device's pulse response, as a measurement would take it (docs/hardware-models.md): a population
 * of devices fabricated from the seed, each driven by a train of identical programming pulses,
 * its conductance read after every pulse (a noise-free verification read). Three trains:
 * <ul>
 *   <li>{@link Train#RAMPS}: from the device's low bound, {@code pulses} pulses up then
 *       {@code pulses} down, {@code cycles} times (the set/reset ramps of a device characterisation);</li>
 *   <li>{@link Train#ALTERNATING}: from mid-range, up and down in turn;</li>
 *   <li>{@link Train#RANDOM}: from mid-range, each pulse's polarity drawn from the seed.</li>
 * </ul>
 * The steps (conductance after minus before each pulse) binned over conductance give the response
 * the model's parameters describe: the mean step up and down and their spread at each conductance.
 */
public final class PulseResponse {
    private PulseResponse() {}

    /** Which pulse train. */
    public enum Train {
        RAMPS("ramps"), ALTERNATING("alternating"), RANDOM("random");

        public final String label;

        Train(String label) {
            this.label = label;
        }

        public static Train parse(String v, String where) {
            for (Train t : values()) if (t.label.equals(v)) return t;
            throw new UserError(where + " " + v + ": expected ramps, alternating or random");
        }
    }

    /**
     * One pulse on one device: the ramp (a cycle's up or down half, counted from 0), its pulse
     * number, polarity, conductance before and after (µS), and whether it started within one
     * nominal step of the device's own bound in its direction (where the bound clips it).
     */
    public record Pulse(int device, int ramp, int pulse, boolean up, double before, double after, boolean nearBound) {
        public double step() {
            return after - before;
        }
    }

    /** The largest number of pulses one call simulates (devices x pulses per ramp x ramps): bounds the time and the traces' size. */
    public static final long MAX_PULSES = 20_000_000;

    /**
     * {@code devices} devices of {@code device}'s model, each driven by {@code train}: for ramps,
     * {@code cycles} x (up then down) ramps of {@code pulses} pulses; otherwise {@code pulses}
     * pulses in all. Fabrication from the seed's "fabrication" stream, pulse noise and random
     * polarities from its "pulse-train" stream.
     */
    public static List<Pulse> simulate(HardwareModel.Device device, int devices, int pulses, int cycles, Train train, long seed) {
        if (device.continuous()) {
            throw new UserError("devices pulse: the model's devices are continuous (device.levels \"ideal\"): they take analog writes, not pulses");
        }
        if (devices < 1 || pulses < 1 || cycles < 1) throw new UserError("devices pulse: devices, pulses and cycles must be >= 1");
        long total = (long) devices * pulses * (train == Train.RAMPS ? 2L * cycles : 1);
        if (total > MAX_PULSES) {
            throw new UserError("devices pulse: " + total + " pulses in all (devices x pulses" + (train == Train.RAMPS ? " x 2 x cycles" : "")
                    + "); at most " + MAX_PULSES);
        }
        PulsedDevices d = new PulsedDevices(device, devices, Rng.stream(seed, "fabrication"));
        Rng pulsesRng = Rng.stream(seed, "pulse-train");
        List<Pulse> out = new ArrayList<>((int) total);
        double mid = 0.5 * (device.gMin() + device.gMax());
        for (int i = 0; i < devices; i++) {
            d.writeVerified(i, train == Train.RAMPS ? device.gMin() : mid, 0); // a verified write clamps to the device's own bounds
            if (train == Train.RAMPS) {
                for (int c = 0; c < cycles; c++) {
                    for (int half = 0; half < 2; half++) {
                        for (int k = 0; k < pulses; k++) out.add(one(d, i, 2 * c + half, k, half == 0, pulsesRng, device.step()));
                    }
                }
            } else {
                for (int k = 0; k < pulses; k++) {
                    boolean up = train == Train.ALTERNATING ? k % 2 == 0 : pulsesRng.nextDouble() < 0.5;
                    out.add(one(d, i, 0, k, up, pulsesRng, device.step()));
                }
            }
        }
        return out;
    }

    private static Pulse one(PulsedDevices d, int i, int ramp, int k, boolean up, Rng rng, double step) {
        double before = d.read(i, 0);
        d.pulse(i, up, 1, rng);
        boolean near = up ? before > d.highBound(i) - step : before < d.lowBound(i) + step;
        return new Pulse(i, ramp, k, up, before, d.read(i, 0), near);
    }

    /** The bin of conductance {@code g} among {@code bins} equal bins over [lo, hi]; beyond the ends, the end bins. */
    public static int bin(double g, double lo, double hi, int bins) {
        return (int) Math.max(0, Math.min(bins - 1, Math.floor((g - lo) / (hi - lo) * bins)));
    }

    /** The measured-data view of simulated pulses: device, polarity, conductance before and after. */
    public static List<PulseData.Step> steps(List<Pulse> pulses) {
        List<PulseData.Step> out = new ArrayList<>(pulses.size());
        for (Pulse p : pulses) out.add(new PulseData.Step(p.device(), p.up(), p.before(), p.after()));
        return out;
    }

    /** Steps binned by the conductance before the pulse: per bin its centre, and for up and down steps the mean, standard deviation and count. */
    public record Bin(double center, double meanUp, double stdUp, int countUp, double meanDown, double stdDown, int countDown) {}

    /** {@link #binned} of measured steps. */
    public static List<Bin> binnedSteps(List<PulseData.Step> steps, int bins, double lo, double hi) {
        List<Pulse> pulses = new ArrayList<>(steps.size());
        for (PulseData.Step s : steps) pulses.add(new Pulse(s.device(), 0, 0, s.up(), s.before(), s.after(), false));
        return binned(pulses, bins, lo, hi);
    }

    /** The steps of {@code pulses} in {@code bins} equal bins over [lo, hi] (µS); down steps as positive magnitudes. */
    public static List<Bin> binned(List<Pulse> pulses, int bins, double lo, double hi) {
        if (bins < 1 || !(hi > lo)) throw new IllegalArgumentException("bins over an empty range");
        double[][] sum = new double[2][bins], sumSq = new double[2][bins];
        int[][] count = new int[2][bins];
        for (Pulse p : pulses) {
            int b = bin(p.before(), lo, hi, bins);
            int u = p.up() ? 0 : 1;
            double s = p.up() ? p.step() : -p.step();
            sum[u][b] += s;
            sumSq[u][b] += s * s;
            count[u][b]++;
        }
        List<Bin> out = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            double[] mean = new double[2], std = new double[2];
            for (int u = 0; u < 2; u++) {
                int n = count[u][b];
                mean[u] = n == 0 ? Double.NaN : sum[u][b] / n;
                std[u] = n < 2 ? Double.NaN : Math.sqrt(Math.max(0, (sumSq[u][b] - n * mean[u] * mean[u]) / (n - 1)));
            }
            out.add(new Bin(lo + (b + 0.5) * (hi - lo) / bins, mean[0], std[0], count[0][b], mean[1], std[1], count[1][b]));
        }
        return out;
    }
}
