package epsim.device;

import epsim.common.Rng;
import epsim.model.HardwareModel;

/**
 * A block of synapses, each a differential pair of devices: W = (G+ - G-) / gRef.
 *
 * <p>A requested weight change dW is split push-pull: G+ moves by +dW*gRef/2 and G- by
 * -dW*gRef/2, so both devices stay near mid-range on average. On a quantized device each half
 * becomes a whole number of pulses by stochastic rounding (unbiased: the expected change is the
 * requested one), each pulse lands with a Gaussian error of {@code writeNoise} steps, and the
 * result is clipped to [gMin, gMax]. The n pulses' errors are summed as one Gaussian of standard
 * deviation writeNoise*step*sqrt(n): the same distribution as n independent draws, in O(1).
 */
public final class ConductanceArray {
    private final HardwareModel.Device device;
    private final double[] gPlus;
    private final double[] gMinus;

    public ConductanceArray(HardwareModel.Device device, int size) {
        this.device = device;
        this.gPlus = new double[size];
        this.gMinus = new double[size];
        double mid = 0.5 * (device.gMin() + device.gMax());
        java.util.Arrays.fill(gPlus, snap(mid));
        java.util.Arrays.fill(gMinus, snap(mid));
    }

    public int size() {
        return gPlus.length;
    }

    /**
     * Writes target weights with a write-verify loop, as a chip is initialised: each device lands
     * on the level nearest its target, without write noise.
     */
    public void writeVerified(double[] weights) {
        double mid = 0.5 * (device.gMin() + device.gMax());
        for (int i = 0; i < gPlus.length; i++) {
            double half = 0.5 * weights[i] * device.gRef();
            gPlus[i] = snap(clip(mid + half));
            gMinus[i] = snap(clip(mid - half));
        }
    }

    /** Applies requested weight changes as programming pulses (see the class comment). */
    public void program(double[] deltaW, Rng rng) {
        double halfScale = 0.5 * device.gRef();
        for (int i = 0; i < gPlus.length; i++) {
            double dw = deltaW[i];
            if (dw == 0) continue;
            double half = dw * halfScale;
            gPlus[i] = clip(gPlus[i] + pulses(half, rng));
            gMinus[i] = clip(gMinus[i] + pulses(-half, rng));
        }
    }

    private double pulses(double requested, Rng rng) {
        if (device.continuous()) return requested;
        double step = device.step();
        double exact = requested / step;
        double floor = Math.floor(exact);
        long n = (long) floor + (rng.nextDouble() < exact - floor ? 1 : 0);
        if (n == 0) return 0;
        double change = n * step;
        if (device.writeNoise() > 0) change += device.writeNoise() * step * Math.sqrt(Math.abs((double) n)) * rng.nextGaussian();
        return change;
    }

    /** out[i] = (G+ - G-) / gRef */
    public void weights(double[] out) {
        double inv = 1 / device.gRef();
        for (int i = 0; i < gPlus.length; i++) out[i] = (gPlus[i] - gMinus[i]) * inv;
    }

    /** Restores saved conductances (a checkpoint); each must lie in [gMin, gMax]. */
    public void load(double[] plus, double[] minus) {
        if (plus.length != gPlus.length || minus.length != gMinus.length) {
            throw new epsim.common.UserError("checkpoint: a device array holds " + plus.length + " devices, the chip " + gPlus.length);
        }
        for (int i = 0; i < plus.length; i++) {
            if (!(plus[i] >= device.gMin() && plus[i] <= device.gMax() && minus[i] >= device.gMin() && minus[i] <= device.gMax())) {
                throw new epsim.common.UserError("checkpoint: conductance outside [gMin, gMax] of the hardware model");
            }
        }
        System.arraycopy(plus, 0, gPlus, 0, plus.length);
        System.arraycopy(minus, 0, gMinus, 0, minus.length);
    }

    public double[] gPlus() {
        return gPlus;
    }

    public double[] gMinus() {
        return gMinus;
    }

    private double clip(double g) {
        return g < device.gMin() ? device.gMin() : (g > device.gMax() ? device.gMax() : g);
    }

    private double snap(double g) {
        if (device.continuous()) return g;
        double step = device.step();
        return device.gMin() + Math.rint((g - device.gMin()) / step) * step;
    }
}
