package epsim.testbench;

import epsim.common.JsonFields;
import epsim.common.UserError;
import epsim.device.DeviceFit;
import epsim.device.PulseResponse;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The round trip of `devices fit`: ramps simulated on the testbench's device (as `devices pulse`
 * writes them) are fitted, and the fit must give back the generating parameters, each within the
 * testbench's bound (relative for the bounds, the step and the noise; absolute for shape parameters,
 * the asymmetry and the device-to-device spreads). Then the fitted model's own ramps, simulated
 * with another seed, must match the data's steps: in every conductance bin with enough pulses,
 * the two-sample Kolmogorov-Smirnov distance between the measured and the fitted model's steps
 * (up and down apart) is within {@code ksDistance}. A distance, not a p-value: with thousands of
 * pulses per bin a p-value rejects differences far below anything that matters for training,
 * while the distance says how far the two step distributions are apart.
 */
final class DeviceFitCheck {
    private DeviceFitCheck() {}

    /** The fewest pulses of each sample a bin needs for its distance to count (the distance's sampling spread is then below 0.1). */
    private static final int KS_MIN_PULSES = 1000;
    private static final int KS_BINS = 10;

    static List<Row> run(Testbench tb) {
        JsonFields f = tb.fields();
        int devices = (int) f.integer(tb.params(), "devices", "params.devices", 3, 10_000);
        int cycles = (int) f.integer(tb.params(), "cycles", "params.cycles", 1, 100);
        String responseName = tb.params().has("response") ? f.text(tb.params(), "response", "params.response") : "own";
        HardwareModel m = CheckSupport.model(tb, List.of());
        HardwareModel.Device d = m.device();
        if (d.continuous()) throw new UserError(tb.file() + ": model: a continuous device takes no pulses, so there is nothing to fit");
        HardwareModel.Response response = responseName.equals("own") ? d.response().type()
                : epsim.common.JsonName.lookup(HardwareModel.Response.class, responseName);
        if (response == null) throw new UserError(tb.file() + ": params.response: expected own, linearStep, power or lookup, got " + responseName);

        int pulses = 2 * d.levels();
        List<PulseResponse.Pulse> data = PulseResponse.simulate(d, devices, pulses, cycles, PulseResponse.Train.RAMPS, tb.seed());
        DeviceFit.Fit fit = DeviceFit.fit(PulseResponse.steps(data), response);

        String name = tb.name();
        Bound relative = tb.bounds().get("relativeError"), absolute = tb.bounds().get("absoluteError");
        List<Row> rows = new ArrayList<>();
        double range = d.gMax() - d.gMin(), s = d.step();
        rows.add(row(name, "gMin (uS; error over the range)", fit.gMin(), d.gMin(), range, relative));
        rows.add(row(name, "gMax (uS; error over the range)", fit.gMax(), d.gMax(), range, relative));
        if (fit.table() == null) {
            rows.add(row(name, "nominal step (uS)", fit.step().value(), s, s, relative));
            rows.add(row(name, "writeNoise (steps)", fit.writeNoise().value(), d.writeNoise(), Math.max(d.writeNoise(), 1e-300), relative));
            rows.add(row(name, "gammaUp", fit.gammaUp().value(), d.response().upParameter(), 1, absolute));
            rows.add(row(name, "gammaDown", fit.gammaDown().value(), d.response().downParameter(), 1, absolute));
            rows.add(row(name, "upDown", fit.upDown().value(), d.upDown(), 1, absolute));
        } else {
            // the table against the generating mean step at each of its points, and its spread against the write noise
            double worstStep = 0, worstSpread = 0;
            HardwareModel.Device.StepTable t = fit.table();
            double mid = 0.5 * (d.gMin() + d.gMax()), half = 0.5 * range;
            for (int k = 0; k < t.conductance().length; k++) {
                double x = Math.max(-1, Math.min(1, (t.conductance()[k] - mid) / half));
                worstStep = Math.max(worstStep, Math.abs(t.stepUp()[k] - s * (1 + d.upDown()) * d.response().shape(x, true)) / s);
                worstStep = Math.max(worstStep, Math.abs(t.stepDown()[k] - s * (1 - d.upDown()) * d.response().shape(x, false)) / s);
                double noise = Math.hypot(d.writeNoise() * s, d.response().spread(x, true));
                worstSpread = Math.max(worstSpread, Math.abs(t.spreadUp()[k] - noise) / noise);
            }
            rows.add(new Row(name, "lookup table's mean steps against the generating ones: largest error over the nominal step", worstStep, relative));
            rows.add(new Row(name, "lookup table's spread against the generating write noise: largest relative error", worstSpread, relative));
        }
        rows.add(spread(name, "stepDtod", fit.stepDtod(), d.stepDtod(), absolute));
        rows.add(spread(name, "upDownDtod", fit.upDownDtod(), d.upDownDtod(), absolute));
        rows.add(spread(name, "boundsDtod", fit.boundsDtod(), d.boundsDtod(), absolute));

        // the fitted model's ramps against the data's, bin by bin
        HardwareModel fitted = ModelLoader.load(tb.model(), withFit(tb.overrides(), DeviceFit.overrides(fit)));
        List<PulseResponse.Pulse> again = PulseResponse.simulate(fitted.device(), devices, pulses, cycles, PulseResponse.Train.RAMPS, tb.seed() + 1);
        rows.add(ks(name, data, again, d.gMin(), d.gMax(), tb.bounds().get("ksDistance")));
        rows.add(new Row(name, String.format(Locale.ROOT, "fit quality: R^2 %.4f of the mean-step curve, binned means within %.3g s (report)",
                fit.rSquared(), fit.binnedError()), fit.rSquared(), Bound.REPORT));
        return rows;
    }

    private static List<String> withFit(List<String> own, List<String> fit) {
        List<String> all = new ArrayList<>(own);
        all.addAll(fit);
        return all;
    }

    private static Row row(String name, String what, double fitted, double configured, double scale, Bound bound) {
        return new Row(name, String.format(Locale.ROOT, "%s: fitted %.4g, generated with %.4g; error%s", what, fitted, configured,
                scale == 1 ? "" : " / " + String.format(Locale.ROOT, "%.4g", scale)), Math.abs(fitted - configured) / scale, bound);
    }

    /** A device-to-device spread: the data must identify it (3 devices or more), and the estimate lie within the absolute bound. */
    private static Row spread(String name, String what, DeviceFit.Estimate fitted, double configured, Bound bound) {
        if (Double.isNaN(fitted.value())) {
            return new Row(name, what + ": not identified by the data (generated with " + configured + "); report", Double.NaN, Bound.REPORT);
        }
        return row(name, what, fitted.value(), configured, 1, bound);
    }

    /** The largest two-sample Kolmogorov-Smirnov distance over the conductance bins and both polarities. */
    private static Row ks(String name, List<PulseResponse.Pulse> a, List<PulseResponse.Pulse> b, double lo, double hi, Bound bound) {
        double[][][] x = steps(a, lo, hi), y = steps(b, lo, hi);
        double worst = 0;
        String where = "no bin";
        int compared = 0;
        KolmogorovSmirnovTest test = new KolmogorovSmirnovTest();
        for (int bin = 0; bin < KS_BINS; bin++) {
            for (int u = 0; u < 2; u++) {
                if (x[bin][u].length < KS_MIN_PULSES || y[bin][u].length < KS_MIN_PULSES) continue;
                compared++;
                double dist = test.kolmogorovSmirnovStatistic(x[bin][u], y[bin][u]);
                if (dist > worst) {
                    worst = dist;
                    where = String.format(Locale.ROOT, "bin %d/%d %s (%d and %d pulses)", bin + 1, KS_BINS, u == 0 ? "up" : "down", x[bin][u].length,
                            y[bin][u].length);
                }
            }
        }
        if (compared == 0) return new Row(name, "fitted model's steps against the data's: no bin holds " + KS_MIN_PULSES + " pulses", Double.NaN, bound);
        return new Row(name, "fitted model's steps against the data's: largest Kolmogorov-Smirnov distance over " + compared + " bins x polarities, at "
                + where, worst, bound);
    }

    /** Per conductance bin and polarity (up, down): the steps of the pulses starting there, away from their device's bounds. */
    private static double[][][] steps(List<PulseResponse.Pulse> pulses, double lo, double hi) {
        List<List<List<Double>>> lists = new ArrayList<>();
        for (int bin = 0; bin < KS_BINS; bin++) lists.add(List.of(new ArrayList<>(), new ArrayList<>()));
        for (PulseResponse.Pulse p : pulses) {
            if (!p.nearBound()) lists.get(PulseResponse.bin(p.before(), lo, hi, KS_BINS)).get(p.up() ? 0 : 1).add(p.step());
        }
        double[][][] out = new double[KS_BINS][2][];
        for (int bin = 0; bin < KS_BINS; bin++) {
            for (int u = 0; u < 2; u++) out[bin][u] = lists.get(bin).get(u).stream().mapToDouble(Double::doubleValue).toArray();
        }
        return out;
    }
}
