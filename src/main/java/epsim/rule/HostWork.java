package epsim.rule;

/**
 * The controller's digital work: the multiply-accumulates a rule's host did to form an update
 * (EP's outer products, backprop's backward pass, GAIT-prop's inverses...), counted where the
 * rule does them. One MAC is one multiply and one add; a lone multiply, add or comparison on an
 * element counts as one too, so the figure is an upper bound on the arithmetic (docs/cost.md).
 * This is the work analog learning is meant to remove, so it is counted beside the chip's events.
 */
public final class HostWork {
    private long macs, outerProducts;

    public void add(long count) {
        macs += count;
    }

    /** The products of a gradient's rank-one terms with their accumulation (an array that updates itself takes them over). */
    public void addOuterProducts(long count) {
        outerProducts += count;
    }

    /** Multiply-accumulates counted since this rule was built. */
    public long macs() {
        return macs + outerProducts;
    }

    long outerProductMacs() {
        return outerProducts;
    }

    /**
     * Takes back outer products the simulator formed only to report the estimate: on a chip that
     * updates itself the controller hands the array the terms instead (docs/update.md).
     */
    void forgetOuterProducts(long count) {
        outerProducts -= count;
    }
}
