package epsim.common;

import java.util.Locale;

/**
 * Checks, before allocating, that data whose size a user controls (a network, a dataset, a
 * reference's matrix) fits the memory this JVM may use: a one-line error with the estimate and
 * the limit instead of an OutOfMemoryError.
 */
public final class MemoryBudget {
    /** The share of the heap one such structure may take; the rest is for everything else. */
    static final double SHARE = 0.7;

    private MemoryBudget() {}

    /** Refuses {@code what} if it needs more than the budget; {@code bytes} is its estimate. */
    public static void require(double bytes, String what) {
        long limit = (long) (Runtime.getRuntime().maxMemory() * SHARE);
        if (bytes > limit) {
            throw new UserError(what + ": needs about " + gigabytes(bytes) + " of memory, more than the " + gigabytes(limit)
                    + " epsim may use here (give Java more with EPSIM_JAVA_OPTS=-Xmx<size>, or make it smaller)");
        }
    }

    private static String gigabytes(double bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }
}
