package epsim.common;

import java.nio.charset.StandardCharsets;

/**
 * Deterministic random stream (xoshiro256**) whose whole state is four longs, so it can be
 * checkpointed and restored bit for bit. Independent streams for
 * fabrication, noise, data order, ... are derived from one seed and a stream name, so adding
 * a new consumer of randomness never shifts the numbers an existing one sees.
 */
public final class Rng {
    /** The generator's state after the words already in {@link #block}. */
    private final long[] state = new long[4];

    // Words are generated BLOCK at a time in a tight loop and handed out in order, so a stream is
    // the same sequence as one word per call (the bits do not change) at a fraction of the cost
    // inside the loops that draw noise per neuron or device: there a draw's xoshiro and ziggurat
    // steps, interleaved with the loop's own data-dependent branches, cost ~14 ns (docs/performance.md).
    private static final int BLOCK = 256;
    private final long[] block = new long[BLOCK];
    /** Per word of the block: its normal deviate when the ziggurat's rectangle accepts it, else NaN; computed once the stream has drawn a Gaussian. */
    private double[] rectangle;
    private boolean rectangleReady;
    private int pos, filled;
    /** The state before the block's first word, to give {@link #state} at any position in it. */
    private final long[] blockStart = new long[4];

    // Ziggurat tables (Marsaglia & Tsang 2000, 128 layers of equal area V under exp(-x^2/2)):
    // ZX[0] = V / f(R) is the base strip's width (rectangle plus tail), ZX[1] = R, and
    // ZX[i+1] = f^-1(f(ZX[i]) + V / ZX[i]) down to ZX[128] = 0; ZF[i] = f(ZX[i]).
    private static final double ZR = 3.442619855899;
    private static final double ZV = 9.91256303526217e-3;
    private static final double[] ZX = new double[129];
    private static final double[] ZF = new double[129];

    static {
        ZX[0] = ZV / Math.exp(-0.5 * ZR * ZR);
        ZX[1] = ZR;
        for (int i = 1; i < 127; i++) ZX[i + 1] = Math.sqrt(-2 * Math.log(ZV / ZX[i] + Math.exp(-0.5 * ZX[i] * ZX[i])));
        ZX[128] = 0;
        for (int i = 0; i <= 128; i++) ZF[i] = Math.exp(-0.5 * ZX[i] * ZX[i]);
    }

    private Rng(long seed) {
        long x = seed;
        state[0] = splitMix(x += 0x9E3779B97F4A7C15L);
        state[1] = splitMix(x += 0x9E3779B97F4A7C15L);
        state[2] = splitMix(x += 0x9E3779B97F4A7C15L);
        state[3] = splitMix(x + 0x9E3779B97F4A7C15L);
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
        if (pos == filled) refill();
        return block[pos++];
    }

    /** Advances xoshiro256** state {@code st} by {@code count} words, writing them into {@code out} unless it is null. */
    private static void advance(long[] st, long[] out, int count) {
        long a = st[0], b = st[1], c = st[2], d = st[3];
        for (int k = 0; k < count; k++) {
            if (out != null) out[k] = Long.rotateLeft(b * 5, 7) * 9;
            long t = b << 17;
            c ^= a;
            d ^= b;
            b ^= c;
            a ^= d;
            c ^= t;
            d = Long.rotateLeft(d, 45);
        }
        st[0] = a; st[1] = b; st[2] = c; st[3] = d;
    }

    /** The next BLOCK words of xoshiro256** (and, for a stream that draws Gaussians, the rectangle test of each). */
    private void refill() {
        System.arraycopy(state, 0, blockStart, 0, 4);
        long[] words = block;
        advance(state, words, BLOCK);
        pos = 0;
        filled = BLOCK;
        rectangleReady = rectangle != null;
        if (rectangleReady) {
            double[] r = rectangle;
            for (int k = 0; k < BLOCK; k++) r[k] = rectangleDeviate(words[k]);
        }
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

    /** A uniformly random order of 0..n-1 (Fisher-Yates, from the last position down). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * Standard normal by the ziggurat method (Marsaglia & Tsang 2000): one 64-bit draw gives the
     * layer (7 bits), the sign (1 bit) and the abscissa (53 bits), so no bits are shared between
     * them; 98.8% of draws return from the first comparison. The wedges and the tail (|z| > R)
     * are sampled exactly by rejection, so the result is exactly normal up to double rounding.
     */
    public double nextGaussian() {
        int k = pos;
        if (k == filled || !rectangleReady) return gaussianFromNextWord();
        pos = k + 1;
        double z = rectangle[k];
        return z == z ? z : gaussianBeyondRectangle(block[k]); // NaN: outside the rectangle
    }

    /**
     * {@code out[from..to)} = the next {@code to - from} {@link #nextGaussian} draws, in order: for
     * loops that draw one per element, which then read an array instead of inlining the draw.
     */
    public void nextGaussians(double[] out, int from, int to) {
        for (int j = from; j < to; j++) {
            int k = pos;
            double z;
            if (k < filled && rectangleReady && (z = rectangle[k]) == z) {
                pos = k + 1;
                out[j] = z;
            } else {
                out[j] = nextGaussian();
            }
        }
    }

    /** {@link #nextGaussian} where the block is used up or has no rectangle tests yet (the stream's first Gaussians). */
    private double gaussianFromNextWord() {
        if (rectangle == null) rectangle = new double[BLOCK]; // from the next block on
        long bits = nextLong();
        double z = rectangleDeviate(bits);
        return z == z ? z : gaussianBeyondRectangle(bits);
    }

    /**
     * The ziggurat's common case for a draw {@code bits}: the layer (7 bits), the sign (bit 7) and
     * the abscissa (53 bits); the signed normal deviate when the abscissa falls in its layer's
     * rectangle, else NaN. The sign is set on the bit, not by a branch: a coin-flip branch
     * mispredicts half the time.
     */
    private static double rectangleDeviate(long bits) {
        int i = (int) (bits & 0x7F);
        double z = ((bits >>> 11) * 0x1.0p-53) * ZX[i];
        return z < ZX[i + 1] ? Double.longBitsToDouble(Double.doubleToRawLongBits(z) ^ ((bits & 0x80) << 56)) : Double.NaN;
    }

    /**
     * The rest of {@link #nextGaussian} for a draw {@code bits} outside its layer's rectangle (1.2%
     * of draws): the wedge or tail test, and new draws until one is accepted. Kept apart so that
     * the common path is small enough for the JIT to inline into the loops that draw noise.
     */
    private double gaussianBeyondRectangle(long bits) {
        while (true) {
            int i = (int) (bits & 0x7F);
            double sign = (bits & 0x80) == 0 ? 1 : -1;
            double z = ((bits >>> 11) * 0x1.0p-53) * ZX[i];
            if (z < ZX[i + 1]) return sign * z;
            if (i == 0) {
                double a, b;
                do {
                    a = -Math.log(1 - nextDouble()) / ZR;
                    b = -Math.log(1 - nextDouble());
                } while (b + b < a * a);
                return sign * (ZR + a);
            }
            if (ZF[i] + nextDouble() * (ZF[i + 1] - ZF[i]) < Math.exp(-0.5 * z * z)) return sign * z;
            bits = nextLong();
        }
    }

    /** The full state, for checkpoints. */
    public long[] state() {
        if (pos == filled) return state.clone();
        long[] at = blockStart.clone();
        advance(at, null, pos);
        return at;
    }

    public void restore(long[] state) {
        if (state.length != 4) throw new IllegalArgumentException("RNG state must have 4 words");
        // xoshiro's one state it never reaches and never leaves: all zero, which would draw 0 forever
        if (state[0] == 0 && state[1] == 0 && state[2] == 0 && state[3] == 0) throw new UserError("random state: all four words are 0, which no stream reaches");
        System.arraycopy(state, 0, this.state, 0, 4);
        pos = filled = 0;
    }
}
