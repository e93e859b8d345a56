package epsim.rule;

/**
 * The controller's digital work: the multiply-accumulates a rule's host did to form an update
 * (EP's outer products, backprop's backward pass, GAIT-prop's inverses...), counted where the
 * rule does them. One MAC is one multiply and one add; a lone multiply, add or comparison on an
 * element counts as one too, so the figure is an upper bound on the arithmetic (docs/cost.md).
 * This is the work analog learning is meant to remove, so it is counted beside the chip's events.
 */
public final class HostWork {
    private long macs;

    public void add(long count) {
        macs += count;
    }

    /** Multiply-accumulates counted since this rule was built. */
    public long macs() {
        return macs;
    }
}
