package epsim.common;

/**
 * The time limit of the request the current thread works on (a chip server's --request-seconds):
 * every loop whose length a request controls (relaxation steps, programming pulses, pulse-train
 * slots) calls {@link #check} now and then, and the request ends with a one-line error once past
 * its limit, so that no op can hold a server. Without a limit (a training run, a test) a check
 * costs one thread-local read.
 */
public final class WorkLimit {
    private static final ThreadLocal<long[]> DEADLINE = ThreadLocal.withInitial(() -> new long[] {Long.MAX_VALUE});

    private WorkLimit() {}

    /** From now on, this thread's work ends at {@code nanoTime} (System.nanoTime's clock). */
    public static void until(long nanoTime) {
        DEADLINE.get()[0] = nanoTime;
    }

    /** No limit for this thread's work. */
    public static void clear() {
        DEADLINE.get()[0] = Long.MAX_VALUE;
    }

    /** Whether this thread's request is past its time limit. */
    public static boolean past() {
        long deadline = DEADLINE.get()[0];
        return deadline != Long.MAX_VALUE && System.nanoTime() - deadline > 0;
    }

    /** Throws a one-line error naming {@code what} when this thread's request is past its time limit. */
    public static void check(String what) {
        if (past()) throw new UserError(what + ": stopped past the time limit of one request (the chip keeps what was done until then)");
    }
}
