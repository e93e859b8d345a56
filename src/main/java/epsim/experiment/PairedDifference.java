package epsim.experiment;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;

import java.util.Locale;

/**
 * Two designs measured on the same seeds, compared seed by seed: the differences d_i = b_i - a_i
 * cancel what a seed does to both (its initial weights, its data order, its chip), so their spread
 * is the designs' own. Reports the mean difference with its two-sided 95% t interval, the exact
 * two-sided sign test and, from 6 seeds on, the exact Wilcoxon signed-rank test (with 5 or fewer
 * no two-sided p of either test can reach 0.05: 2/32 at best), whether the seeds run resolve the difference (the
 * interval excludes 0), and how many seeds would resolve it if the per-seed spread stays what it is.
 */
public record PairedDifference(int seeds, double mean, double sd, double low, double high, double signP, double wilcoxonP, int seedsNeeded) {
    /** The most seeds {@link #seedsNeeded} looks for; beyond it a difference is reported as unresolvable in practice. */
    public static final int MAX_SEEDS = 10_000;

    /** The comparison of {@code b} against {@code a}, element i of each measured on the same seed; at least two pairs. */
    public static PairedDifference of(double[] a, double[] b) {
        if (a.length != b.length || a.length < 2) throw new IllegalArgumentException("paired comparison: need two arrays of the same length >= 2");
        int n = a.length;
        double[] d = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            d[i] = b[i] - a[i];
            if (!Double.isFinite(d[i])) throw new IllegalArgumentException("paired comparison: a value is not a finite number");
            sum += d[i];
        }
        double mean = sum / n, squares = 0;
        for (double x : d) squares += (x - mean) * (x - mean);
        double sd = Math.sqrt(squares / (n - 1));
        double half = tQuantile(n) * sd / Math.sqrt(n);
        return new PairedDifference(n, mean, sd, mean - half, mean + half, signTest(d), n >= 6 ? wilcoxon(a, b) : Double.NaN, seedsNeeded(mean, sd));
    }

    /** Whether the 95% interval excludes 0: the seeds run decide which design is better. */
    public boolean resolved() {
        return low > 0 || high < 0;
    }

    /** t_{0.975, n-1}: the half-width factor of a two-sided 95% interval from n pairs. */
    static double tQuantile(int n) {
        return new TDistribution(null, n - 1).inverseCumulativeProbability(0.975);
    }

    /**
     * The smallest number of seeds n >= 2 whose 95% interval t_{0.975,n-1} sd / sqrt(n) would be
     * narrower than |mean|, taking the measured sd as the true one; 0 when the differences are all
     * equal and non-zero (any two seeds resolve it), -1 when the mean is 0 or more than
     * {@link #MAX_SEEDS} would be needed.
     */
    static int seedsNeeded(double mean, double sd) {
        if (mean == 0) return -1;
        if (sd == 0) return 2;
        for (int n = 2; n <= MAX_SEEDS; n = n < 1000 ? n + 1 : n + n / 10) {
            if (tQuantile(n) * sd / Math.sqrt(n) < Math.abs(mean)) return n;
        }
        return -1;
    }

    /** Exact two-sided sign test on the non-zero differences (ties dropped); 1 when all are ties. */
    static double signTest(double[] d) {
        int positive = 0, nonZero = 0;
        for (double x : d) {
            if (x != 0) nonZero++;
            if (x > 0) positive++;
        }
        if (nonZero == 0) return 1;
        BinomialDistribution b = new BinomialDistribution(null, nonZero, 0.5);
        int k = Math.min(positive, nonZero - positive);
        return Math.min(1, 2 * b.cumulativeProbability(k));
    }

    /** Exact two-sided Wilcoxon signed-rank p (commons-math3; exact up to 30 pairs, a normal approximation beyond). */
    static double wilcoxon(double[] a, double[] b) {
        boolean allEqual = true;
        for (int i = 0; i < a.length; i++) allEqual &= a[i] == b[i];
        if (allEqual) return 1;
        return new WilcoxonSignedRankTest().wilcoxonSignedRankTest(a, b, a.length <= 30);
    }

    /** "+1.23 points [+0.45, +2.01]" style summary of a difference of accuracies (fractions), in percentage points. */
    public String describePoints() {
        return String.format(Locale.ROOT, "%+.2f points [%+.2f, %+.2f]", 100 * mean, 100 * low, 100 * high);
    }

    /** What the seeds say: resolved, or how many seeds would resolve it. */
    public String verdict() {
        if (resolved()) return "resolved by these " + seeds + " seeds";
        if (seedsNeeded < 0) return "not resolved; " + (mean == 0 ? "no difference to resolve" : "more than " + MAX_SEEDS + " seeds would be needed");
        return "not resolved; about " + seedsNeeded + " seeds would resolve it at this spread";
    }
}
