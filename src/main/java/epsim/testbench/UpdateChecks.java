package epsim.testbench;

import epsim.chip.AnalogChip;
import epsim.chip.PersistedChip;
import epsim.common.UserError;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;

import java.util.ArrayList;
import java.util.List;

/**
 * The array's own outer-product update (docs/update.md) against its statistics: over many
 * independent trials from the same devices, the mean change of every weight and bias equals the
 * requested scale d_i x_j, and its variance equals the closed form of a binomial coincidence
 * count, for each bit length, with and without update management.
 */
final class UpdateChecks {
    private UpdateChecks() {}

    static List<Row> outerProductStatistics(Testbench tb) {
        int[] bitLengths = CheckSupport.intArray(tb, "bitLengths", 1, 1_000_000);
        long trials = tb.fields().integer(tb.params(), "trials", "params.trials", 100, 10_000_000);
        double coincidences = tb.fields().number(tb.params(), "coincidences", "params.coincidences", 0, false);
        Topology t = tb.net();
        if (t.weightLayers() != 1) throw new UserError(tb.file() + ": net: the outer-product check updates one crossbar: give two layers, e.g. 4-3");
        List<Row> rows = new ArrayList<>();
        for (boolean management : new boolean[] {false, true}) {
            for (int bl : bitLengths) {
                HardwareModel m = CheckSupport.model(tb, List.of("update.mode=outerProduct", "update.bitLength=" + bl,
                        "update.management=" + management, "update.blManagement=false", "update.pulseType=stochastic"));
                HardwareModel.Device dev = m.device();
                if (dev.writeNoise() != 0 || !dev.response().constant(true) || !dev.response().constant(false) || dev.upDown() != 0
                        || dev.upDownDtod() != 0 || dev.stepDtod() != 0) {
                    throw new UserError(tb.file() + ": model: the outer-product check's closed forms need constant-step devices"
                            + " (linearStep, no write noise, gamma, asymmetry or step spread)");
                }
                rows.addAll(statistics(tb, m, bl, management, trials, coincidences));
            }
        }
        return rows;
    }

    private static List<Row> statistics(Testbench tb, HardwareModel m, int bl, boolean management, long trials, double coincidences) {
        Topology t = tb.net();
        int nOut = t.size(1), nIn = t.size(0), cells = nOut * (nIn + 1);
        double dwMin = 2 * m.device().step() / m.device().gRef();
        // d of both signs up to 0.5, x in (0, 1]: unequal largest values, so that management changes the trains; the
        // largest |d x| (0.5, at the bias column) gets `coincidences` expected pulses
        double[] d = new double[nOut], x = new double[nIn];
        double dMax = 0.5;
        for (int i = 0; i < nOut; i++) d[i] = (i % 2 == 0 ? 1 : -1) * dMax * (nOut - i) / nOut;
        for (int j = 0; j < nIn; j++) x[j] = (j + 1) / (double) nIn;
        double lr = coincidences * dwMin / dMax, scale = -lr;
        // the largest row and column probabilities (docs/update.md): the closed forms hold only if neither is clipped at 1
        double a = Math.sqrt(lr / (dwMin * bl));
        double pMax = management ? Math.sqrt(coincidences / bl) : a * dMax, qMax = management ? pMax : a;
        if (pMax > 1 || qMax > 1) {
            throw new UserError(tb.file() + ": params.coincidences: " + coincidences + " makes a train's probability " + Math.max(pMax, qMax)
                    + " at bit length " + bl + (management ? "" : " without management") + "; the closed forms hold for unclipped trains");
        }
        double[][] moments = changeMoments(AnalogChip.fabricate(m, t, tb.seed()), d, x, scale, trials);
        double[] sum = moments[0], squares = moments[1];
        double worstMean = 0, worstVariance = 0, relativeMean = 0;
        for (int i = 0; i < nOut; i++) {
            for (int j = 0; j <= nIn; j++) {
                int c = i * (nIn + 1) + j;
                double xj = j == nIn ? 1 : x[j];
                double requested = scale * d[i] * xj;
                double q = Math.abs(requested) / (dwMin * bl); // coincidence probability of a slot: p_i q_j = A B |d_i x_j|
                double variance = dwMin * dwMin * bl * q * (1 - q);
                double mu4 = Math.pow(dwMin, 4) * bl * q * (1 - q) * (1 + 3 * (bl - 2) * q * (1 - q)); // binomial 4th central moment
                double mean = sum[c] / trials;
                double sampleVariance = (squares[c] - trials * mean * mean) / (trials - 1);
                worstMean = Math.max(worstMean, Math.abs(mean - requested) / Math.sqrt(variance / trials));
                double seVariance = Math.sqrt((mu4 - variance * variance * (trials - 3) / (trials - 1)) / trials);
                worstVariance = Math.max(worstVariance, Math.abs(sampleVariance - variance) / seVariance);
                relativeMean = Math.max(relativeMean, Math.abs(mean - requested) / Math.abs(requested));
            }
        }
        String label = "bit length " + bl + (management ? ", update management" : ", no management") + ": ";
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(tb.name(), label + "mean change vs the requested scale d x, largest |z| over " + cells + " cells", worstMean,
                tb.bounds().get("meanZ")));
        rows.add(new Row(tb.name(), label + "variance vs dwMin^2 BL q (1 - q), largest |z|", worstVariance, tb.bounds().get("varianceZ")));
        rows.add(new Row(tb.name(), label + "mean change vs requested, largest relative error", relativeMean, Bound.REPORT));
        return rows;
    }

    /**
     * Over {@code trials} independent trials from the chip's devices as they are (every trial
     * restores them, the random streams go on, so each draws new trains), one term scale d x^T on
     * layer 0: the sums of every weight's and bias's change and of its square, cell i (nIn + 1) + j,
     * the bias column last. Whatever else the chip holds (Tiki-Taka's fast arrays and schedule) is
     * restored with its devices.
     */
    static double[][] changeMoments(AnalogChip chip, double[] d, double[] x, double scale, long trials) {
        int nOut = d.length, nIn = x.length, cells = nOut * (nIn + 1);
        PersistedChip start = chip.persist();
        LayerParams before = chip.readWeights();
        double[] sum = new double[cells], squares = new double[cells];
        for (long trial = 0; trial < trials; trial++) {
            PersistedChip now = chip.persist();
            chip.restore(new PersistedChip(start.devices(), now.noiseState(), now.writeState(), now.time(), start.transferSchedule()));
            chip.updateOuterProduct(0, d, x, 1, 1, scale);
            LayerParams after = chip.readWeights();
            for (int i = 0; i < nOut; i++) {
                for (int j = 0; j <= nIn; j++) {
                    double change = j == nIn ? after.b[0][i] - before.b[0][i] : after.w[0][i * nIn + j] - before.w[0][i * nIn + j];
                    int c = i * (nIn + 1) + j;
                    sum[c] += change;
                    squares[c] += change * change;
                }
            }
        }
        return new double[][] {sum, squares};
    }

    /**
     * Gradient fidelity of the update the array actually made: one training batch of the file's rule
     * on a fresh chip, in host mode and in outerProduct mode at each bit length; the change the
     * devices took (read back, divided by -lr) against the exact (implicit) gradient of the ideal
     * copy and against the update the rule requested.
     */
    static List<Row> outerProductFidelity(Testbench tb) {
        int[] bitLengths = CheckSupport.intArray(tb, "bitLengths", 1, 1_000_000);
        double lr = tb.fields().number(tb.params(), "learningRate", "params.learningRate", 0, false);
        int repeats = (int) tb.fields().integer(tb.params(), "repeats", "params.repeats", 2, 1000);
        Topology t = tb.net();
        double[] rates = new double[t.weightLayers()];
        java.util.Arrays.fill(rates, lr);
        epsim.rule.RuleSettings settings = tb.rule().with(epsim.rule.RuleSetting.LEARNING_RATES, rates);
        List<String> modes = new ArrayList<>();
        modes.add("host");
        for (int bl : bitLengths) modes.add(Integer.toString(bl));
        List<Row> rows = new ArrayList<>();
        for (String mode : modes) {
            List<String> extra = mode.equals("host") ? List.of("update.mode=host")
                    : List.of("update.mode=outerProduct", "update.bitLength=" + mode);
            HardwareModel m = CheckSupport.model(tb, extra);
            double[] toExact = new double[repeats], toRequested = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long seed = tb.seed() + r; // a chip, a batch and noise streams of their own for every repeat
                epsim.data.SyntheticBatch data = epsim.data.SyntheticBatch.draw(t, tb.batch(), seed);
                AnalogChip chip = AnalogChip.fabricate(m, t, seed);
                LayerParams before = chip.readWeights();
                double[] exact = epsim.reference.References.implicit(CheckSupport.idealCopy(chip), data.inputs(), data.targets(), tb.batch()).flatten();
                double[] requested = settings.create(seed).train(chip, data.inputs(), data.targets(), tb.batch()).gradient().flatten();
                double[] after = chip.readWeights().flatten(), start = before.flatten(), made = new double[after.length];
                for (int i = 0; i < made.length; i++) made[i] = -(after[i] - start[i]) / lr;
                toExact[r] = epsim.reference.Compare.cosine(made, exact);
                toRequested[r] = epsim.reference.Compare.cosine(made, requested);
            }
            String label = (mode.equals("host") ? "host update" : "outerProduct, bit length " + mode) + ", mean of " + repeats + " chips: ";
            rows.add(new Row(tb.name(), label + "the change the devices took vs the exact gradient, cosine", mean(toExact), Bound.REPORT));
            rows.add(new Row(tb.name(), label + "its standard error", standardError(toExact), Bound.REPORT));
            rows.add(new Row(tb.name(), label + "the change the devices took vs the requested update, cosine", mean(toRequested),
                    tb.bounds().get("requestedCosine")));
        }
        return rows;
    }

    private static double mean(double[] v) {
        return org.apache.commons.math3.stat.StatUtils.mean(v);
    }

    private static double standardError(double[] v) {
        return Math.sqrt(org.apache.commons.math3.stat.StatUtils.variance(v) / v.length);
    }
}
