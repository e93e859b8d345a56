package epsim.chip;

import epsim.common.Rng;
import epsim.common.UserError;
import epsim.device.Converters;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.TransferCurve;

import java.util.Arrays;

/**
 * The neurons: leaky integrators of every non-input layer, their discrete-time dynamics and noise,
 * with the circuit's switches (feedback gain, clamps, ghost populations, nudging current).
 *
 * <p>One step for every non-input layer l, all layers from the same old state (a clocked,
 * synchronous update):
 * <pre>
 *   drive_l = W_l rho(u_{l-1}) + b_l + W_{l+1}^T rho(u_{l+1})        (+ read noise)
 *   u_l    += eps * ( -u_l + rho'(u_l) drive_l  - [l = L] beta rho'(u_L) (rho(u_L) - y) ) (+ thermal noise)
 * </pre>
 * then clipped to the rails for the hard sigmoid. eps = dt / tau.
 *
 * <p>Three exact shortcuts keep a step O(batch * synapses above the first layer): the input layer
 * is clamped during a relaxation, so W_1 x + b_1 is computed once per relaxation (and again only
 * when the weights change); the read noise of a whole row current, a sum of independent
 * per-device Gaussians, is a Gaussian of variance sigma^2 * 2 * sum_j V_j^2 per neuron (two
 * devices per synapse; the bias column counts with V = 1); and that read noise and the thermal
 * noise reach u only through their sum, so one Gaussian per neuron and step draws both.
 * docs/theory.md derives them; tests check the noise statistically.
 */
public final class NeuronDynamics {
    private final HardwareModel.Neuron neuron;
    private final double readNoise;
    private final Topology topology;
    private final TransferCurve transfer;
    private final double eps;
    private final int layers;
    private final Crossbars crossbars;
    private final Converters converters;
    private final ChipTime time;
    private final Rng noise;
    private final Clamps clamps;
    private final GhostPopulations ghosts;
    private final Nudge nudge = new Nudge();
    private double feedbackGain = 1;

    private int batch;
    private double[] input;        // DAC output, batch x size(0)
    private double[][] u;          // u[l], l = 1..L, batch x size(l)
    private double[][] r;          // scratch: rho(u[l]); r[0] = input
    private double[][] drive;      // scratch
    private double[] inputDrive;   // W_1 x + b_1, batch x size(1)
    private double[] ghostInputDrive; // the same through the ghosts' own crossbar, when they have one
    private double[] inputSquares; // sum_j x_j^2 per example: the input's share of the read-noise variance
    private long inputDriveGeneration = -1; // the crossbars' generation inputDrive was computed at; -1: stale
    private double[][] readStd;    // scratch: read-noise std of layer l's currents, one per example
    private final CrossbarReads energy;

    /** Neurons over {@code crossbars}, inputs through {@code converters}; noise from the seed's "chip-noise" stream. */
    public NeuronDynamics(HardwareModel model, Crossbars crossbars, Converters converters, ChipTime time, long seed) {
        this.neuron = model.neuron();
        this.readNoise = model.device().readNoise();
        this.topology = crossbars.topology();
        this.transfer = neuron.transfer();
        this.eps = neuron.epsilon();
        this.layers = topology.weightLayers();
        this.crossbars = crossbars;
        this.converters = converters;
        this.time = time;
        this.noise = Rng.stream(seed, "chip-noise");
        this.clamps = new Clamps(topology);
        this.ghosts = new GhostPopulations(topology);
        HardwareModel.Periphery periphery = model.periphery();
        this.energy = new CrossbarReads(this, crossbars, periphery.readVoltage() * periphery.readVoltage() * periphery.readPulse());
        this.ghostPower = new double[layers];
        this.johnsonPerMicrosiemens = johnsonVariancePerMicrosiemens(model, model.device().temperature());
    }

    /** Boltzmann's constant, J/K (exact in the 2019 SI). */
    public static final double BOLTZMANN = 1.380649e-23;

    /**
     * The drive-unit variance per step that each µS of conductance on a neuron's input node adds
     * at {@code kelvin} (docs/cost.md, the read point). Johnson-Nyquist: a conductance G (µS)
     * collected over t_r seconds adds charge of variance 2 k T G 1e-6 t_r, and the signal of a
     * weight W at full scale is W gRef 1e-6 V t_r, so the variance is 2 k T G 1e6 / (t_r gRef^2 V^2).
     */
    public static double johnsonVariancePerMicrosiemens(HardwareModel model, double kelvin) {
        double gRef = model.device().gRef(), volts = model.periphery().readVoltage();
        return 2 * BOLTZMANN * kelvin * 1e6 / (model.periphery().readPulse() * gRef * gRef * volts * volts);
    }

    /** Drive-unit variance of the Johnson noise per µS of conductance on a neuron's input node; 0 without it. */
    private final double johnsonPerMicrosiemens;
    private double[][] johnsonVar;      // per layer l: the Johnson variance of each neuron's current (drive units), or null
    private double[][] ghostJohnsonVar; // the same for each ghost population k

    Rng noiseStream() {
        return noise;
    }

    /**
     * Puts the circuit back in its defined starting state: feedback gain 1, no ghost units, and no
     * inputs (so no clamps and no nudge) until the next {@link #setInputs}. The devices keep their
     * conductances: they are the chip.
     */
    public void resetCircuit() {
        feedbackGain = 1;
        ghosts.enabled = false;
        batch = 0;
        input = null;
    }

    public void setFeedbackGain(double gain) {
        if (!(gain >= 0) || !Double.isFinite(gain)) throw new UserError("feedback gain: expected a finite number >= 0, got " + gain);
        feedbackGain = gain;
    }

    public void clamp(int layer, double[] outputs) {
        requireInputs();
        clamps.set(layer, outputs, batch);
    }

    public void setGhostUnits(boolean enabled) {
        ghosts.enabled = enabled;
    }

    boolean ghostsEnabled() {
        return ghosts.enabled;
    }

    double feedbackGain() {
        return feedbackGain;
    }

    public int batch() {
        return batch;
    }

    /** Applies a batch of inputs through the DACs. */
    public void setInputs(double[] inputs, int batchSize) {
        int n0 = topology.inputSize();
        if (batchSize < 1) throw new UserError("batch size must be >= 1, got " + batchSize);
        if (inputs.length != (long) batchSize * n0) {
            throw new UserError("inputs: expected " + batchSize + " x " + n0 + " values, got " + inputs.length);
        }
        if (batchSize != batch) allocate(batchSize);
        for (int i = 0; i < inputs.length; i++) {
            double v = inputs[i];
            if (!Double.isFinite(v)) throw new UserError("inputs: value " + i + " is not a finite number");
            input[i] = converters.dac(v);
        }
        r[0] = input;
        for (int s = 0; s < batchSize; s++) inputSquares[s] = sumSquares(input, s, n0);
        inputDriveGeneration = -1;
    }

    private void allocate(int batchSize) {
        batch = batchSize;
        input = new double[batchSize * topology.inputSize()];
        inputSquares = new double[batchSize];
        u = new double[layers + 1][];
        r = new double[layers + 1][];
        drive = new double[layers + 1][];
        readStd = new double[layers + 1][];
        for (int l = 1; l <= layers; l++) {
            u[l] = new double[batchSize * topology.size(l)];
            r[l] = new double[batchSize * topology.size(l)];
            drive[l] = new double[batchSize * topology.size(l)];
            readStd[l] = new double[batchSize];
        }
        energy.allocate(batchSize);
        inputDrive = new double[batchSize * topology.size(1)];
        ghostInputDrive = crossbars.ghostCopy() == null ? null : new double[inputDrive.length];
        clamps.reset();
        ghosts.allocate(batchSize);
        nudge.clear();
    }

    public void setNudge(double[] targetValues, double betaValue) {
        requireInputs();
        nudge.set(targetValues, betaValue, batch, topology.outputSize());
    }

    public void resetState() {
        requireInputs();
        for (int l = 1; l <= layers; l++) Arrays.fill(u[l], 0);
        ghosts.rest();
    }

    private void requireInputs() {
        if (input == null) throw new UserError("set the inputs first");
    }

    /** Devices, tiles and partial-sum conversions one step of the whole batch reads, in the circuit as it is set now (docs/cost.md). */
    ChipEvents.StepReads readsPerStep() {
        return input == null ? ChipEvents.StepReads.NONE : energy.perStep();
    }

    /** Integrates up to {@code maxSteps} steps (dt of chip time each), stopping once max |du| < tolerance. */
    public Chip.Relaxation relax(int maxSteps, double tolerance) {
        requireInputs();
        if (maxSteps < 0) throw new UserError("relax: steps must be >= 0");
        if (crossbars.drifts()) crossbars.refresh(time.now()); // conductances drift with chip time
        if (inputDriveGeneration != crossbars.generation()) computeInputDrive();
        if (johnsonPerMicrosiemens > 0) johnsonVariances();
        double change = Double.NaN;
        try {
            for (int step = 1; step <= maxSteps; step++) {
                time.advance(neuron.dt());
                change = step();
                energy.stepDone();
                if (change < tolerance) {
                    // a diverged (NaN) state changes by NaN, which the step's max ignores: never call it converged
                    return finiteState() ? new Chip.Relaxation(step, true, change) : new Chip.Relaxation(step, false, Double.NaN);
                }
                if ((step & 255) == 0 && epsim.common.WorkLimit.past()) { // a server's bound on one request
                    throw new UserError("relax: stopped after " + step + " of " + maxSteps + " steps: past the time limit of one request");
                }
            }
            return new Chip.Relaxation(maxSteps, false, maxSteps > 0 && !finiteState() ? Double.NaN : change);
        } finally {
            energy.settle();
        }
    }

    /** Reads of layer l's bottom-up crossbar and bias column per step: by the layer when it is free, again by its ghost population. */
    int bottomUpReads(int l) {
        return (clamps.held(l) == null ? 1 : 0) + (ghosts.enabled ? 1 : 0);
    }

    /** Whether free layer l reads the crossbar above it top-down (feedback on). */
    boolean readsAbove(int l) {
        return l < layers && clamps.held(l) == null && feedbackGain != 0;
    }

    /** Whether every neuron's (and ghost's) state is a finite number: checked once per relaxation, not per step. */
    private boolean finiteState() {
        for (int l = 1; l <= layers; l++) for (double x : u[l]) if (!Double.isFinite(x)) return false;
        if (ghosts.enabled) for (double[] vk : ghosts.v) for (double x : vk) if (!Double.isFinite(x)) return false;
        return true;
    }

    private void computeInputDrive() {
        crossbars.layer(0).forward(input, batch, inputDrive, noise);
        if (ghostInputDrive != null) crossbars.ghostCopy().layer(0).forward(input, batch, ghostInputDrive, noise);
        energy.inputs(input);
        inputDriveGeneration = crossbars.generation();
    }

    /** Energy the crossbars dissipated while conducting, since this chip was built (J): sum of G V^2 dt. */
    public double crossbarJoules() {
        return energy.joules();
    }

    /** {@link #crossbarJoules} per crossbar k (the devices between neuron layers k and k + 1). */
    public double[] crossbarJoulesByLayer() {
        return energy.joulesByLayer();
    }

    /** Scratch, per step with ghost units: the top-down G V^2 of the cancelled voltages per crossbar, which no square accumulates. */
    private final double[] ghostPower;

    /**
     * The Johnson variance of every neuron's input current in the circuit as it is set now: the
     * devices on its node are its bottom-up column with its bias devices and, when it reads the
     * crossbar above, that crossbar's devices on its line (their noise does not pass through the
     * feedback gain, which scales voltages). A ghost population's node holds its bottom-up column.
     */
    private void johnsonVariances() {
        if (johnsonVar == null) {
            johnsonVar = new double[layers + 1][];
            ghostJohnsonVar = new double[layers][];
            for (int l = 1; l <= layers; l++) {
                johnsonVar[l] = new double[topology.size(l)];
                ghostJohnsonVar[l - 1] = new double[topology.size(l)];
            }
        }
        for (int l = 1; l <= layers; l++) {
            CrossbarLayer below = crossbars.layer(l - 1);
            double[] column = below.topDownConductance(), bias = below.biasRowConductance();
            double[] above = readsAbove(l) ? crossbars.layer(l).bottomUpConductance() : null;
            double[] var = johnsonVar[l];
            for (int i = 0; i < var.length; i++) var[i] = johnsonPerMicrosiemens * (column[i] + bias[i] + (above == null ? 0 : above[i]));
            if (ghosts.enabled) {
                CrossbarLayer own = crossbars.ghostCopy() == null ? below : crossbars.ghostCopy().layer(l - 1);
                double[] ownColumn = own.topDownConductance(), ownBias = own.biasRowConductance(), ghostVar = ghostJohnsonVar[l - 1];
                for (int i = 0; i < ghostVar.length; i++) ghostVar[i] = johnsonPerMicrosiemens * (ownColumn[i] + ownBias[i]);
            }
        }
    }

    /** One synchronous integration step of every free layer (and ghost population); returns max |du|. */
    private double step() {
        for (int l = 1; l <= layers; l++) {
            double[] held = clamps.held(l), rl = r[l];
            if (held != null) {
                System.arraycopy(held, 0, rl, 0, rl.length);
            } else {
                double[] ul = u[l];
                for (int i = 0; i < ul.length; i++) rl[i] = transfer.rho(ul[i]);
            }
            energy.accumulate(l, rl);
        }
        if (ghosts.enabled) ghosts.computeOutputs(transfer);
        if (ghosts.enabled) Arrays.fill(ghostPower, 0);
        for (int l = 1; l <= layers; l++) {
            double[] d = drive[l];
            if (l == 1) {
                LayerTiles inputTiles = crossbars.layer(0).tiles();
                // a noisy tile ADC converts the input layer's constant currents anew on every step
                if (inputTiles != null && inputTiles.noisyConversions()) inputTiles.reconvert(d, noise);
                else System.arraycopy(inputDrive, 0, d, 0, d.length);
            } else {
                crossbars.layer(l - 1).forward(r[l - 1], batch, d, noise);
            }
            if (ghosts.enabled) {
                Crossbars own = crossbars.ghostCopy();
                if (own == null) System.arraycopy(d, 0, ghosts.drive[l - 1], 0, d.length); // the same current, mirrored
                else if (l == 1 && own.layer(0).tiles() != null && own.layer(0).tiles().noisyConversions()) own.layer(0).tiles().reconvert(ghosts.drive[0], noise);
                else if (l == 1) System.arraycopy(ghostInputDrive, 0, ghosts.drive[0], 0, d.length);
                else own.layer(l - 1).forward(r[l - 1], batch, ghosts.drive[l - 1], noise);
                readNoiseStd(ghosts.readStd[l - 1], r[l - 1], topology.size(l - 1), null, 0, 0);
            }
            double[] above = null;
            if (l < layers && feedbackGain != 0) {
                above = r[l + 1];
                if (ghosts.enabled) above = ghosts.cancelled(l, above);
                crossbars.layer(l).backward(feedbackGain, above, batch, d, noise);
                if (ghosts.enabled && readsAbove(l)) {
                    ghostPower[l] += feedbackGain * feedbackGain * CrossbarReads.load(above, batch, topology.size(l + 1), crossbars.topDownConductance(l));
                }
            }
            readNoiseStd(readStd[l], r[l - 1], topology.size(l - 1), above, above == null ? 0 : topology.size(l + 1), feedbackGain);
        }
        if (ghosts.enabled) energy.addPower(ghostPower);
        double maxChange = 0;
        for (int l = 1; l <= layers; l++) {
            if (clamps.held(l) != null) continue;
            boolean nudged = l == layers && nudge.beta() != 0;
            maxChange = Math.max(maxChange, integrate(u[l], r[l], drive[l], nudged ? nudge.target() : null, readStd[l],
                    johnsonVar == null ? null : johnsonVar[l]));
        }
        if (ghosts.enabled) {
            for (int k = 0; k < layers; k++) {
                maxChange = Math.max(maxChange, integrate(ghosts.v[k], ghosts.outputs[k], ghosts.drive[k], null, ghosts.readStd[k],
                        johnsonVar == null ? null : ghostJohnsonVar[k]));
            }
        }
        return maxChange;
    }

    /**
     * u += eps (-u + rho'(u) (drive + read noise) [- beta rho'(u) (rho(u) - y)]) + thermal noise,
     * clipped for the hard sigmoid. The read noise (std {@code readStd[s]} for every neuron of
     * example s) and the thermal noise are independent zero-mean Gaussians that reach u only
     * through their sum eps rho'(u) n_read + n_thermal, so one Gaussian of variance
     * (eps rho'(u) sigma_read)^2 + sigma_thermal^2 draws it exactly (docs/theory.md). The devices'
     * Johnson noise ({@code johnson}: the variance of each neuron's current, or null) is one more
     * independent Gaussian on the current, so it adds to sigma_read^2.
     */
    private double integrate(double[] ul, double[] rl, double[] d, double[] nudgeTarget, double[] readStd, double[] johnson) {
        if (transfer == TransferCurve.HARD_SIGMOID && johnson == null) return integrateHardSigmoid(ul, rl, d, nudgeTarget, readStd);
        double sigmaThermal = neuron.thermalNoise();
        double thermalSq = sigmaThermal * sigmaThermal;
        boolean noisy = sigmaThermal > 0 || readNoise > 0 || johnson != null;
        boolean clip = transfer.clipsState();
        double beta = nudge.beta();
        int n = ul.length / batch;
        double maxChange = 0;
        for (int s = 0; s < batch; s++) {
            double readScale = eps * readStd[s];
            for (int i = s * n, end = i + n; i < end; i++) {
                double x = ul[i];
                double rp = transfer.rhoPrime(x);
                double force = -x + rp * d[i];
                if (nudgeTarget != null) force -= beta * rp * (rl[i] - nudgeTarget[i]);
                double next = x + eps * force;
                if (johnson != null) {
                    double readSd = readStd[s], current = eps * rp;
                    double sigma = Math.sqrt(current * current * (readSd * readSd + johnson[i - s * n]) + thermalSq);
                    if (sigma > 0) next += sigma * noise.nextGaussian();
                } else if (noisy) {
                    double sigma = noiseSigma(readScale * rp, sigmaThermal, thermalSq);
                    if (sigma > 0) next += sigma * noise.nextGaussian();
                }
                if (clip) next = Math.min(Math.max(next, transfer.railLow), transfer.railHigh);
                double change = Math.abs(next - x);
                if (change > maxChange) maxChange = change;
                ul[i] = next;
            }
        }
        return maxChange;
    }

    /**
     * The std of one step's read and thermal noise on u for a read-noise term {@code read} = eps
     * rho'(u) sigma_read: one Gaussian draws both (the class comment), and without read noise it is
     * the thermal noise's alone.
     */
    private static double noiseSigma(double read, double sigmaThermal, double thermalSq) {
        return read == 0 ? sigmaThermal : Math.sqrt(read * read + thermalSq);
    }

    private static final long ONE_BITS = Double.doubleToRawLongBits(1.0);
    /** Scratch: one example's noise draws, when every neuron of it draws. */
    private double[] gaussians;

    /**
     * {@link #integrate} for the hard sigmoid, whose slope is 1 inside the rails and 0 outside:
     * the same arithmetic on the same values, with the slope, its noise sigma and the clip chosen
     * by bit masks and min/max instead of branches. Noise makes a unit near a rail cross it at
     * random from step to step, and every branch on its side mispredicts (~15 ns a neuron against
     * ~8 branch-free, docs/performance.md).
     */
    private double integrateHardSigmoid(double[] ul, double[] rl, double[] d, double[] nudgeTarget, double[] readStd) {
        double sigmaThermal = neuron.thermalNoise();
        double thermalSq = sigmaThermal * sigmaThermal;
        boolean noisy = sigmaThermal > 0 || readNoise > 0;
        double beta = nudge.beta();
        int n = ul.length / batch;
        double maxChange = 0;
        for (int s = 0; s < batch; s++) {
            double readScale = eps * readStd[s];
            // the general loop's sigma at slope 1 and at slope 0, once per example
            long sigmaInside = Double.doubleToRawLongBits(noiseSigma(readScale * 1.0, sigmaThermal, thermalSq));
            long sigmaOutside = Double.doubleToRawLongBits(noiseSigma(readScale * 0.0, sigmaThermal, thermalSq));
            // every neuron of the example draws (both sigmas > 0): its draws fetched in order first, the same values
            boolean everyDraws = noisy && Double.longBitsToDouble(sigmaInside) > 0 && Double.longBitsToDouble(sigmaOutside) > 0;
            if (everyDraws) {
                if (gaussians == null || gaussians.length < n) gaussians = new double[n];
                noise.nextGaussians(gaussians, 0, n);
            }
            for (int i = s * n, end = i + n, first = i; i < end; i++) {
                double x = ul[i];
                long inside = (x >= 0 & x <= 1) ? -1L : 0L; // the closed interval of TransferCurve.HARD_SIGMOID.rhoPrime
                double rp = Double.longBitsToDouble(ONE_BITS & inside);
                double force = -x + rp * d[i];
                if (nudgeTarget != null) force -= beta * rp * (rl[i] - nudgeTarget[i]);
                double next = x + eps * force;
                double sigma = Double.longBitsToDouble((sigmaInside & inside) | (sigmaOutside & ~inside));
                if (everyDraws) next += sigma * gaussians[i - first];
                else if (noisy && sigma > 0) next += sigma * noise.nextGaussian();
                next = Math.min(Math.max(next, 0.0), 1.0);
                double change = Math.abs(next - x);
                if (change > maxChange) maxChange = change;
                ul[i] = next;
            }
        }
        return maxChange;
    }

    /**
     * The read-noise std of each example's neuron currents into {@code std} (one value per
     * example); see the class comment for why one Gaussian per current is exact in distribution.
     * The current sums the row below ({@code below}, with the bias column at 1 V) and, when given,
     * the top-down voltages {@code above} through a path of gain {@code gain}.
     */
    private void readNoiseStd(double[] std, double[] below, int nBelow, double[] above, int nAbove, double gain) {
        double sigma = readNoise;
        if (sigma == 0) return;
        for (int s = 0; s < batch; s++) {
            double sumSq = 1 + (below == input ? inputSquares[s] : sumSquares(below, s, nBelow));
            if (above != null) sumSq += gain * gain * sumSquares(above, s, nAbove);
            std[s] = sigma * Math.sqrt(2 * sumSq);
        }
    }

    private static double sumSquares(double[] a, int row, int n) {
        double s = 0;
        for (int j = row * n, end = j + n; j < end; j++) s += a[j] * a[j];
        return s;
    }

    /** The input voltages the DACs applied (a copy). */
    public double[] inputs() {
        requireInputs();
        return input.clone();
    }

    /** Output voltages of neuron layer 1..L before the ADC: rho(u), or the clamped values. */
    public double[] outputs(int layer) {
        requireInputs();
        if (layer < 0 || layer > layers) throw new UserError("read: layer must be in 0.." + layers + ", got " + layer);
        double[] out = new double[u[layer].length];
        double[] held = clamps.held(layer);
        for (int i = 0; i < out.length; i++) out[i] = held != null ? held[i] : transfer.rho(u[layer][i]);
        return out;
    }

    /** Outputs rho(v_k) of ghost population k before the ADC. */
    public double[] ghostOutputs(int k) {
        requireInputs();
        if (k < 0 || k >= layers) throw new UserError("readGhost: population must be in 0.." + (layers - 1) + ", got " + k);
        double[] vk = ghosts.v[k];
        double[] out = new double[vk.length];
        for (int i = 0; i < out.length; i++) out[i] = transfer.rho(vk[i]);
        return out;
    }

    private record Snapshot(double[][] u, double[][] v) implements Chip.State {}

    public Chip.State saveState() {
        requireInputs();
        double[][] copy = new double[layers + 1][];
        for (int l = 1; l <= layers; l++) copy[l] = u[l].clone();
        return new Snapshot(copy, ghosts.copyStates());
    }

    public void restoreState(Chip.State state) {
        if (!(state instanceof Snapshot snap) || snap.u.length != layers + 1 || snap.u[1].length != u[1].length) {
            throw new UserError("restore: the state does not belong to this chip and batch size");
        }
        for (int l = 1; l <= layers; l++) System.arraycopy(snap.u[l], 0, u[l], 0, u[l].length);
        ghosts.restoreStates(snap.v);
    }
}
