package epsim.spice;

import epsim.chip.AnalogChip;
import epsim.chip.ChipCounters;
import epsim.chip.ChipEvents;
import epsim.chip.ChipTime;
import epsim.chip.Crossbars;
import epsim.chip.HostedChip;
import epsim.chip.NeuronDynamics;
import epsim.chip.Nudge;
import epsim.chip.PersistedChip;
import epsim.common.UserError;
import epsim.device.Converters;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.TransferCurve;

import java.util.Map;

/**
 * A chip whose neurons are solved by ngspice: every {@link #relax} writes the whole batch as one
 * netlist (one copy of the network per example, {@link Netlist}, the clamped inputs folded into
 * constant first-layer currents) and takes ngspice's operating
 * point, started from the present state (.nodeset), as the new state. The devices, their
 * programming and the DACs/ADCs are epsim's ({@link Crossbars}, {@link Converters}); the weights the
 * netlist uses are the devices' verification read. epsim's own {@link NeuronDynamics} run alongside
 * on the same crossbars, as Newton's first guess. Not modelled on this backend: read and thermal
 * noise, clamps and ghost units. A relaxation reports 1 step: ngspice solves for the equilibrium.
 */
public final class SpiceChip implements HostedChip {
    /** Longest wait for Newton's method before settling by a transient instead. */
    static final long OP_SECONDS = 10;
    static final int SETTLE_TAUS = 40;
    /** Operating points solved again from the last one while ngspice needed stepping to reach it. */
    static final int POLISH_ATTEMPTS = 4;
    private final HardwareModel model;
    private final ChipTime time = new ChipTime();
    private final Crossbars crossbars;
    private final Converters converters;
    private final NeuronDynamics guide;
    private final Nudge nudge = new Nudge();
    // counted events: ngspice solves each equilibrium in continuous time, so no steps of chip time or per-step reads
    private final ChipEvents events;
    private final Topology topology;
    private final TransferCurve transfer;
    private final double tau;
    private double gain = 1;
    private int batch;
    private double[] inputs;
    private double[][][] u; // [example][layer][neuron]

    private record Snapshot(double[][][] u, State guide) implements State {}

    public SpiceChip(HardwareModel model, Topology topology, long seed) {
        if (model.neuron().transfer().clipsState()) {
            // the clipping curve's rho' jumps at the rails: its projected equilibria are not a
            // smooth operating point, and ngspice's Newton iteration does not converge on them
            throw new UserError("spice chip: the hardSigmoid transfer is not supported (use --set neuron.transfer=sigmoid or tanh)");
        }
        if (model.periphery().adcNoise() > 0) throw new UserError("spice chip: ADC noise (periphery.adcNoise) is not modelled on this backend");
        if (model.update().mode() == HardwareModel.UpdateMode.TIKI_TAKA) throw new UserError("spice chip: update.mode tikiTaka is not modelled on this backend (use outerProduct or host)");
        this.model = model;
        this.crossbars = new Crossbars(model.device(), topology, seed);
        this.events = new ChipEvents(crossbars);
        this.converters = new Converters(model.periphery());
        this.guide = new NeuronDynamics(model, crossbars, converters, time, seed);
        crossbars.writeVerified(AnalogChip.initialWeights(topology, seed), time.now());
        this.topology = topology;
        this.transfer = model.neuron().transfer();
        this.tau = model.neuron().tau();
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
    public HardwareModel model() {
        return model;
    }

    @Override
    public void setFeedbackGain(double g) {
        guide.setFeedbackGain(g); // validates; the guide relaxes alongside, as Newton's first guess
        gain = g;
    }

    @Override
    public void clamp(int layer, double[] outputs) {
        if (outputs != null) throw new UserError("spice chip: clamped layers are not modelled on this backend");
    }

    @Override
    public void setGhostUnits(boolean enabled) {
        if (enabled) throw new UserError("spice chip: ghost units are not modelled on this backend");
    }

    @Override
    public double[] readGhost(int k) {
        throw new UserError("spice chip: ghost units are not modelled on this backend");
    }

    @Override
    public void setInputs(double[] x, int batchSize) {
        guide.setInputs(x, batchSize); // validates and applies the DACs
        inputs = guide.inputs();
        events.dacConversions(x.length);
        if (batchSize != batch || u == null) {
            batch = batchSize;
            u = new double[batch][topology.neuronLayers()][];
            resetState();
        }
        nudge.clear();
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public void setNudge(double[] t, double b) {
        guide.setNudge(t, b);
        nudge.set(t, b, batch, topology.outputSize());
    }

    @Override
    public void resetState() {
        if (u == null) throw new UserError("set the inputs first");
        guide.resetState();
        for (double[][] example : u) {
            for (int l = 1; l < topology.neuronLayers(); l++) example[l] = new double[topology.size(l)];
        }
    }

    @Override
    public Relaxation relax(int maxSteps, double tolerance) {
        if (inputs == null) throw new UserError("set the inputs first");
        LayerParams w = crossbars.read();
        double[][][] start = guess(maxSteps, tolerance);
        Map<String, Double> v = null;
        for (int attempt = 0; attempt < POLISH_ATTEMPTS; attempt++) {
            Ngspice.OperatingPoint op;
            try {
                op = Ngspice.solve(deck(w, start, false), OP_SECONDS);
            } catch (UserError newtonFailed) {
                v = settleByTransient(w);
                break;
            }
            v = op.voltages();
            if (op.direct()) break;
            for (int b = 0; b < batch; b++) {
                for (int l = 1; l < topology.neuronLayers(); l++) {
                    start[b][l] = start[b][l].clone();
                    for (int i = 0; i < topology.size(l); i++) start[b][l][i] = v.get(Netlist.node("e" + b + "_", l, i));
                }
            }
        }
        double change = 0;
        for (int b = 0; b < batch; b++) {
            for (int l = 1; l < topology.neuronLayers(); l++) {
                for (int i = 0; i < topology.size(l); i++) {
                    Double value = v.get(Netlist.node("e" + b + "_", l, i));
                    if (value == null) throw new UserError("ngspice: no voltage for node " + Netlist.node("e" + b + "_", l, i));
                    double x = transfer.clipsState() ? Math.min(transfer.railHigh, Math.max(transfer.railLow, value)) : value;
                    change = Math.max(change, Math.abs(x - u[b][l][i]));
                    u[b][l][i] = x;
                }
            }
        }
        events.relaxed(batch, 1, epsim.chip.ChipEvents.StepReads.NONE, 0); // per example, as the other chips count; one "step" each, no chip time or per-step reads
        return new Relaxation(1, true, change);
    }

    /**
     * Newton's first guess: epsim's own relaxation of the same circuit from the same state (its
     * device chip runs alongside). It only seeds ngspice's solve: the state taken is the operating
     * point ngspice converges to by Newton's method on its own circuit equations (polished until it
     * gets there directly), so a wrong guess costs iterations, not accuracy. Saturated tanh networks
     * need it: from rest, Newton, gmin and source stepping all fail on them.
     */
    private double[][][] guess(int maxSteps, double tolerance) {
        guide.relax(Math.max(maxSteps, 1), tolerance);
        double[][][] start = new double[batch][topology.neuronLayers()][];
        for (int l = 1; l < topology.neuronLayers(); l++) {
            double[] r = converters.adcAll(guide.outputs(l));
            int n = topology.size(l);
            for (int b = 0; b < batch; b++) {
                start[b][l] = new double[n];
                for (int i = 0; i < n; i++) start[b][l][i] = transfer.inverse(r[b * n + i]);
            }
        }
        return start;
    }

    /**
     * The whole batch as one netlist, each example's copy starting from {@code start[b]}: an
     * operating point's first guess, or with {@code forTransient} a transient's initial state.
     */
    private String deck(LayerParams w, double[][][] start, boolean forTransient) {
        int n0 = topology.inputSize(), ny = topology.outputSize();
        StringBuilder deck = new StringBuilder(Netlist.header(transfer, topology, tau,
                "epsim spice chip, batch " + batch + (forTransient ? ", settling transient" : "")));
        for (int b = 0; b < batch; b++) {
            double[] x = new double[n0];
            System.arraycopy(inputs, b * n0, x, 0, n0);
            double[] y = null;
            if (nudge.beta() != 0) {
                y = new double[ny];
                System.arraycopy(nudge.target(), b * ny, y, 0, ny);
            }
            deck.append(Netlist.body("e" + b + "_", w, tau, gain, x, nudge.beta(), y, start[b], forTransient, true));
        }
        deck.append(forTransient ? Netlist.settlingOptions() : Netlist.options());
        return deck.toString();
    }

    /**
     * When Newton's method finds no operating point (strongly saturated tanh units make the
     * Jacobian nearly singular), let ngspice integrate the circuit itself from the present state
     * for {@link #SETTLE_TAUS} time constants and take where it ends: the chip's own way to an
     * equilibrium, with ngspice's integrator.
     */
    private Map<String, Double> settleByTransient(LayerParams w) {
        java.util.List<String> nodes = new java.util.ArrayList<>();
        for (int b = 0; b < batch; b++) {
            for (int l = 1; l < topology.neuronLayers(); l++) for (int i = 0; i < topology.size(l); i++) nodes.add(Netlist.node("e" + b + "_", l, i));
        }
        java.util.List<double[]> rows = Ngspice.transientRun(deck(w, u, true), tau, SETTLE_TAUS * tau, nodes);
        double[] last = rows.get(rows.size() - 1);
        Map<String, Double> v = new java.util.HashMap<>();
        for (int k = 0; k < nodes.size(); k++) v.put(nodes.get(k), last[k + 1]);
        return v;
    }

    /** The membrane potentials of layer l for the whole batch (batch x size), without the ADC. */
    public double[] potentials(int layer) {
        double[] out = new double[batch * topology.size(layer)];
        for (int b = 0; b < batch; b++) System.arraycopy(u[b][layer], 0, out, b * topology.size(layer), topology.size(layer));
        return out;
    }

    @Override
    public double[] read(int layer) {
        if (inputs == null) throw new UserError("set the inputs first");
        if (layer < 0 || layer >= topology.neuronLayers()) throw new UserError("read: layer must be in 0.." + (topology.neuronLayers() - 1));
        if (layer == 0) return inputs.clone();
        double[] p = potentials(layer);
        for (int i = 0; i < p.length; i++) p[i] = transfer.rho(p[i]);
        events.adcConversions(layer, p.length);
        return converters.adcAll(p);
    }


    @Override
    public State saveState() {
        double[][][] copy = new double[batch][topology.neuronLayers()][];
        for (int b = 0; b < batch; b++) for (int l = 1; l < topology.neuronLayers(); l++) copy[b][l] = u[b][l].clone();
        return new Snapshot(copy, guide.saveState());
    }

    @Override
    public void restoreState(State state) {
        if (!(state instanceof Snapshot s) || s.u.length != batch) throw new UserError("restore: the state does not belong to this chip and batch size");
        for (int b = 0; b < batch; b++) for (int l = 1; l < topology.neuronLayers(); l++) u[b][l] = s.u[b][l].clone();
        guide.restoreState(s.guide());
    }

    @Override
    public HardwareModel.UpdateMode updateMode() {
        return model.update().mode();
    }

    @Override
    public void updateOuterProduct(int k, double[] d, double[] x, double bias, int terms, double scale) {
        if (!model.update().mode().fromRankOneTerms()) HostedChip.super.updateOuterProduct(k, d, x, bias, terms, scale);
        crossbars.updateOuterProduct(new epsim.device.OuterProductUpdate(model.update(), model.device()), k, d, x, bias, terms, scale, time.now());
    }

    @Override
    public void program(LayerParams delta) {
        crossbars.program(delta, time.now());
    }

    /**
     * Relaxations (each reported as one step), conversions and programming; no steps of chip time,
     * no per-step crossbar reads and so no crossbar energy: ngspice solves each equilibrium in
     * continuous time.
     */
    @Override
    public ChipCounters counters() {
        return events.counters(0, null);
    }

    @Override
    public void resetCounters() {
        events.reset(0, null);
    }

    @Override
    public LayerParams readWeights() {
        return events.verifiedRead(topology);
    }

    @Override
    public PersistedChip persist() {
        return PersistedChip.of(crossbars, guide, time);
    }

    @Override
    public void restore(PersistedChip state) {
        state.restoreInto(crossbars, guide, time);
    }

    @Override
    public void advanceTime(double seconds) {
        time.idle(seconds);
        crossbars.refresh(time.now());
    }
}
