package epsim.chip;

import epsim.common.UserError;

/**
 * The nudging current -beta dC/du injected at the outputs towards a target: the second phase of
 * EP. {@code beta = 0} is the free phase.
 */
public final class Nudge {
    private double[] target;
    private double beta;

    /** Validates and holds {@code target} (batch x outputs) and {@code beta}; beta 0 clears the target. */
    public void set(double[] targetValues, double betaValue, int batch, int outputs) {
        if (!Double.isFinite(betaValue)) throw new UserError("nudge: beta must be a finite number");
        if (betaValue == 0) {
            clear();
            return;
        }
        if (targetValues == null || targetValues.length != batch * outputs) {
            throw new UserError("nudge: expected a target of " + batch + " x " + outputs + " values");
        }
        for (double v : targetValues) if (!Double.isFinite(v)) throw new UserError("nudge: target values must be finite");
        target = targetValues.clone();
        beta = betaValue;
    }

    public void clear() {
        beta = 0;
        target = null;
    }

    public double beta() {
        return beta;
    }

    /** The target, or null in the free phase. */
    public double[] target() {
        return target;
    }
}
