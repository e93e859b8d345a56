package epsim.common;

import java.nio.charset.StandardCharsets;

/**
 * Deterministic random stream (xoshiro256**) whose whole state is four longs plus a cached
 * Gaussian, so it can be checkpointed and restored bit for bit. Independent streams for
 * fabrication, noise, data order, ... are derived from one seed and a stream name, so adding
 * a new consumer of randomness never shifts the numbers an existing one sees.
 */
public final class Rng {
    private long s0, s1, s2, s3;
    private boolean hasSpare;
    private double spare;

    private Rng(long seed) {
        long x = seed;
        s0 = splitMix(x += 0x9E3779B97F4A7C15L);
        s1 = splitMix(x += 0x9E3779B97F4A7C15L);
        s2 = splitMix(x += 0x9E3779B97F4A7C15L);
        s3 = splitMix(x + 0x9E3779B97F4A7C15L);
    }

    /** The stream called {@code name} of the experiment with this seed. */
    public static Rng stream(long seed, String name) {
        long h = 0xCBF29CE484222325L; // FNV-1a, stable across JVMs unlike String.hashCode mixing
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001B3L;
        }
        return new Rng(splitMix(seed) ^ h);
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive");
        return (int) ((nextLong() >>> 33) * bound >>> 31);
    }

    /** Standard normal (Marsaglia polar method). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u, v, s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        spare = v * m;
        hasSpare = true;
        return u * m;
    }

    /** The full state, for checkpoints. */
    public long[] state() {
        return new long[] {s0, s1, s2, s3, hasSpare ? 1 : 0, Double.doubleToRawLongBits(spare)};
    }

    public void restore(long[] state) {
        if (state.length != 6) throw new IllegalArgumentException("RNG state must have 6 words");
        s0 = state[0]; s1 = state[1]; s2 = state[2]; s3 = state[3];
        hasSpare = state[4] != 0;
        spare = Double.longBitsToDouble(state[5]);
    }
}
