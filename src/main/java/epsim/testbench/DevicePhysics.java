package epsim.testbench;

import epsim.chip.AnalogChip;
import epsim.common.JsonFields;
import epsim.common.Rng;
import epsim.device.Converters;
import epsim.device.PulsedDevices;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;

import java.util.ArrayList;
import java.util.List;

/**
 * Measures every device and periphery effect a model switches on, on a fabricated population of
 * simulated devices, and compares it with the configured value. Each row is a relative error
 * |measured - configured| / configured, except the stuck devices' movement, which must be 0.
 */
final class DevicePhysics {
    private DevicePhysics() {}

    /**
     * {@code quiet} is the same model with an unquantized ADC and no read noise, faults, bound
     * spread or drift: a neuron with zero synaptic current then shows its thermal noise alone.
     */
    /** The testbench's model as given, and a quiet copy of it (no read noise, faults, spread or drift; ideal ADC) for the pulse statistics. */
    static List<Row> run(Testbench tb) {
        return run(tb, CheckSupport.model(tb, List.of()), CheckSupport.model(tb, List.of("periphery.adcBits=ideal",
                "device.readNoise=0", "device.stuckAtMin=0", "device.stuckAtMax=0", "device.boundsDtod=0", "device.driftNu=0")));
    }

    static List<Row> run(Testbench tb, HardwareModel m, HardwareModel quiet) {
        JsonFields f = tb.fields();
        int n = (int) f.integer(tb.params(), "devices", "params.devices", 100, 10_000_000);
        int k = (int) f.integer(tb.params(), "pulses", "params.pulses", 2, 100_000);
        Bound bound = tb.bounds().get("relativeError");
        HardwareModel.Device d = m.device();
        List<Row> rows = new ArrayList<>();
        Rng rng = Rng.stream(tb.seed(), "device-physics");
        PulsedDevices pop = new PulsedDevices(d, n, Rng.stream(tb.seed(), "fabrication"));
        double s = d.step();
        String name = tb.name();

        if (!d.continuous()) {
            // k single pulses per device, each from the device's mid-range: the within-device variance is
            // the cycle-to-cycle noise, the spread of the device means the device-to-device spread plus c2c^2 / k
            Stats up = pulses(pop, k, 0, true, rng), down = pulses(pop, k, 0, false, rng);
            rows.add(row(name, "mean up step at mid-range (uS)", up.mean, s * (1 + d.upDown()) * shapeAt(d, 0, true), bound));
            rows.add(row(name, "mean down step at mid-range (uS)", down.mean, s * (1 - d.upDown()) * shapeAt(d, 0, false), bound));
            double tableSpread = d.response() instanceof HardwareModel.Device.Lookup l ? l.table().at(l.table().spreadUp(), 0.5 * (d.gMin() + d.gMax())) : 0;
            if (d.writeNoise() > 0 || tableSpread > 0) {
                rows.add(row(name, "cycle-to-cycle spread of one pulse (uS)", Math.sqrt(up.withinVariance), Math.hypot(d.writeNoise() * s, tableSpread), bound));
            }
            if (d.stepDtod() > 0 || d.upDownDtod() > 0) {
                double var = up.varianceOfMeans - up.withinVariance / k;
                double expected = s * shapeAt(d, 0, true) * Math.sqrt(Math.pow(1 + d.upDown(), 2) * d.stepDtod() * d.stepDtod()
                        + d.upDownDtod() * d.upDownDtod());
                rows.add(row(name, "device-to-device spread of the up step (uS)", Math.sqrt(Math.max(var, 0)), expected, bound));
            }
            if (d.upDown() != 0) {
                rows.add(row(name, "down/up step ratio", down.mean / up.mean, (1 - d.upDown()) / (1 + d.upDown()), bound));
            }
            if (!d.response().constant(true) || !d.response().constant(false)) {
                double upHigh = pulses(pop, k, 0.5, true, rng).mean, downLow = pulses(pop, k, -0.5, false, rng).mean;
                rows.add(row(name, "up step at x = +0.5 over up step at mid (response)", upHigh / up.mean,
                        shapeAt(d, 0.5, true) / shapeAt(d, 0, true), bound));
                rows.add(row(name, "down step at x = -0.5 over down step at mid (response)", downLow / down.mean,
                        shapeAt(d, -0.5, false) / shapeAt(d, 0, false), bound));
            }
        }
        if (d.stuckAtMin() > 0 || d.stuckAtMax() > 0) {
            int low = 0, high = 0;
            double moved = 0;
            for (int i = 0; i < n; i++) {
                if (!pop.isStuck(i)) continue;
                double before = pop.programmed(i);
                if (before == pop.lowBound(i)) low++;
                else high++;
                pop.request(i, 10 * Math.max(s, 1e-3), 0, rng);
                pop.request(i, -20 * Math.max(s, 1e-3), 0, rng);
                moved = Math.max(moved, Math.abs(pop.programmed(i) - before));
            }
            if (d.stuckAtMin() > 0) rows.add(row(name, "fraction stuck at the lowest conductance", (double) low / n, d.stuckAtMin(), bound));
            if (d.stuckAtMax() > 0) rows.add(row(name, "fraction stuck at the highest conductance", (double) high / n, d.stuckAtMax(), bound));
            rows.add(new Row(name, "largest move of a stuck device under 30 pulses (uS)", moved, new Bound(null, 0.0)));
        }
        if (d.driftNu() > 0) {
            // G(t) / G(0) against (t / t0 + 1) on log-log axes: the slope is -nu
            double[] x = new double[4], y = new double[4];
            double[] times = {1, 10, 100, 1000};
            int probe = firstFree(pop);
            pop.force(probe, 0.5 * (pop.lowBound(probe) + pop.highBound(probe)), 0);
            double g0 = pop.read(probe, 0);
            for (int j = 0; j < times.length; j++) {
                double t = times[j] * d.driftT0();
                x[j] = Math.log(t / d.driftT0() + 1);
                y[j] = Math.log(pop.read(probe, t) / g0);
            }
            rows.add(row(name, "drift exponent fitted over t = t0..1000 t0", -CheckSupport.slope(x, y), d.driftNu(), bound));
        }
        HardwareModel.Periphery io = m.periphery();
        if (io.adcBits() != HardwareModel.IDEAL) {
            Converters adc = new Converters(io);
            double lsb = (io.adcMax() - io.adcMin()) / ((1L << io.adcBits()) - 1);
            double sq = 0;
            int samples = 100_000;
            for (int j = 0; j < samples; j++) {
                double v = io.adcMin() + rng.nextDouble() * (io.adcMax() - io.adcMin());
                double e = adc.adc(v) - v;
                sq += e * e;
            }
            rows.add(row(name, "ADC rms quantization error (V)", Math.sqrt(sq / samples), lsb / Math.sqrt(12), bound));
            double over = adc.adc(io.adcMax() + 1);
            rows.add(new Row(name, "ADC reading of adcMax + 1 V minus adcMax (clipping)", Math.abs(over - io.adcMax()), new Bound(null, 0.0)));
        }
        if (m.neuron().thermalNoise() > 0 || m.device().temperature() > 0) rows.add(thermal(tb, quiet, bound));
        return rows;
    }

    record Stats(double mean, double withinVariance, double varianceOfMeans) {}

    /** k pulses for every free device, each from position x; grand mean, mean within-device variance, variance of device means. */
    private static Stats pulses(PulsedDevices pop, int k, double x, boolean up, Rng rng) {
        double sum = 0, within = 0, sumMeans = 0, sumMeansSq = 0;
        int devices = 0;
        for (int i = 0; i < pop.size(); i++) {
            if (pop.isStuck(i)) continue;
            double s1 = 0, s2 = 0;
            for (int j = 0; j < k; j++) {
                double m = stepFrom(pop, i, x, up, rng);
                s1 += m;
                s2 += m * m;
            }
            double mean = s1 / k;
            within += (s2 - k * mean * mean) / (k - 1);
            sum += s1;
            sumMeans += mean;
            sumMeansSq += mean * mean;
            devices++;
        }
        double meanOfMeans = sumMeans / devices;
        return new Stats(sum / ((double) devices * k), within / devices,
                (sumMeansSq - devices * meanOfMeans * meanOfMeans) / (devices - 1));
    }

    /** Puts device i at x (fraction of its half-range from its centre) and returns the size of one pulse's move. */
    private static double stepFrom(PulsedDevices pop, int i, double x, boolean up, Rng rng) {
        double mid = 0.5 * (pop.lowBound(i) + pop.highBound(i)), half = 0.5 * (pop.highBound(i) - pop.lowBound(i));
        pop.force(i, mid + x * half, 0);
        double before = pop.programmed(i);
        pop.pulse(i, up, 1, rng);
        double move = pop.programmed(i) - before;
        return up ? move : -move; // signed: a noisy pulse may move against its direction
    }


    /**
     * Thermal noise: one step from rest with no synaptic current leaves u = sigma * xi (clipped at 0
     * by a hard sigmoid's rail). With Johnson noise (device.temperature > 0) each neuron's current
     * carries the charge noise of every device on its node, 2 k T G over the read pulse, which
     * reaches u as eps rho'(0) times it in drive units: written out here from the devices' own
     * conductances and the read point, not through the chip's code.
     */
    private static Row thermal(Testbench tb, HardwareModel m, Bound bound) {
        Topology t = new Topology(1, 1000);
        AnalogChip chip = AnalogChip.withWeights(m, new LayerParams(t), tb.seed());
        double sq = 0;
        int count = 0;
        for (int rep = 0; rep < 20; rep++) {
            chip.setInputs(new double[1], 1);
            chip.resetState();
            chip.relax(1, 0);
            for (double r : chip.read(1)) {
                sq += r * r;
                count++;
            }
        }
        double meanSquare = sq / count;
        // a clipping curve keeps only the positive half of the Gaussian: E[max(0, x)^2] = sigma^2 / 2
        double sigma = Math.sqrt(m.neuron().transfer().clipsState() ? 2 * meanSquare : meanSquare);
        double thermal = m.neuron().thermalNoise(), kelvin = m.device().temperature();
        if (kelvin == 0) return row(tb.name(), "thermal noise per step, from the state's spread (V)", sigma, thermal, bound);
        double[][][] all = chip.persist().devices(); // weights G+, G-, bias G+, G- of the one layer (one array each, no drift)
        HardwareModel.Periphery p = m.periphery();
        double gRefSiemens = m.device().gRef() * 1e-6, fullScale = p.readVoltage(), pulse = p.readPulse();
        double current = m.neuron().epsilon() * m.neuron().transfer().rhoPrime(0), variance = 0;
        for (int i = 0; i < t.size(1); i++) {
            double siemens = 1e-6 * (all[0][0][i] + all[1][0][i] + all[2][0][i] + all[3][0][i]);
            double chargeVariance = 2 * epsim.chip.NeuronDynamics.BOLTZMANN * kelvin * siemens * pulse; // C^2
            double signalCharge = gRefSiemens * fullScale * pulse;              // C per unit of drive
            variance += thermal * thermal + current * current * chargeVariance / (signalCharge * signalCharge);
        }
        return row(tb.name(), "thermal and Johnson noise per step, from the state's spread (V)", sigma, Math.sqrt(variance / t.size(1)), bound);
    }

    private static int firstFree(PulsedDevices pop) {
        for (int i = 0; i < pop.size(); i++) if (!pop.isStuck(i)) return i;
        throw new IllegalStateException("every device is stuck");
    }

    private static Row row(String name, String what, double measured, double configured, Bound bound) {
        return new Row(name, what + ": measured " + fmt(measured) + ", configured " + fmt(configured) + "; relative error",
                Math.abs(measured - configured) / Math.abs(configured), bound);
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4g", v);
    }




    /** The step's shape halfway towards the bound it approaches, from each response's formula written out again (not the model's code). */
    /** The configured shape at state x, written out from the model's fields (not through the device code under test). */
    private static double shapeAt(HardwareModel.Device d, double x, boolean up) {
        if (d.response() instanceof HardwareModel.Device.PowerLaw p) return Math.pow(up ? 1 - x : 1 + x, up ? p.exponentUp() : p.exponentDown());
        if (d.response() instanceof HardwareModel.Device.Lookup l) {
            double g = 0.5 * (d.gMin() + d.gMax()) + 0.5 * (d.gMax() - d.gMin()) * x;
            return l.table().at(up ? l.table().stepUp() : l.table().stepDown(), g) / d.step();
        }
        HardwareModel.Device.LinearStep l = (HardwareModel.Device.LinearStep) d.response();
        return up ? 1 - x * l.slopeUp() : 1 + x * l.slopeDown();
    }
}
