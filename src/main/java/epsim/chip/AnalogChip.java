package epsim.chip;

import epsim.common.Rng;
import epsim.device.Converters;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.TransferCurve;

/**
 * The simulated chip, assembled from its parts: {@link Crossbars} (the synapse devices and their
 * programming), {@link Converters} (DACs and ADCs), {@link NeuronDynamics} (the integrators and
 * the circuit's switches) and one {@link ChipTime}. A controller sees it only as a {@link Chip}.
 */
public final class AnalogChip implements HostedChip {
    private final HardwareModel model;
    private final Topology topology;
    private final ChipTime time = new ChipTime();
    private final Crossbars crossbars;
    private final Converters converters;
    private final NeuronDynamics neurons;
    private final ChipEvents events;
    private final epsim.device.OuterProductUpdate trains; // null in host mode

    /**
     * Builds a chip and writes initial weights into it. Weights start Glorot-uniform,
     * U(-a, a) with a = sqrt(6 / (fan_in + fan_out)) (the initialisation of Scellier & Bengio
     * 2017), biases at 0; the draw comes from the seed's "init" stream.
     */
    public static AnalogChip fabricate(HardwareModel model, Topology topology, long seed) {
        AnalogChip chip = new AnalogChip(model, topology, seed);
        chip.crossbars.writeVerified(initialWeights(topology, seed), chip.time.now());
        return chip;
    }

    /** The Glorot-uniform draw of {@link #fabricate}. */
    public static LayerParams initialWeights(Topology topology, long seed) {
        Rng init = Rng.stream(seed, "init");
        LayerParams initial = new LayerParams(topology);
        for (int k = 0; k < topology.weightLayers(); k++) {
            double a = Math.sqrt(6.0 / (topology.size(k) + topology.size(k + 1)));
            for (int i = 0; i < initial.w[k].length; i++) initial.w[k][i] = a * (2 * init.nextDouble() - 1);
        }
        return initial;
    }

    /** Builds a chip whose devices are written (write-verify, no noise) with {@code weights}. */
    public static AnalogChip withWeights(HardwareModel model, LayerParams weights, long seed) {
        AnalogChip chip = new AnalogChip(model, weights.topology, seed);
        chip.crossbars.writeVerified(weights, chip.time.now());
        return chip;
    }

    private AnalogChip(HardwareModel model, Topology topology, long seed) {
        this.model = model;
        this.topology = topology;
        this.crossbars = new Crossbars(model, topology, seed);
        this.events = new ChipEvents(crossbars);
        this.converters = new Converters(model.periphery());
        this.neurons = new NeuronDynamics(model, crossbars, converters, time, seed);
        this.trains = model.update().mode().fromRankOneTerms()
                ? new epsim.device.OuterProductUpdate(model.update(), model.device()) : null;
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
        return model.neuron().transfer();
    }

    /** See {@link NeuronDynamics#resetCircuit}: what a new protocol session starts from. */
    public void resetCircuit() {
        neurons.resetCircuit();
    }


    @Override
    public void setFeedbackGain(double gain) {
        neurons.setFeedbackGain(gain);
    }

    @Override
    public void clamp(int layer, double[] outputs) {
        neurons.clamp(layer, outputs);
    }

    @Override
    public void setGhostUnits(boolean enabled) {
        neurons.setGhostUnits(enabled);
    }

    @Override
    public double[] readGhost(int k) {
        double[] values = converters.adcAll(neurons.ghostOutputs(k), neurons.noiseStream());
        events.adcConversions(k + 1, values.length);
        return values;
    }

    @Override
    public int batch() {
        return neurons.batch();
    }

    @Override
    public void setInputs(double[] inputs, int batchSize) {
        neurons.setInputs(inputs, batchSize);
        events.dacConversions(inputs.length);
    }

    @Override
    public void setNudge(double[] target, double beta) {
        neurons.setNudge(target, beta);
    }

    @Override
    public void resetState() {
        neurons.resetState();
    }

    @Override
    public Relaxation relax(int maxSteps, double tolerance) {
        ChipEvents.StepReads readsPerStep = neurons.readsPerStep(); // the circuit does not change during a relaxation
        Relaxation r = neurons.relax(maxSteps, tolerance);
        events.relaxed(neurons.batch(), r.steps(), readsPerStep, model.neuron().dt());
        return r;
    }

    @Override
    public double[] read(int layer) {
        if (layer == 0) return neurons.inputs(); // the DACs' own values: no conversion
        double[] values = converters.adcAll(neurons.outputs(layer), neurons.noiseStream());
        events.adcConversions(layer, values.length);
        return values;
    }


    /** Lets chip time pass without activity (e.g. hours of drift between training and use). */
    @Override
    public void advanceTime(double seconds) {
        time.idle(seconds);
        crossbars.refresh(time.now());
    }

    public double time() {
        return time.now();
    }

    @Override
    public State saveState() {
        return neurons.saveState();
    }

    @Override
    public void restoreState(State state) {
        neurons.restoreState(state);
    }

    @Override
    public void program(LayerParams delta) {
        crossbars.program(delta, time.now());
    }

    @Override
    public HardwareModel.UpdateMode updateMode() {
        return model.update().mode();
    }

    @Override
    public void updateOuterProduct(int k, double[] d, double[] x, double bias, int terms, double scale) {
        if (trains == null) HostedChip.super.updateOuterProduct(k, d, x, bias, terms, scale); // refuses: a host-mode chip
        crossbars.updateOuterProduct(trains, k, d, x, bias, terms, scale, time.now());
    }

    /** Row tiles and column tiles of weight layer {@code layer} (1..L): its inputs and bias row over tile rows, its outputs over tile columns. */
    public int[] tileCounts(int layer) {
        if (layer < 1 || layer > topology.weightLayers()) throw new epsim.common.UserError("tile: layer must be in 1.." + topology.weightLayers() + ", got " + layer);
        return crossbars.layer(layer - 1).tileGrid();
    }

    /** Tile (p, q) of weight layer {@code layer} (1..L) as a circuit of its own, with its devices' conductances now (docs/tiles.md). */
    public TileCircuit tile(int layer, int p, int q) {
        if (layer < 1 || layer > topology.weightLayers()) throw new epsim.common.UserError("tile: layer must be in 1.." + topology.weightLayers() + ", got " + layer);
        return crossbars.layer(layer - 1).tile(model.array(), model.device().gRef(), layer - 1, p, q, time.now());
    }

    @Override
    public PersistedChip persist() {
        return PersistedChip.of(crossbars, neurons, time);
    }

    @Override
    public void restore(PersistedChip p) {
        p.restoreInto(crossbars, neurons, time);
    }

    @Override
    public epsim.device.WearReport wear(double epochs, double fraction) {
        return epsim.device.WearReport.of(crossbars.devices(), epochs, fraction);
    }

    @Override
    public ChipCounters counters() {
        return events.counters(neurons.crossbarJoules(), neurons.crossbarJoulesByLayer());
    }

    @Override
    public void resetCounters() {
        events.reset(neurons.crossbarJoules(), neurons.crossbarJoulesByLayer());
    }

    @Override
    public LayerParams readWeights() {
        return events.verifiedRead(topology);
    }
}
