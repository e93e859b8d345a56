package epsim.chip;

import epsim.math.LayerParams;
import epsim.math.Topology;

/**
 * What a controller (a learning rule, or a remote host over the co-simulation protocol) can do
 * with a chip. It never touches a conductance: it sets voltages, waits, reads ADCs and asks for
 * weight changes, which the chip turns into pulses on its devices.
 */
public interface Chip {
    Topology topology();

    /** The neurons' transfer curve (a controller knows its amplifiers). */
    epsim.model.TransferCurve transfer();

    /**
     * Connects (true, the default) or disconnects the top-down currents W^T rho(u_above): without
     * them the chip settles on the feed-forward pass, the circuit backprop trains.
     */
    default void setFeedback(boolean enabled) {
        setFeedbackGain(enabled ? 1 : 0);
    }

    /**
     * Scales the top-down currents by {@code gain} >= 0 (a programmable gain on the feedback
     * path): 1 is the symmetric network EP needs, 0 the feed-forward circuit, small values the
     * weak feedback of contrastive Hebbian learning (Xie &amp; Seung 2003).
     */
    void setFeedbackGain(double gain);

    /**
     * Holds the outputs of neuron layer {@code layer} (1..L) at {@code outputs} (batch x size),
     * as voltage sources on their output lines; {@code null} releases the layer. Neighbours see
     * the clamped values; {@link #read} returns them.
     */
    void clamp(int layer, double[] outputs);

    /**
     * Connects (or disconnects) the ghost populations: population k (0..L-1) is a copy of layer
     * k+1's neurons driven by the same bottom-up current W_{k+1} rho(u_k) + b_{k+1}, read through
     * the same crossbar; each hidden layer k's top-down current becomes
     * gain * W_{k+1}^T (rho(u_{k+1}) - rho(v_k)), so that without a target the feedback cancels
     * (Mesnard et al. 2019).
     */
    void setGhostUnits(boolean enabled);

    /** Outputs rho(v_k) of ghost population {@code k} (0..L-1) through the ADCs (batch x size(k+1)). */
    double[] readGhost(int k);

    /** Applies a batch of inputs through the DACs: {@code inputs} is batch x inputSize, row-major. */
    void setInputs(double[] inputs, int batch);

    /** Current batch size (set by {@link #setInputs}). */
    int batch();

    /**
     * Injects the nudging current {@code -beta * dC/du} at the outputs, towards {@code target}
     * (batch x outputSize). {@code beta = 0} (target may be null) returns to the free phase.
     */
    void setNudge(double[] target, double beta);

    /** Puts every neuron back at rest (u = 0). */
    void resetState();

    /** Lets the chip integrate up to {@code maxSteps} steps, stopping early once max |du| < tolerance. */
    Relaxation relax(int maxSteps, double tolerance);

    /**
     * Output voltages rho(u) of neuron layer {@code layer} through the ADCs (batch x size); layer 0
     * gives the input voltages the DACs applied.
     */
    double[] read(int layer);

    /**
     * {@link #read} of each of {@code layers}, in that order (the same reads, the same noise draws):
     * a chip over the protocol answers them in one round trip when it implements read_layers.
     */
    default double[][] readLayers(int... layers) {
        double[][] out = new double[layers.length][];
        for (int i = 0; i < layers.length; i++) out[i] = read(layers[i]);
        return out;
    }

    /** A snapshot of the neurons' state, to come back to (e.g. the free equilibrium). */
    State saveState();

    void restoreState(State state);

    /** Requests weight and bias changes; the chip programs its devices, with all their effects. */
    void program(LayerParams delta);

    /**
     * Who forms the weight updates of this chip: {@code HOST} (the controller calls {@link #program})
     * or {@code OUTER_PRODUCT} and {@code TIKI_TAKA} (the controller hands the array rank-one terms,
     * {@link #updateOuterProduct}; with Tiki-Taka they reach the fast arrays, whose transfers the chip schedules itself).
     */
    default epsim.model.HardwareModel.UpdateMode updateMode() {
        return epsim.model.HardwareModel.UpdateMode.HOST;
    }

    /**
     * The array updates itself from pulse trains (update.mode outerProduct, docs/update.md): weight
     * layer k changes by about scale sum_t d_t x_t^T and its biases by scale bias sum_t d_t, with
     * {@code d} (terms x size(k+1)) on the rows, {@code x} (terms x size(k)) on the columns and
     * {@code bias} on the bias column; every
     * coincidence of the trains is one pulse with all the device's effects.
     */
    default void updateOuterProduct(int k, double[] d, double[] x, double bias, int terms, double scale) {
        throw new epsim.common.UserError("this chip does not update itself: its hardware model's update.mode is host");
    }

    /** The weights the devices hold now (a verification read, noise-free). */
    LayerParams readWeights();

    /** The events counted since the chip was built or its counters were last reset (docs/cost.md). */
    ChipCounters counters();

    /** Starts the counters from zero. */
    void resetCounters();

    /** Result of {@link #relax}: steps taken, whether the tolerance was met, and the last max |du|. */
    record Relaxation(int steps, boolean converged, double lastChange) {}

    /** Opaque neuron state. */
    interface State {}
}
