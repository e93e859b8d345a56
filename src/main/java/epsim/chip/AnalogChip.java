package epsim.chip;

import epsim.common.Rng;
import epsim.common.UserError;
import epsim.device.ConductanceArray;
import epsim.model.HardwareModel;
import epsim.model.TransferCurve;

import java.util.Arrays;

/**
 * The simulated chip: leaky-integrator neurons, differential-pair crossbars between adjacent
 * layers (symmetric, since a crossbar conducts both ways) and bias columns driven at 1 V.
 *
 * <p>One step of the discrete dynamics for every non-input layer l, all layers from the same
 * old state (a clocked, synchronous update):
 * <pre>
 *   drive_l = W_l rho(u_{l-1}) + b_l + W_{l+1}^T rho(u_{l+1})        (+ read noise)
 *   u_l    += eps * ( -u_l + rho'(u_l) drive_l  - [l = L] beta rho'(u_L) (rho(u_L) - y) ) (+ thermal noise)
 * </pre>
 * then clipped to the rails for the hard sigmoid. eps = dt / tau.
 *
 * <p>Three exact shortcuts keep a step O(batch * synapses above the first layer): the input layer
 * is clamped during a relaxation, so W_1 x + b_1 is computed once per relaxation; the read
 * noise of a whole row current, a sum of independent per-device Gaussians, is a Gaussian of
 * variance sigma^2 * 2 * sum_j V_j^2 per neuron (two devices per synapse; the bias column counts
 * with V = 1); and that read noise and the thermal noise reach u only through their sum, so one
 * Gaussian per neuron and step draws both. docs/theory.md derives them; tests check the noise
 * statistically.
 */
public final class AnalogChip implements HostedChip {
    private final HardwareModel model;
    private final Topology topology;
    private final TransferCurve transfer;
    private final double eps;
    private final int layers;
    private final ConductanceArray[] weightDevices;
    private final ConductanceArray[] biasDevices;
    private final double[][] w;   // effective weights, size(k+1) x size(k)
    private final double[][] b;
    private final Rng noise;
    private final Rng writes;

    private int batch;
    private double[] input;        // DAC output, batch x size(0)
    private double[][] u;          // u[l], l = 1..L, batch x size(l)
    private double[][] r;          // scratch: rho(u[l]); r[0] = input
    private double[][] drive;      // scratch
    private double[] inputDrive;   // W_1 x + b_1, batch x size(1)
    private double[] inputSquares; // sum_j x_j^2 per example: the input's share of the read-noise variance
    private boolean inputDriveStale = true;
    private double[] target;
    private double beta;
    private double feedbackGain = 1;
    private double[][] clamped;    // clamped[l]: held outputs of layer l, or null when free
    private boolean ghosts;
    private double[][] v;          // ghost states v[k], k = 0..L-1, batch x size(k+1)
    private double[][] gr;         // scratch: rho(v[k])
    private double[][] ghostDrive; // scratch
    private double[][] topDown;    // scratch: rho(u_{l+1}) - rho(v_l)
    private double[][] readStd;    // scratch: read-noise std of layer l's currents, one per example
    private double[][] ghostReadStd;
    private double now; // seconds of chip time: dt per integration step, plus advanceTime

    /**
     * Builds a chip and writes initial weights into it. Weights start Glorot-uniform,
     * U(-a, a) with a = sqrt(6 / (fan_in + fan_out)) (the initialisation of Scellier & Bengio
     * 2017), biases at 0; the draw comes from the seed's "init" stream.
     */
    public static AnalogChip fabricate(HardwareModel model, Topology topology, long seed) {
        AnalogChip chip = new AnalogChip(model, topology, seed);
        Rng init = Rng.stream(seed, "init");
        LayerParams initial = new LayerParams(topology);
        for (int k = 0; k < topology.weightLayers(); k++) {
            double a = Math.sqrt(6.0 / (topology.size(k) + topology.size(k + 1)));
            for (int i = 0; i < initial.w[k].length; i++) initial.w[k][i] = a * (2 * init.nextDouble() - 1);
        }
        chip.writeVerified(initial);
        return chip;
    }

    /** Builds a chip whose devices are written (write-verify, no noise) with {@code weights}. */
    public static AnalogChip withWeights(HardwareModel model, LayerParams weights, long seed) {
        AnalogChip chip = new AnalogChip(model, weights.topology, seed);
        chip.writeVerified(weights);
        return chip;
    }

    private AnalogChip(HardwareModel model, Topology topology, long seed) {
        this.model = model;
        this.topology = topology;
        this.transfer = model.neuron().transfer();
        this.eps = model.neuron().epsilon();
        this.layers = topology.weightLayers();
        this.weightDevices = new ConductanceArray[layers];
        this.biasDevices = new ConductanceArray[layers];
        this.w = new double[layers][];
        this.b = new double[layers][];
        Rng fabrication = Rng.stream(seed, "fabrication");
        for (int k = 0; k < layers; k++) {
            int n = topology.size(k + 1) * topology.size(k);
            weightDevices[k] = new ConductanceArray(model.device(), n, fabrication);
            biasDevices[k] = new ConductanceArray(model.device(), topology.size(k + 1), fabrication);
            w[k] = new double[n];
            b[k] = new double[topology.size(k + 1)];
        }
        this.noise = Rng.stream(seed, "chip-noise");
        this.writes = Rng.stream(seed, "chip-writes");
        refreshWeights();
    }

    private void writeVerified(LayerParams weights) {
        for (int k = 0; k < layers; k++) {
            weightDevices[k].writeVerified(weights.w[k], now);
            biasDevices[k].writeVerified(weights.b[k], now);
        }
        refreshWeights();
    }

    private void refreshWeights() {
        for (int k = 0; k < layers; k++) {
            weightDevices[k].weights(w[k], now);
            biasDevices[k].weights(b[k], now);
        }
        inputDriveStale = true;
    }

    @Override
    public HardwareModel model() {
        return model;
    }

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public TransferCurve transfer() {
        return transfer;
    }

    @Override
    public void setFeedbackGain(double gain) {
        if (!(gain >= 0) || !Double.isFinite(gain)) throw new UserError("feedback gain: expected a finite number >= 0, got " + gain);
        feedbackGain = gain;
    }

    @Override
    public void clamp(int layer, double[] outputs) {
        requireInputs();
        if (layer < 1 || layer > layers) throw new UserError("clamp: layer must be in 1.." + layers + ", got " + layer);
        if (outputs == null) {
            clamped[layer] = null;
            return;
        }
        if (outputs.length != batch * topology.size(layer)) {
            throw new UserError("clamp: expected " + batch + " x " + topology.size(layer) + " values for layer " + layer + ", got " + outputs.length);
        }
        for (double x : outputs) if (!Double.isFinite(x)) throw new UserError("clamp: values must be finite");
        clamped[layer] = outputs.clone();
    }

    @Override
    public void setGhostUnits(boolean enabled) {
        ghosts = enabled;
    }

    @Override
    public double[] readGhost(int k) {
        requireInputs();
        if (k < 0 || k >= layers) throw new UserError("readGhost: population must be in 0.." + (layers - 1) + ", got " + k);
        double[] out = new double[v[k].length];
        HardwareModel.Periphery io = model.periphery();
        for (int i = 0; i < out.length; i++) out[i] = quantize(transfer.rho(v[k][i]), io.adcMin(), io.adcMax(), io.adcBits());
        return out;
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public void setInputs(double[] inputs, int batchSize) {
        int n0 = topology.inputSize();
        if (batchSize < 1) throw new UserError("batch size must be >= 1, got " + batchSize);
        if (inputs.length != (long) batchSize * n0) {
            throw new UserError("inputs: expected " + batchSize + " x " + n0 + " values, got " + inputs.length);
        }
        if (batchSize != batch) allocate(batchSize);
        HardwareModel.Periphery io = model.periphery();
        for (int i = 0; i < inputs.length; i++) {
            double v = inputs[i];
            if (!Double.isFinite(v)) throw new UserError("inputs: value " + i + " is not a finite number");
            input[i] = quantize(v, io.dacMin(), io.dacMax(), io.dacBits());
        }
        r[0] = input;
        for (int s = 0; s < batchSize; s++) inputSquares[s] = sumSquares(input, s, n0);
        inputDriveStale = true;
    }

    private void allocate(int batchSize) {
        batch = batchSize;
        input = new double[batchSize * topology.inputSize()];
        inputSquares = new double[batchSize];
        u = new double[layers + 1][];
        r = new double[layers + 1][];
        drive = new double[layers + 1][];
        for (int l = 1; l <= layers; l++) {
            u[l] = new double[batchSize * topology.size(l)];
            r[l] = new double[batchSize * topology.size(l)];
            drive[l] = new double[batchSize * topology.size(l)];
        }
        inputDrive = new double[batchSize * topology.size(1)];
        clamped = new double[layers + 1][];
        v = new double[layers][];
        gr = new double[layers][];
        ghostDrive = new double[layers][];
        topDown = new double[layers + 1][];
        readStd = new double[layers + 1][];
        ghostReadStd = new double[layers][];
        for (int l = 1; l <= layers; l++) readStd[l] = new double[batchSize];
        for (int k = 0; k < layers; k++) {
            v[k] = new double[batchSize * topology.size(k + 1)];
            gr[k] = new double[v[k].length];
            ghostDrive[k] = new double[v[k].length];
            topDown[k + 1] = new double[v[k].length];
            ghostReadStd[k] = new double[batchSize];
        }
        target = null;
        beta = 0;
    }

    @Override
    public void setNudge(double[] targetValues, double betaValue) {
        requireInputs();
        if (!Double.isFinite(betaValue)) throw new UserError("nudge: beta must be a finite number");
        if (betaValue == 0) {
            beta = 0;
            target = null;
            return;
        }
        if (targetValues == null || targetValues.length != batch * topology.outputSize()) {
            throw new UserError("nudge: expected a target of " + batch + " x " + topology.outputSize() + " values");
        }
        for (double v : targetValues) if (!Double.isFinite(v)) throw new UserError("nudge: target values must be finite");
        target = targetValues.clone();
        beta = betaValue;
    }

    @Override
    public void resetState() {
        requireInputs();
        for (int l = 1; l <= layers; l++) Arrays.fill(u[l], 0);
        for (int k = 0; k < layers; k++) Arrays.fill(v[k], 0);
    }

    private void requireInputs() {
        if (input == null) throw new UserError("set the inputs first");
    }

    @Override
    public Relaxation relax(int maxSteps, double tolerance) {
        requireInputs();
        if (maxSteps < 0) throw new UserError("relax: steps must be >= 0");
        if (model.device().driftNu() > 0) refreshWeights(); // conductances drift with chip time
        if (inputDriveStale) computeInputDrive();
        double change = Double.NaN;
        for (int step = 1; step <= maxSteps; step++) {
            now += model.neuron().dt();
            change = step();
            if (change < tolerance) return new Relaxation(step, true, change);
        }
        return new Relaxation(maxSteps, false, change);
    }

    private void computeInputDrive() {
        int n1 = topology.size(1);
        for (int s = 0; s < batch; s++) System.arraycopy(b[0], 0, inputDrive, s * n1, n1);
        Kernels.multiplyTransposedAccumulate(input, batch, topology.inputSize(), w[0], n1, inputDrive);
        inputDriveStale = false;
    }

    /** One synchronous integration step of every free layer (and ghost population); returns max |du|. */
    private double step() {
        for (int l = 1; l <= layers; l++) {
            if (clamped[l] != null) {
                System.arraycopy(clamped[l], 0, r[l], 0, r[l].length);
                continue;
            }
            double[] ul = u[l], rl = r[l];
            for (int i = 0; i < ul.length; i++) rl[i] = transfer.rho(ul[i]);
        }
        if (ghosts) {
            for (int k = 0; k < layers; k++) {
                double[] vk = v[k], gk = gr[k];
                for (int i = 0; i < vk.length; i++) gk[i] = transfer.rho(vk[i]);
            }
        }
        for (int l = 1; l <= layers; l++) {
            int n = topology.size(l);
            double[] d = drive[l];
            if (l == 1) {
                System.arraycopy(inputDrive, 0, d, 0, d.length);
            } else {
                for (int s = 0; s < batch; s++) System.arraycopy(b[l - 1], 0, d, s * n, n);
                Kernels.multiplyTransposedAccumulate(r[l - 1], batch, topology.size(l - 1), w[l - 1], n, d);
            }
            if (ghosts) {
                System.arraycopy(d, 0, ghostDrive[l - 1], 0, d.length);
                readNoiseStd(ghostReadStd[l - 1], r[l - 1], topology.size(l - 1), null, 0, 0);
            }
            double[] above = null;
            if (l < layers && feedbackGain != 0) {
                above = r[l + 1];
                if (ghosts) {
                    double[] diff = topDown[l + 1], g = gr[l];
                    for (int i = 0; i < diff.length; i++) diff[i] = above[i] - g[i];
                    above = diff;
                }
                Kernels.multiplyAccumulateScaled(feedbackGain, above, batch, topology.size(l + 1), w[l], n, d);
            }
            readNoiseStd(readStd[l], r[l - 1], topology.size(l - 1), above, above == null ? 0 : topology.size(l + 1), feedbackGain);
        }
        double maxChange = 0;
        for (int l = 1; l <= layers; l++) {
            if (clamped[l] != null) continue;
            boolean nudged = l == layers && beta != 0;
            maxChange = Math.max(maxChange, integrate(u[l], r[l], drive[l], nudged ? target : null, readStd[l]));
        }
        if (ghosts) {
            for (int k = 0; k < layers; k++) maxChange = Math.max(maxChange, integrate(v[k], gr[k], ghostDrive[k], null, ghostReadStd[k]));
        }
        return maxChange;
    }

    /**
     * u += eps (-u + rho'(u) (drive + read noise) [- beta rho'(u) (rho(u) - y)]) + thermal noise,
     * clipped for the hard sigmoid. The read noise (std {@code readStd[s]} for every neuron of
     * example s) and the thermal noise are independent zero-mean Gaussians that reach u only
     * through their sum eps rho'(u) n_read + n_thermal, so one Gaussian of variance
     * (eps rho'(u) sigma_read)^2 + sigma_thermal^2 draws it exactly (docs/theory.md).
     */
    private double integrate(double[] ul, double[] rl, double[] d, double[] nudgeTarget, double[] readStd) {
        double sigmaThermal = model.neuron().thermalNoise();
        double thermalSq = sigmaThermal * sigmaThermal;
        boolean noisy = sigmaThermal > 0 || model.device().readNoise() > 0;
        boolean clip = transfer.clipsState();
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
                if (noisy) {
                    double read = readScale * rp;
                    double sigma = read == 0 ? sigmaThermal : Math.sqrt(read * read + thermalSq);
                    if (sigma > 0) next += sigma * noise.nextGaussian();
                }
                if (clip) next = next < transfer.railLow ? transfer.railLow : (next > transfer.railHigh ? transfer.railHigh : next);
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
        double sigma = model.device().readNoise();
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

    @Override
    public double[] read(int layer) {
        requireInputs();
        if (layer < 0 || layer > layers) throw new UserError("read: layer must be in 0.." + layers + ", got " + layer);
        if (layer == 0) return input.clone();
        double[] out = new double[u[layer].length];
        HardwareModel.Periphery io = model.periphery();
        double[] held = clamped[layer];
        for (int i = 0; i < out.length; i++) {
            out[i] = quantize(held != null ? held[i] : transfer.rho(u[layer][i]), io.adcMin(), io.adcMax(), io.adcBits());
        }
        return out;
    }

    /** Clips to [low, high], then a uniform quantizer with 2^bits levels spanning it. */
    public static double quantize(double v, double low, double high, int bits) {
        double c = v < low ? low : (v > high ? high : v);
        if (bits == HardwareModel.IDEAL) return c;
        double levels = (1L << bits) - 1;
        return low + Math.rint((c - low) / (high - low) * levels) / levels * (high - low);
    }

    /** Lets chip time pass without activity (e.g. hours of drift between training and use). */
    @Override
    public void advanceTime(double seconds) {
        if (!(seconds >= 0) || !Double.isFinite(seconds)) throw new UserError("time: expected a finite number of seconds >= 0");
        now += seconds;
        refreshWeights();
    }

    public double time() {
        return now;
    }

    private record Snapshot(double[][] u, double[][] v) implements State {}

    @Override
    public State saveState() {
        requireInputs();
        double[][] copy = new double[layers + 1][];
        for (int l = 1; l <= layers; l++) copy[l] = u[l].clone();
        double[][] ghostCopy = new double[layers][];
        for (int k = 0; k < layers; k++) ghostCopy[k] = v[k].clone();
        return new Snapshot(copy, ghostCopy);
    }

    @Override
    public void restoreState(State state) {
        if (!(state instanceof Snapshot snap) || snap.u.length != layers + 1 || snap.u[1].length != u[1].length) {
            throw new UserError("restore: the state does not belong to this chip and batch size");
        }
        for (int l = 1; l <= layers; l++) System.arraycopy(snap.u[l], 0, u[l], 0, u[l].length);
        for (int k = 0; k < layers; k++) System.arraycopy(snap.v[k], 0, v[k], 0, v[k].length);
    }

    @Override
    public void program(LayerParams delta) {
        if (!delta.topology.equals(topology)) throw new UserError("program: topology " + delta.topology + " is not " + topology);
        for (int k = 0; k < layers; k++) {
            weightDevices[k].program(delta.w[k], now, writes);
            biasDevices[k].program(delta.b[k], now, writes);
        }
        refreshWeights();
    }

    /**
     * Everything a checkpoint needs to continue bit for bit: every device's state (for each
     * layer: weights G+, weights G-, bias G+, bias G-), the noise and write streams and the chip
     * time. Fabrication properties are not saved: the seed redraws them. Neuron state is not
     * saved: every batch starts from rest.
     */
    public record Persisted(double[][][] devices, long[] noiseState, long[] writeState, double time) {}

    @Override
    public Persisted persist() {
        double[][][] d = new double[4 * layers][][];
        for (int k = 0; k < layers; k++) {
            d[4 * k] = weightDevices[k].plus().state();
            d[4 * k + 1] = weightDevices[k].minus().state();
            d[4 * k + 2] = biasDevices[k].plus().state();
            d[4 * k + 3] = biasDevices[k].minus().state();
        }
        return new Persisted(d, noise.state(), writes.state(), now);
    }

    @Override
    public void restore(Persisted p) {
        if (p.devices().length != 4 * layers) throw new UserError("checkpoint: " + p.devices().length / 4 + " layers, chip has " + layers);
        if (p.noiseState().length != 4 || p.writeState().length != 4) {
            throw new UserError("checkpoint: random state of " + p.noiseState().length + " + " + p.writeState().length + " words, expected 4 + 4");
        }
        for (int k = 0; k < layers; k++) {
            weightDevices[k].plus().restore(p.devices()[4 * k]);
            weightDevices[k].minus().restore(p.devices()[4 * k + 1]);
            biasDevices[k].plus().restore(p.devices()[4 * k + 2]);
            biasDevices[k].minus().restore(p.devices()[4 * k + 3]);
        }
        noise.restore(p.noiseState());
        writes.restore(p.writeState());
        now = p.time();
        refreshWeights();
    }

    @Override
    public LayerParams readWeights() {
        LayerParams p = new LayerParams(topology);
        for (int k = 0; k < layers; k++) {
            System.arraycopy(w[k], 0, p.w[k], 0, w[k].length);
            System.arraycopy(b[k], 0, p.b[k], 0, b[k].length);
        }
        return p;
    }
}
