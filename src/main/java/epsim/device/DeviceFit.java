package epsim.device;

import epsim.common.UserError;
import epsim.model.HardwareModel;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits a device model to pulse data (docs/hardware-models.md). The model's mean step at the state
 * x = (G - mid) / half is A_up f_up(x) up and A_down f_down(x) down, f the response's shape with its
 * own exponent or slope (linearStep: 1 - gamma x up, 1 + gamma x down; power: (1 - x)^gamma,
 * (1 + x)^gamma; lookup: the binned mean steps over their value at mid-range), and every pulse adds
 * independent noise of std writeNoise x s; the asymmetry is upDown = (A_up - A_down) / (A_up + A_down).
 *
 * <p>Steps:
 * <ol>
 *   <li>bounds: gMin and gMax are the medians over the devices of each device's lowest and highest
 *       read; their spread over the devices is boundsDtod (meaningful when the ramps reach the bounds);
 *       each device's state x is taken between its own extreme reads (a power law's bounds are its
 *       curves' zeros instead);</li>
 *   <li>pulses starting within three typical steps of their device's own bound in their direction
 *       are left out (the bound clips them, which no response shape describes);</li>
 *   <li>the amplitude and shape of each polarity by Levenberg-Marquardt least squares (commons-math),
 *       with standard errors from the fit's covariance times its residual variance; or, for lookup,
 *       each polarity's mean step in conductance bins;</li>
 *   <li>per device, its own amplitudes with the shape fixed, by least squares: their mean is the
 *       nominal step s, their spread stepDtod (step) and upDownDtod (asymmetry), less what the
 *       cycle-to-cycle noise alone would spread them by; the residuals around each device's own
 *       curve give writeNoise (for lookup, per bin: the table's spread).</li>
 * </ol>
 * What the data cannot separate is said: with fewer than three devices no device-to-device spread.
 */
public final class DeviceFit {
    private DeviceFit() {}

    /** A fitted parameter and its standard error (NaN: not identified by the data). */
    public record Estimate(double value, double error) {
        public static final Estimate NONE = new Estimate(Double.NaN, Double.NaN);

        @Override
        public String toString() {
            if (Double.isNaN(value)) return "not identified";
            return Double.isNaN(error) ? String.format(java.util.Locale.ROOT, "%.4g", value)
                    : String.format(java.util.Locale.ROOT, "%.4g ± %.2g", value, error);
        }
    }

    /**
     * The fit: bounds (µS), response, nominal step s (µS), shape parameters, asymmetry, spreads and
     * noise (in steps), and its quality: the root-mean-square difference between the binned mean
     * steps and the fitted curve relative to s, and R^2 of the step model over the pulses used.
     */
    public record Fit(HardwareModel.Response response, double gMin, double gMax, Estimate step, Estimate gammaUp, Estimate gammaDown,
                      Estimate upDown, Estimate writeNoise, Estimate stepDtod, Estimate upDownDtod, Estimate boundsDtod, int devices, int pulses,
                      int used, double binnedError, double rSquared, List<String> notes, HardwareModel.Device.StepTable table) {
        public int levels() {
            return (int) Math.max(2, Math.min(1_000_000, Math.round((gMax - gMin) / step.value()) + 1));
        }

        /** The mean step the fit predicts at conductance {@code g}, up or down (magnitude). */
        public double meanStep(double g, boolean up) {
            if (table != null) return table.at(up ? table.stepUp() : table.stepDown(), g);
            double mid = 0.5 * (gMin + gMax), half = 0.5 * (gMax - gMin);
            double x = Math.max(-1, Math.min(1, (g - mid) / half));
            double a = step.value() * (up ? 1 + upDown.value() : 1 - upDown.value());
            return a * shape(response, up ? gammaUp.value() : gammaDown.value(), x, up);
        }
    }

    static double shape(HardwareModel.Response r, double gamma, double x, boolean up) {
        if (r == HardwareModel.Response.POWER) return Math.pow(Math.max(0, up ? 1 - x : 1 + x), gamma);
        return up ? 1 - gamma * x : 1 + gamma * x;
    }

    /** The fit of {@code steps} with {@code response}, or (null) with both responses, keeping the one with the smaller residual. */
    public static Fit fit(List<PulseData.Step> steps, HardwareModel.Response response) {
        if (response != null) return fitWith(steps, response);
        Fit linear = fitWith(steps, HardwareModel.Response.LINEAR_STEP), power;
        try {
            power = fitWith(steps, HardwareModel.Response.POWER);
        } catch (UserError e) {
            List<String> notes = new ArrayList<>(linear.notes());
            notes.add(0, "auto: kept linearStep; the power fit failed (" + e.getMessage().replace("devices fit: ", "").replace("; nothing written", "") + ")");
            return withNotes(linear, notes);
        }
        Fit best = power.rSquared() > linear.rSquared() ? power : linear;
        List<String> notes = new ArrayList<>(best.notes());
        notes.add(0, String.format(java.util.Locale.ROOT, "auto: linearStep R^2 %.4f, power R^2 %.4f; kept %s", linear.rSquared(), power.rSquared(),
                best.response().jsonName));
        return withNotes(best, notes);
    }

    /** How well each response fits {@code steps}: one line each, R^2 and the binned error, or why its fit failed ({@code chosen}'s own fit is not redone). */
    public static List<String> comparison(List<PulseData.Step> steps, Fit chosen) {
        List<String> out = new ArrayList<>();
        for (HardwareModel.Response r : HardwareModel.Response.values()) {
            try {
                Fit f = r == chosen.response() ? chosen : fitWith(steps, r);
                out.add(String.format(java.util.Locale.ROOT, "response %-10s R^2 %.4f, binned mean steps within %.3g s (rms), writeNoise %s steps%s", r.jsonName,
                        f.rSquared(), f.binnedError(), f.writeNoise(), r == HardwareModel.Response.LOOKUP
                                ? " (around each device's own table; its binned error is in-sample, the table being the binned means, over 2 x "
                                + f.table().conductance().length + " parameters)" : ""));
            } catch (UserError e) {
                out.add("response " + r.jsonName + ": " + e.getMessage().replace("devices fit: ", "").replace("; nothing written", ""));
            }
        }
        return out;
    }

    private static Fit withNotes(Fit f, List<String> notes) {
        return new Fit(f.response(), f.gMin(), f.gMax(), f.step(), f.gammaUp(), f.gammaDown(), f.upDown(), f.writeNoise(),
                f.stepDtod(), f.upDownDtod(), f.boundsDtod(), f.devices(), f.pulses(), f.used(), f.binnedError(), f.rSquared(), notes, f.table());
    }

    private static Fit fitWith(List<PulseData.Step> steps, HardwareModel.Response response) {
        List<String> notes = new ArrayList<>();
        Map<Integer, double[]> range = new LinkedHashMap<>(); // per device: lowest and highest read
        for (PulseData.Step s : steps) {
            double[] r = range.computeIfAbsent(s.device(), k -> new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
            r[0] = Math.min(r[0], Math.min(s.before(), s.after()));
            r[1] = Math.max(r[1], Math.max(s.before(), s.after()));
        }
        int devices = range.size();
        double gMin = median(range.values().stream().mapToDouble(r -> r[0]).toArray());
        double gMax = median(range.values().stream().mapToDouble(r -> r[1]).toArray());
        if (!(gMax > gMin)) throw new UserError("devices fit: the data spans no conductance range (every read is " + gMin + " µS)");
        double mid = 0.5 * (gMin + gMax), half = 0.5 * (gMax - gMin);
        // the typical step of a pulse that moved its device (a ramp sits at its bound for many pulses that move nothing)
        double[] moved = steps.stream().mapToDouble(s -> Math.abs(s.size())).filter(v -> v > 0).toArray();
        double typical = moved.length == 0 ? 0 : median(moved);
        if (!(typical > 0)) throw new UserError("devices fit: the typical step is 0: the pulses do not move the devices");
        // three typical steps: a step's noise can reach the bound from there (rram's noise is four of its steps)
        double margin = 3 * typical;
        List<PulseData.Step> used = new ArrayList<>();
        for (PulseData.Step s : steps) {
            double[] r = range.get(s.device());
            boolean near = s.up() ? s.before() > r[1] - margin : s.before() < r[0] + margin;
            if (!near) used.add(s);
        }
        int upCount = (int) used.stream().filter(PulseData.Step::up).count(), downCount = used.size() - upCount;
        if (upCount < 10 || downCount < 10) {
            throw new UserError("devices fit: " + upCount + " up and " + downCount + " down pulses away from the bounds; at least 10 of each are needed");
        }
        // each device's state between its own bounds (its extreme reads), as a device's step depends on its own range
        java.util.function.ToDoubleFunction<PulseData.Step> state = st -> {
            double[] r = range.get(st.device());
            double m = 0.5 * (r[0] + r[1]), h = 0.5 * (r[1] - r[0]);
            return h > 0 ? clamp((st.before() - m) / h) : 0;
        };
        double[][] fu, fd, means = null;
        boolean boundsFitted = false;
        if (response == HardwareModel.Response.POWER) {
            // a power law approaches its bound without reaching it, so the extreme reads understate the range: the bound is
            // a parameter of each polarity's curve, step = C (U - G)^gamma up and C (G - L)^gamma down, in conductance
            double[][] bu = bounded(used, true, gMax + typical), bd = bounded(used, false, gMin - typical);
            double upper = bu[0][1], lower = bd[0][1];
            if (upper > lower && upper > gMax - 10 * typical && lower < gMin + 10 * typical) {
                notes.add(String.format(java.util.Locale.ROOT, "power: the bounds fitted as the curves' zeros, %.4g and %.4g µS (extreme reads %.4g and %.4g)",
                        lower, upper, gMin, gMax));
                gMin = Math.max(0, lower);
                gMax = upper;
                half = 0.5 * (gMax - gMin);
                mid = 0.5 * (gMin + gMax);
                final double m = mid, h = half;
                state = st -> clamp((st.before() - m) / h);
                boundsFitted = true;
            }
            // the amplitude at mid-range and its standard error, from C and the exponent
            fu = new double[][] {{bu[0][0] * Math.pow(half, bu[0][2]), bu[0][2]}, {bu[1][0] * Math.pow(half, bu[0][2]), bu[1][2]}};
            fd = new double[][] {{bd[0][0] * Math.pow(half, bd[0][2]), bd[0][2]}, {bd[1][0] * Math.pow(half, bd[0][2]), bd[1][2]}};
        } else if (response == HardwareModel.Response.LOOKUP) {
            means = binnedMeans(used, state, gMin, gMax);
            double m0 = mid;
            double[][] tm = means;
            // the amplitudes at mid-range, each polarity's shape the table over it; their standard errors are the bins'
            fu = new double[][] {{HardwareModel.Device.StepTable.interpolate(tm[0], tm[1], m0), 0}, {Double.NaN, Double.NaN}};
            fd = new double[][] {{HardwareModel.Device.StepTable.interpolate(tm[0], tm[2], m0), 0}, {Double.NaN, Double.NaN}};
            if (!(fu[0][0] > 0) || !(fd[0][0] > 0)) throw new UserError("devices fit: the lookup table's mean step at mid-range is 0; nothing written");
        } else {
            double[][] up = polarity(used, true, state), down = polarity(used, false, state);
            fu = curve(up, response, true);
            fd = curve(down, response, false);
        }
        final java.util.function.ToDoubleFunction<PulseData.Step> stateOf = state;
        double au = fu[0][0], gu = fu[0][1], ad = fd[0][0], gd = fd[0][1];
        final double[][] table = means;
        final double fgu = gu, fgd = gd;
        final double tMid = mid, tHalf = half, tau = au, tad = ad;
        // the response's shape at state x: its formula, or the table over its value at mid-range
        Shape shapeOf = table == null ? (x, up) -> shape(response, up ? fgu : fgd, x, up)
                : (x, up) -> HardwareModel.Device.StepTable.interpolate(table[0], table[up ? 1 : 2], tMid + tHalf * x) / (up ? tau : tad);
        double s = 0.5 * (au + ad), b = (au - ad) / (au + ad);
        double seS = 0.5 * Math.hypot(fu[1][0], fd[1][0]);
        double sum = au + ad, seB = Math.hypot(2 * ad / (sum * sum) * fu[1][0], 2 * au / (sum * sum) * fd[1][0]);

        // per device: its own amplitudes with the shapes fixed, by least squares (sum size f / sum f^2, whose sampling variance
        // is sigma^2 / sum f^2: a plain mean of size / f weighs the pulses where the shape vanishes by 1 / f^2)
        Map<Integer, double[]> own = new LinkedHashMap<>(); // {sum up size f, sum up f^2, sum down size f, sum down f^2, n up, n down}
        for (PulseData.Step st : used) {
            double x = stateOf.applyAsDouble(st);
            double f = shapeOf.at(x, st.up());
            double[] o = own.computeIfAbsent(st.device(), k -> new double[6]);
            o[st.up() ? 0 : 2] += st.size() * f;
            o[st.up() ? 1 : 3] += f * f;
            o[st.up() ? 4 : 5]++;
        }
        double residual = 0;
        int residuals = 0;
        int points = table == null ? 0 : table[0].length;
        double[][] binResidual = new double[2][points];
        int[][] binCount = new int[2][points];
        for (PulseData.Step st : used) {
            double[] o = own.get(st.device());
            if (o[st.up() ? 1 : 3] == 0) continue;
            double x = stateOf.applyAsDouble(st);
            double amp = o[st.up() ? 0 : 2] / o[st.up() ? 1 : 3];
            double e = st.size() - amp * shapeOf.at(x, st.up());
            residual += e * e;
            residuals++;
            if (table != null) {
                int bin = bin(table[0], tMid + tHalf * x);
                binResidual[st.up() ? 0 : 1][bin] += e * e;
                binCount[st.up() ? 0 : 1][bin]++;
            }
        }
        double sigma = Math.sqrt(residual / Math.max(1, residuals - 2 * own.size()));
        Estimate stepDtod = Estimate.NONE, upDownDtod = Estimate.NONE, boundsDtod = Estimate.NONE;
        if (devices >= 3) {
            List<Double> si = new ArrayList<>(), bi = new ArrayList<>();
            double samplingS = 0, samplingB = 0;
            for (double[] o : own.values()) {
                if (o[4] < 5 || o[5] < 5 || o[1] == 0 || o[3] == 0) continue;
                double cu = o[0] / o[1], cd = o[2] / o[3], vu = sigma * sigma / o[1], vd = sigma * sigma / o[3], sum2 = (cu + cd) * (cu + cd);
                si.add(0.5 * (cu + cd));
                bi.add((cu - cd) / (cu + cd));
                // the spread the cycle-to-cycle noise alone gives a device's amplitudes (delta method for the asymmetry)
                samplingS += 0.25 * (vu + vd);
                samplingB += 4 * (cd * cd * vu + cu * cu * vd) / (sum2 * sum2);
            }
            if (si.size() >= 3) {
                double[] sv = si.stream().mapToDouble(Double::doubleValue).toArray(), bv = bi.stream().mapToDouble(Double::doubleValue).toArray();
                double meanS = Arrays.stream(sv).average().orElse(s), varS = variance(sv) - samplingS / sv.length;
                stepDtod = new Estimate(Math.sqrt(Math.max(0, varS)) / meanS, Math.sqrt(variance(sv) / (2.0 * sv.length)) / meanS);
                // the nominal step is the devices' mean: the pooled fit weighs each device by its pulses away from the bounds,
                // and a device with larger steps reaches its bounds sooner, so the pooled amplitude leans to the small-step devices
                s = meanS;
                seS = Math.sqrt(variance(sv) / sv.length);
                double varB = variance(bv) - samplingB / bv.length;
                upDownDtod = new Estimate(Math.sqrt(Math.max(0, varB)), Math.sqrt(variance(bv) / (2.0 * bv.length)));
                if (boundsFitted) {
                    notes.add("boundsDtod not identified: the bounds are the curves' zeros, which the ramps do not reach");
                } else {
                    double sq = 0;
                    for (double[] r : range.values()) {
                        sq += Math.pow((r[1] - mid) / half - 1, 2) + Math.pow((mid - r[0]) / half - 1, 2);
                    }
                    double d = Math.sqrt(sq / (2.0 * devices));
                    boundsDtod = new Estimate(d, d / Math.sqrt(4.0 * devices));
                    notes.add("boundsDtod from each device's extreme reads: it holds only if the ramps reach every device's bounds");
                }
            } else {
                notes.add("device-to-device spreads not identified: fewer than 3 devices with 5 pulses each way away from the bounds");
            }
        } else {
            notes.add("device-to-device spreads (stepDtod, upDownDtod, boundsDtod) not identified: " + devices + " device(s); they need 3 or more");
        }
        HardwareModel.Device.StepTable stepTable = null;
        if (table != null) {
            // the cycle-to-cycle spread per bin (residuals around each device's own scaled table); the mean steps hold the asymmetry
            double[][] spread = new double[2][points];
            for (int u = 0; u < 2; u++) {
                for (int k = 0; k < points; k++) spread[u][k] = binCount[u][k] > 1 ? Math.sqrt(binResidual[u][k] / (binCount[u][k] - 1)) : sigma;
            }
            stepTable = new HardwareModel.Device.StepTable(table[0], table[1], table[2], spread[0], spread[1]);
            notes.add(String.format(java.util.Locale.ROOT, "lookup: %d points over %.4g .. %.4g µS; the table holds the asymmetry (upDown written as 0, "
                    + "the fitted %.3g reported) and the cycle-to-cycle spread per point (writeNoise written as 0)", points, table[0][0], table[0][points - 1], b));
            gu = 0;
            gd = 0;
        }
        Estimate writeNoise = new Estimate(sigma / s, sigma / s / Math.sqrt(2.0 * Math.max(1, residuals)));
        Fit provisional = new Fit(response, gMin, gMax, new Estimate(s, seS), new Estimate(gu, fu[1][1]), new Estimate(gd, fd[1][1]),
                new Estimate(b, seB), writeNoise, stepDtod, upDownDtod, boundsDtod, devices, steps.size(), used.size(), 0, 0, notes, stepTable);
        double[] quality = quality(used, provisional);
        return new Fit(response, gMin, gMax, provisional.step(), provisional.gammaUp(), provisional.gammaDown(), provisional.upDown(), writeNoise,
                stepDtod, upDownDtod, boundsDtod, devices, steps.size(), used.size(), quality[0], quality[1], notes, stepTable);
    }

    /** A response's shape at state x, up or down. */
    private interface Shape {
        double at(double x, boolean up);
    }

    /** Points of a fitted lookup table: conductance bins over the device's range. */
    static final int TABLE_BINS = 20;
    /** The fewest pulses of each polarity a bin needs to be a point of the table (a mean of fewer is mostly noise). */
    static final int TABLE_MIN_PULSES = 10;

    /**
     * {conductance, mean step up, mean step down} over bins of the nominal conductance of each pulse's state: the
     * bins that hold enough pulses of either polarity, the other polarity's mean filled in by interpolation where one lacks them.
     */
    private static double[][] binnedMeans(List<PulseData.Step> used, java.util.function.ToDoubleFunction<PulseData.Step> state, double gMin, double gMax) {
        double mid = 0.5 * (gMin + gMax), half = 0.5 * (gMax - gMin), width = (gMax - gMin) / TABLE_BINS;
        double[][] sum = new double[2][TABLE_BINS];
        int[][] count = new int[2][TABLE_BINS];
        for (PulseData.Step st : used) {
            double g = mid + half * state.applyAsDouble(st);
            int k = PulseResponse.bin(g, gMin, gMax, TABLE_BINS);
            sum[st.up() ? 0 : 1][k] += st.size();
            count[st.up() ? 0 : 1][k]++;
        }
        List<Integer> kept = new ArrayList<>();
        for (int k = 0; k < TABLE_BINS; k++) if (count[0][k] >= TABLE_MIN_PULSES || count[1][k] >= TABLE_MIN_PULSES) kept.add(k);
        double[][] out = new double[3][kept.size()];
        for (int j = 0; j < kept.size(); j++) out[0][j] = gMin + (kept.get(j) + 0.5) * width;
        for (int u = 0; u < 2; u++) {
            List<double[]> seen = new ArrayList<>();
            for (int k : kept) if (count[u][k] >= TABLE_MIN_PULSES) seen.add(new double[] {gMin + (k + 0.5) * width, sum[u][k] / count[u][k]});
            if (seen.size() < 2) {
                throw new UserError("devices fit: lookup: " + seen.size() + " conductance bin(s) with " + TABLE_MIN_PULSES + " " + (u == 0 ? "up" : "down")
                        + " pulses away from the bounds; a table needs 2 or more; nothing written");
            }
            double[] c = seen.stream().mapToDouble(r -> r[0]).toArray(), m = seen.stream().mapToDouble(r -> r[1]).toArray();
            for (int j = 0; j < kept.size(); j++) out[1 + u][j] = Math.max(0, HardwareModel.Device.StepTable.interpolate(c, m, out[0][j]));
        }
        if (out[0].length < 2) throw new UserError("devices fit: lookup: fewer than 2 conductance bins hold pulses; nothing written");
        return out;
    }

    /** The table point nearest {@code g}. */
    private static int bin(double[] c, double g) {
        int best = 0;
        for (int k = 1; k < c.length; k++) if (Math.abs(c[k] - g) < Math.abs(c[best] - g)) best = k;
        return best;
    }

    /** {x, step size} of the pulses of one polarity. */
    private static double[][] polarity(List<PulseData.Step> used, boolean up, java.util.function.ToDoubleFunction<PulseData.Step> state) {
        List<double[]> rows = new ArrayList<>();
        for (PulseData.Step s : used) if (s.up() == up) rows.add(new double[] {state.applyAsDouble(s), s.size()});
        return rows.toArray(new double[0][]);
    }

    private static double clamp(double x) {
        return Math.max(-1, Math.min(1, x));
    }

    /**
     * {C, bound, gamma} and their standard errors: Levenberg-Marquardt on step = C (U - G)^gamma up
     * or C (G - L)^gamma down, G the conductance before the pulse, starting from the bound {@code start}.
     */
    private static double[][] bounded(List<PulseData.Step> used, boolean up, double start) {
        List<double[]> rows = new ArrayList<>();
        for (PulseData.Step s : used) if (s.up() == up) rows.add(new double[] {s.before(), s.size()});
        int n = rows.size();
        double[] target = new double[n];
        double mean = 0, meanDistance = 0;
        for (int k = 0; k < n; k++) {
            target[k] = rows.get(k)[1];
            mean += rows.get(k)[1] / n;
            meanDistance += Math.abs(start - rows.get(k)[0]) / n;
        }
        org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction model = point -> {
            double c = point.getEntry(0), bound = point.getEntry(1), g = point.getEntry(2);
            RealVector value = new ArrayRealVector(n);
            RealMatrix jacobian = new Array2DRowRealMatrix(n, 3);
            for (int k = 0; k < n; k++) {
                double d = up ? bound - rows.get(k)[0] : rows.get(k)[0] - bound;
                double base = Math.max(1e-12, d), f = Math.pow(base, g);
                value.setEntry(k, c * f);
                jacobian.setEntry(k, 0, f);
                jacobian.setEntry(k, 1, d > 1e-12 ? (up ? 1 : -1) * c * g * f / base : 0);
                jacobian.setEntry(k, 2, c * f * Math.log(base));
            }
            return new Pair<>(value, jacobian);
        };
        // a power law with its bound converges in tens of iterations where it fits; where it does not (a linear step),
        // hundreds of evaluations over every pulse only confirm that
        return leastSquares(model, new double[] {mean / meanDistance, start, 1}, target, 300,
                "the power fit of the " + (up ? "up" : "down") + " steps with its bound");
    }

    /** {amplitude, gamma} and their standard errors: Levenberg-Marquardt on step = A f(x; gamma). */
    private static double[][] curve(double[][] data, HardwareModel.Response response, boolean up) {
        int n = data.length;
        double[] target = new double[n];
        double mean = 0;
        for (int k = 0; k < n; k++) {
            target[k] = data[k][1];
            mean += data[k][1] / n;
        }
        org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction model = point -> {
            double a = point.getEntry(0), g = point.getEntry(1);
            RealVector value = new ArrayRealVector(n);
            RealMatrix jacobian = new Array2DRowRealMatrix(n, 2);
            for (int k = 0; k < n; k++) {
                double x = data[k][0];
                double f = shape(response, g, x, up);
                value.setEntry(k, a * f);
                jacobian.setEntry(k, 0, f);
                double df;
                if (response == HardwareModel.Response.POWER) {
                    double base = Math.max(1e-300, up ? 1 - x : 1 + x);
                    df = f * Math.log(base);
                } else {
                    df = up ? -x : x;
                }
                jacobian.setEntry(k, 1, a * df);
            }
            return new Pair<>(value, jacobian);
        };
        return leastSquares(model, new double[] {mean, response == HardwareModel.Response.POWER ? 1 : 0}, target, 10_000,
                "the " + response.jsonName + " fit of the " + (up ? "up" : "down") + " steps");
    }

    /**
     * Levenberg-Marquardt from {@code start}, at most {@code maxEvaluations} evaluations: {parameters,
     * standard errors} (the covariance times the residual variance; NaN when singular). A fit that
     * does not converge or diverges is a one-line error naming {@code what}.
     */
    private static double[][] leastSquares(org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction model, double[] start,
                                           double[] target, int maxEvaluations, String what) {
        LeastSquaresOptimizer.Optimum opt;
        try {
            opt = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder().start(start).model(model).target(target)
                    .maxEvaluations(maxEvaluations).maxIterations(maxEvaluations).build());
        } catch (org.apache.commons.math3.exception.MathIllegalStateException e) {
            throw new UserError("devices fit: " + what + " did not converge (" + e.getMessage() + "); nothing written");
        }
        double[] p = opt.getPoint().toArray();
        for (double v : p) if (!Double.isFinite(v)) throw new UserError("devices fit: " + what + " diverged; nothing written");
        int n = target.length, k = p.length;
        double[] se = new double[k];
        try {
            RealMatrix cov = opt.getCovariances(1e-14);
            double scale = opt.getRMS() * opt.getRMS() * n / Math.max(1, n - k);
            for (int i = 0; i < k; i++) se[i] = Math.sqrt(Math.max(0, cov.getEntry(i, i) * scale));
        } catch (org.apache.commons.math3.linear.SingularMatrixException e) {
            Arrays.fill(se, Double.NaN);
        }
        return new double[][] {p, se};
    }

    /** {RMS of binned mean steps minus the fitted curve, over s; R^2 of the fitted curve over the pulses used}. */
    private static double[] quality(List<PulseData.Step> used, Fit f) {
        double ss = 0, tot = 0, mean = 0;
        for (PulseData.Step s : used) mean += s.size() / used.size();
        for (PulseData.Step s : used) {
            double e = s.size() - f.meanStep(s.before(), s.up());
            ss += e * e;
            tot += (s.size() - mean) * (s.size() - mean);
        }
        int bins = 20;
        double[][] sum = new double[2][bins];
        int[][] count = new int[2][bins];
        for (PulseData.Step s : used) {
            int b = PulseResponse.bin(s.before(), f.gMin(), f.gMax(), bins);
            sum[s.up() ? 0 : 1][b] += s.size();
            count[s.up() ? 0 : 1][b]++;
        }
        double sq = 0;
        int n = 0;
        for (int u = 0; u < 2; u++) {
            for (int b = 0; b < bins; b++) {
                if (count[u][b] < 20) continue;
                double g = f.gMin() + (b + 0.5) * (f.gMax() - f.gMin()) / bins;
                double e = sum[u][b] / count[u][b] - f.meanStep(g, u == 0);
                sq += e * e;
                n++;
            }
        }
        return new double[] {n == 0 ? Double.NaN : Math.sqrt(sq / n) / f.step().value(), tot == 0 ? Double.NaN : 1 - ss / tot};
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : 0.5 * (c[c.length / 2 - 1] + c[c.length / 2]);
    }

    private static double variance(double[] v) {
        if (v.length < 2) return 0;
        double m = Arrays.stream(v).average().orElse(0), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return s / (v.length - 1);
    }

    /** What the model's ranges cannot hold of {@code f} and {@link #overrides} therefore writes otherwise, one line each. */
    public static List<String> clamped(Fit f) {
        List<String> out = new ArrayList<>();
        if (f.gammaUp().value() < 0) out.add(String.format(java.util.Locale.ROOT, "gammaUp %.3g < 0 (the up step grows towards the upper bound) is outside "
                + "the model's range [0, 1000]: written as 0; no parametric response here represents it", f.gammaUp().value()));
        if (f.gammaDown().value() < 0) out.add(String.format(java.util.Locale.ROOT, "gammaDown %.3g < 0 is outside the model's range [0, 1000]: written as 0",
                f.gammaDown().value()));
        if (Math.abs(f.upDown().value()) > 0.99) out.add("upDown beyond +-0.99: written as +-0.99");
        return out;
    }

    /** The fit as --set overrides of a model's device section (what a fitted model file states). */
    public static List<String> overrides(Fit f) {
        // gRef half the range: weights span +-2, as in every preset
        List<String> o = new ArrayList<>(List.of(
                "device.gMin=" + f.gMin(), "device.gMax=" + f.gMax(), "device.gRef=" + 0.5 * (f.gMax() - f.gMin()), "device.levels=" + f.levels(),
                "device.response=" + f.response().jsonName,
                "device.gammaUp=" + Math.max(0, f.gammaUp().value()), "device.gammaDown=" + Math.max(0, f.gammaDown().value()),
                "device.upDown=" + Math.max(-0.99, Math.min(0.99, f.upDown().value())), "device.writeNoise=" + f.writeNoise().value()));
        if (f.table() != null) {
            o.set(o.indexOf("device.upDown=" + Math.max(-0.99, Math.min(0.99, f.upDown().value()))), "device.upDown=0");
            o.set(o.size() - 1, "device.writeNoise=0");
            o.add("device.lookup=" + epsim.model.ModelField.tableJson(f.table()));
        }
        o.add("device.stepDtod=" + (Double.isNaN(f.stepDtod().value()) ? 0 : f.stepDtod().value()));
        o.add("device.upDownDtod=" + (Double.isNaN(f.upDownDtod().value()) ? 0 : f.upDownDtod().value()));
        o.add("device.boundsDtod=" + (Double.isNaN(f.boundsDtod().value()) ? 0 : f.boundsDtod().value()));
        return o;
    }
}
