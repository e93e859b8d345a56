package epsim.experiment;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paired statistics against values worked out by hand from their definitions and printed
 * tables (t quantiles to 4 digits, hence the 1e-3 tolerances; the exact tests' p are ratios of
 * small integers, compared to 1e-12).
 */
class PairedDifferenceTest {
    @Test
    void meanIntervalAndTestsOfFourSeeds() {
        // differences 1, 2, 3, 4: mean 2.5, sd sqrt(5/3) = 1.29099; t(0.975, 3) = 3.182 (tables) -> half-width 2.0543
        PairedDifference d = PairedDifference.of(new double[] {0, 0, 0, 0}, new double[] {1, 2, 3, 4});
        assertEquals(4, d.seeds());
        assertEquals(2.5, d.mean(), 1e-12);
        assertEquals(Math.sqrt(5.0 / 3), d.sd(), 1e-12);
        assertEquals(2.5 - 2.0543, d.low(), 1e-3);
        assertEquals(2.5 + 2.0543, d.high(), 1e-3);
        assertTrue(d.resolved());
        assertEquals(0.125, d.signP(), 1e-12, "4 of 4 positive: 2 x 2^-4");
        assertTrue(Double.isNaN(d.wilcoxonP()), "no Wilcoxon below 6 seeds");
    }

    @Test
    void sixSeedsAllBetterReachTheExactTails() {
        PairedDifference d = PairedDifference.of(new double[] {0.90, 0.91, 0.89, 0.92, 0.90, 0.91}, new double[] {0.91, 0.93, 0.92, 0.96, 0.95, 0.97});
        assertEquals(2.0 / 64, d.signP(), 1e-12, "6 of 6 positive");
        assertEquals(2.0 / 64, d.wilcoxonP(), 1e-12, "all ranks on one side: 2 of 2^6 sign patterns are as extreme");
        assertTrue(d.resolved());
    }

    @Test
    void seedsNeededFollowsTheTQuantile() {
        // sd = mean: t(0.975, n-1) / sqrt(n) < 1 first at n = 7 (2.447 / 2.646 = 0.925; n = 6: 2.571 / 2.449 = 1.050)
        assertEquals(7, PairedDifference.seedsNeeded(1, 1));
        assertEquals(2, PairedDifference.seedsNeeded(0.3, 0), "no spread: two seeds settle it");
        assertEquals(-1, PairedDifference.seedsNeeded(0, 1), "nothing to resolve");
        // two seeds with differences +1 and -0.5 do not resolve a mean of +0.25 with sd 1.06: t/sqrt(n) < 0.236 needs ~72 seeds
        PairedDifference d = PairedDifference.of(new double[] {0, 0}, new double[] {1, -0.5});
        assertFalse(d.resolved());
        int n = d.seedsNeeded();
        assertTrue(n > 60 && n < 90, "seeds needed " + n);
        assertTrue(PairedDifference.tQuantile(n) * d.sd() / Math.sqrt(n) < Math.abs(d.mean()));
        assertTrue(PairedDifference.tQuantile(n - 1) * d.sd() / Math.sqrt(n - 1) >= Math.abs(d.mean()), "the smallest such n");
        assertTrue(d.verdict().contains("about " + n + " seeds"), d.verdict());
    }

    @Test
    void tiesAndBadInput() {
        PairedDifference same = PairedDifference.of(new double[] {0.5, 0.6, 0.7}, new double[] {0.5, 0.6, 0.7});
        assertEquals(0, same.mean());
        assertEquals(1, same.signP());
        assertFalse(same.resolved());
        assertTrue(same.verdict().contains("no difference"), same.verdict());
        assertThrows(IllegalArgumentException.class, () -> PairedDifference.of(new double[] {1}, new double[] {2}));
        assertThrows(IllegalArgumentException.class, () -> PairedDifference.of(new double[] {1, 2}, new double[] {2}));
        assertThrows(IllegalArgumentException.class, () -> PairedDifference.of(new double[] {1, Double.NaN}, new double[] {2, 3}));
    }
}
