package epsim.common;

import epsim.common.Rng;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ziggurat Gaussian against the normal distribution, and the stream's checkpoint. */
class RngTest {
    static final int N = 1_000_000;

    @Test
    void gaussianIsStandardNormal() {
        Rng r = Rng.stream(7, "gauss");
        double[] x = new double[N];
        double sum = 0, sq = 0, fourth = 0;
        for (int i = 0; i < N; i++) {
            x[i] = r.nextGaussian();
            sum += x[i];
            sq += x[i] * x[i];
            fourth += x[i] * x[i] * x[i] * x[i];
        }
        double mean = sum / N, var = sq / N - mean * mean;
        // standard errors at N = 1e6: mean 1e-3, variance sqrt(2/N) = 1.4e-3, 4th moment sqrt(96/N) = 1e-2; bounds are 5 SE
        assertEquals(0, mean, 5e-3);
        assertEquals(1, var, 7e-3);
        assertEquals(3, fourth / N, 5e-2);
        // the whole shape, wedges included: a KS test at 1e6 samples sees CDF errors of ~1e-3
        double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new NormalDistribution(null, 0, 1), x);
        assertTrue(p > 1e-3, "KS p-value " + p);
    }

    /** The tail beyond R = 3.44 is sampled by its own rejection loop: its mass must be right. */
    @Test
    void gaussianTailHasTheNormalMass() {
        Rng r = Rng.stream(8, "tail");
        int n = 4_000_000, beyond35 = 0, beyond45 = 0;
        for (int i = 0; i < n; i++) {
            double z = Math.abs(r.nextGaussian());
            if (z > 3.5) beyond35++;
            if (z > 4.5) beyond45++;
        }
        double p35 = 2 * new NormalDistribution(null, 0, 1).cumulativeProbability(-3.5); // 4.65e-4
        double p45 = 2 * new NormalDistribution(null, 0, 1).cumulativeProbability(-4.5); // 6.8e-6
        // Poisson counts: expected 1861 (SE 43) and 27 (SE 5.2); bounds 5 SE
        assertEquals(p35 * n, beyond35, 5 * Math.sqrt(p35 * n));
        assertEquals(p45 * n, beyond45, 5 * Math.sqrt(p45 * n) + 1);
    }

    @Test
    void stateRestoresTheStream() {
        Rng r = Rng.stream(9, "s");
        for (int i = 0; i < 10; i++) r.nextGaussian();
        long[] saved = r.state();
        double[] a = new double[100], b = new double[100];
        for (int i = 0; i < 100; i++) a[i] = r.nextGaussian();
        r.restore(saved);
        for (int i = 0; i < 100; i++) b[i] = r.nextGaussian();
        assertArrayEquals(a, b, 0.0);
    }

    /**
     * The words come 256 at a time but are the sequence of xoshiro256** one word per call (written
     * out here from its definition, from the stream's first state), and state() anywhere inside a
     * block is the state a one-word-per-call generator would have there.
     */
    @Test
    void blocksHandOutTheOneWordAtATimeSequence() {
        Rng r = Rng.stream(11, "blocks");
        long[] s = r.state();
        for (int i = 0; i < 1000; i++) {
            if (i % 97 == 0) assertArrayEquals(s, r.state(), "state after " + i + " words");
            long expected = Long.rotateLeft(s[1] * 5, 7) * 9;
            long t = s[1] << 17;
            s[2] ^= s[0];
            s[3] ^= s[1];
            s[1] ^= s[2];
            s[0] ^= s[3];
            s[2] ^= t;
            s[3] = Long.rotateLeft(s[3], 45);
            assertEquals(expected, r.nextLong(), "word " + i);
        }
        // a restored stream continues from the restored state, mid-block or not
        long[] at = r.state();
        long next = r.nextLong();
        r.nextLong();
        r.restore(at);
        assertEquals(next, r.nextLong());
    }

    /** Fetching n Gaussians into an array draws what n calls draw, across block ends and mixed with uniforms. */
    @Test
    void gaussiansIntoAnArrayAreTheDrawsOneByOne() {
        Rng a = Rng.stream(5, "mixed"), b = Rng.stream(5, "mixed");
        double[] bulk = new double[700];
        for (int round = 0; round < 5; round++) {
            assertEquals(a.nextDouble(), b.nextDouble());
            a.nextGaussians(bulk, 3, 3 + 600 + round);
            for (int j = 3; j < 3 + 600 + round; j++) assertEquals(Double.doubleToRawLongBits(b.nextGaussian()), Double.doubleToRawLongBits(bulk[j]), "draw " + j);
        }
        assertArrayEquals(a.state(), b.state());
    }
}
