package epsim.chip;

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
    void setFeedback(boolean enabled);

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

    /** A snapshot of the neurons' state, to come back to (e.g. the free equilibrium). */
    State saveState();

    void restoreState(State state);

    /** Requests weight and bias changes; the chip programs its devices, with all their effects. */
    void program(LayerParams delta);

    /** The weights the devices hold now (a verification read, noise-free). */
    LayerParams readWeights();

    /** Result of {@link #relax}: steps taken, whether the tolerance was met, and the last max |du|. */
    record Relaxation(int steps, boolean converged, double lastChange) {}

    /** Opaque neuron state. */
    interface State {}
}
