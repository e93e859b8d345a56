package epsim.chip;

import epsim.math.Topology;

import java.util.Arrays;

/**
 * The crossbars' reads as the cost counts them: how many devices a step reads in the circuit as it
 * is set, and the energy they dissipate while conducting, sum of G V^2 dt over every device read
 * (each step adds one square per neuron output; a relaxation's end turns them into joules with the
 * loads the circuit's voltages drive, the crossbar layers' conductance sums).
 */
final class CrossbarReads {
    private final NeuronDynamics circuit;
    private final Crossbars crossbars;
    private final Topology topology;
    private final int layers;
    private final double voltsSquaredSeconds; // V^2 t_r of a full-scale read: power (µS V^2 in normalised volts) x 1e-6 x this = joules
    private int batch;
    private double inputLoad;   // sum over the batch of x_j^2 times the conductance x_j drives: layer 1's bottom-up G V^2 (µS V^2)
    private double joules;      // sum of G V^2 dt over every device read so far
    private final double[] joulesByLayer; // the same per crossbar k (the devices between neuron layers k and k + 1)
    private double[][] squares; // per layer l and neuron j: sum over the relaxation's steps and the batch of rho(u_lj)^2
    private int steps;          // steps whose squares are accumulated and not yet turned into energy

    /** {@code voltsSquaredSeconds}: the read voltage squared times the read pulse (V^2 s), the energy of a full-scale read per siemens. */
    CrossbarReads(NeuronDynamics circuit, Crossbars crossbars, double voltsSquaredSeconds) {
        this.circuit = circuit;
        this.crossbars = crossbars;
        this.topology = crossbars.topology();
        this.layers = topology.weightLayers();
        this.voltsSquaredSeconds = voltsSquaredSeconds;
        this.joulesByLayer = new double[layers];
    }

    /**
     * Device currents the crossbars sum in one step of the whole batch, in the circuit as it is set
     * now (clamps, feedback gain, ghost units): for every free layer its bottom-up crossbar and bias
     * column and, with feedback, the crossbar above; a ghost population reads its bottom-up
     * crossbar again. Two devices per synapse and per bias. (The simulator computes the input
     * layer's current once per relaxation; the chip's crossbar conducts every step, so it counts.)
     * The tiles those reads conduct through, and the conversions of their partial sums (digital
     * sums), count the same way.
     */
    ChipEvents.StepReads perStep() {
        long[] devices = new long[layers], tiles = new long[layers], conversions = new long[layers]; // per crossbar
        for (int l = 1; l <= layers; l++) {
            CrossbarLayer below = crossbars.layer(l - 1);
            int reads = circuit.bottomUpReads(l);
            devices[l - 1] += below.forwardReadDevices() * reads * batch;
            tiles[l - 1] += (long) below.tileCount() * reads * batch;
            conversions[l - 1] += below.forwardConversions() * reads * batch;
            if (circuit.readsAbove(l)) {
                CrossbarLayer above = crossbars.layer(l);
                devices[l] += above.backwardReadDevices() * batch;
                tiles[l] += (long) above.tileCount() * batch;
                conversions[l] += above.backwardConversions() * batch;
            }
        }
        return new ChipEvents.StepReads(devices, tiles, conversions);
    }

    void allocate(int batchSize) {
        batch = batchSize;
        squares = new double[layers + 1][];
        for (int l = 1; l <= layers; l++) squares[l] = new double[topology.size(l)];
    }

    /** The inputs' constant load, for the relaxations until the inputs or the conductances change. */
    void inputs(double[] input) {
        inputLoad = load(input, batch, topology.inputSize(), crossbars.bottomUpConductance(0));
    }

    /** Adds layer l's output voltages {@code rl} (batch x size(l)) of this step. */
    void accumulate(int l, double[] rl) {
        double[] sq = squares[l];
        int n = sq.length;
        for (int s = 0, at = 0; s < batch; s++) {
            for (int j = 0; j < n; j++, at++) sq[j] += rl[at] * rl[at];
        }
    }

    void stepDone() {
        steps++;
    }

    /** Adds one step's power (µS V^2 = µW) per crossbar counted directly (the ghosts' cancelled top-down voltages). */
    void addPower(double[] byLayer) {
        double power = 0;
        for (double p : byLayer) power += p;
        if (power == 0) return;
        joules += power * 1e-6 * voltsSquaredSeconds;
        for (int k = 0; k < layers; k++) joulesByLayer[k] += byLayer[k] * 1e-6 * voltsSquaredSeconds;
    }

    double joules() {
        return joules;
    }

    /** {@link #joules} per crossbar, as a copy. */
    double[] joulesByLayer() {
        return joulesByLayer.clone();
    }

    /**
     * Turns the relaxation's accumulated squared voltages into the crossbars' energy. The circuit
     * (clamps, gain, ghosts) and the conductances do not change during a relaxation, so the energy
     * of its steps is sum over layers l and neurons j of (sum over steps and batch of V_lj^2) times
     * the conductance V_lj drives: bottom-up into layer l+1 when that layer is read, top-down into
     * layer l-1 (gain^2) when it is read; plus the input's and the bias columns' constant loads. This
     * is the per-step sum of G V^2 reordered, so that a step adds one square per neuron to an array
     * (a loop the compiler vectorises) instead of a weighted reduction per crossbar, which cost 15%
     * of an ideal step (docs/performance.md).
     */
    void settle() {
        if (steps == 0) return;
        double power = 0; // µS V^2 summed over the steps
        double[] byLayer = new double[layers]; // the same per crossbar, for the split by layer (the total keeps its own order of sums)
        for (int l = 1; l <= layers; l++) {
            double p = circuit.bottomUpReads(l) * steps * ((l == 1 ? inputLoad : 0) + batch * crossbars.biasConductance(l - 1));
            power += p;
            byLayer[l - 1] += p;
        }
        for (int l = 1; l <= layers; l++) {
            double[] sq = squares[l];
            int drivenAbove = l < layers ? circuit.bottomUpReads(l + 1) : 0; // layer l's voltages drive the crossbar above bottom-up
            // and the crossbar below top-down; with ghost units that voltage is the cancelled one, counted per step instead
            boolean drivenBelow = l >= 2 && circuit.readsAbove(l - 1) && !circuit.ghostsEnabled();
            double sum = 0;
            if (drivenAbove > 0) {
                double[] g = crossbars.bottomUpConductance(l);
                for (int j = 0; j < sq.length; j++) sum += drivenAbove * sq[j] * g[j];
                byLayer[l] += sum;
            }
            if (drivenBelow) {
                double[] g = crossbars.topDownConductance(l - 1);
                double gain2 = circuit.feedbackGain() * circuit.feedbackGain(), down = 0;
                for (int j = 0; j < sq.length; j++) {
                    double term = gain2 * sq[j] * g[j];
                    sum += term;
                    down += term;
                }
                byLayer[l - 1] += down;
            }
            power += sum;
            Arrays.fill(sq, 0);
        }
        joules += power * 1e-6 * voltsSquaredSeconds;
        for (int k = 0; k < layers; k++) joulesByLayer[k] += byLayer[k] * 1e-6 * voltsSquaredSeconds;
        steps = 0;
    }

    /** sum over the batch and j of v_j^2 g_j: the power (µS V^2 = µW) voltages {@code v} dissipate in loads {@code g}. */
    static double load(double[] v, int batch, int n, double[] g) {
        double sum = 0;
        for (int s = 0; s < batch; s++) {
            for (int j = 0, at = s * n; j < n; j++, at++) sum += v[at] * v[at] * g[j];
        }
        return sum;
    }
}
