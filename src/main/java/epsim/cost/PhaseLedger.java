package epsim.cost;

import epsim.chip.Chip;
import epsim.chip.ChipCounters;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.TransferCurve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A chip seen through a ledger that splits its counted events by phase: every relaxation is a
 * phase named by the circuit it ran in ("free", "nudged +beta", "nudged -beta", "clamped
 * outputs", "clamped layers", "feed-forward", with "+ ghosts"), and the events up to the next
 * relaxation (its reads) belong to it; the inputs applied before a batch's first relaxation belong
 * to that relaxation's phase; verification reads of the weights and programming are the phase
 * "update". It takes a snapshot of the
 * chip's counters at every boundary, so it is for measuring (epsim cost), not for training runs
 * on a remote chip, where each snapshot is a round trip.
 */
public final class PhaseLedger implements Chip {
    private final Chip chip;
    private final Map<String, ChipCounters> phases = new LinkedHashMap<>();
    private ChipCounters mark;
    private String current;     // the phase the events since the mark belong to; null: the next one
    private double beta;
    private final boolean[] clamped;
    private double gain = 1;
    private boolean ghosts;

    public PhaseLedger(Chip chip) {
        this.chip = chip;
        this.mark = chip.counters();
        this.clamped = new boolean[chip.topology().neuronLayers()];
    }

    /** Events per phase since the ledger was made, in the order the phases first ran (call {@link #close} first). */
    public Map<String, ChipCounters> phases() {
        return phases;
    }

    /** Books the events since the last boundary to the phase in progress. */
    public void close() {
        book(current == null ? "update" : current);
        current = null;
    }

    private void book(String phase) {
        ChipCounters now = chip.counters();
        ChipCounters events = now.minus(mark);
        mark = now;
        phases.merge(phase, events, ChipCounters::plus);
    }

    private String circuit() {
        int layers = chip.topology().weightLayers(), held = 0;
        for (int l = 1; l <= layers; l++) if (clamped[l]) held++;
        String name;
        if (held > 0) name = held == 1 && clamped[layers] ? "clamped outputs" : "clamped layers";
        else if (beta > 0) name = "nudged +beta";
        else if (beta < 0) name = "nudged -beta";
        else if (gain == 0) name = "feed-forward";
        else name = "free";
        return ghosts ? name + " + ghosts" : name;
    }

    @Override
    public Relaxation relax(int maxSteps, double tolerance) {
        String phase = circuit();
        book(current == null ? phase : current);
        current = phase;
        return chip.relax(maxSteps, tolerance);
    }

    @Override
    public void program(LayerParams delta) {
        if (current != null) book(current);
        chip.program(delta);
        book("update");
        current = null;
    }

    @Override
    public epsim.model.HardwareModel.UpdateMode updateMode() {
        return chip.updateMode();
    }

    @Override
    public void updateOuterProduct(int k, double[] d, double[] x, double bias, int terms, double scale) {
        if (current != null) book(current);
        chip.updateOuterProduct(k, d, x, bias, terms, scale);
        book("update");
        current = null;
    }

    @Override
    public void setNudge(double[] target, double beta) {
        chip.setNudge(target, beta);
        this.beta = beta;
    }

    @Override
    public void clamp(int layer, double[] outputs) {
        chip.clamp(layer, outputs);
        clamped[layer] = outputs != null;
    }

    @Override
    public void setFeedbackGain(double gain) {
        chip.setFeedbackGain(gain);
        this.gain = gain;
    }

    @Override
    public void setGhostUnits(boolean enabled) {
        chip.setGhostUnits(enabled);
        ghosts = enabled;
    }

    @Override
    public Topology topology() {
        return chip.topology();
    }

    @Override
    public TransferCurve transfer() {
        return chip.transfer();
    }

    @Override
    public double[] readGhost(int k) {
        return chip.readGhost(k);
    }

    @Override
    public void setInputs(double[] inputs, int batch) {
        chip.setInputs(inputs, batch);
    }

    @Override
    public int batch() {
        return chip.batch();
    }

    @Override
    public void resetState() {
        chip.resetState();
    }

    @Override
    public double[] read(int layer) {
        return chip.read(layer);
    }

    @Override
    public double[][] readLayers(int... layers) {
        return chip.readLayers(layers);
    }

    @Override
    public State saveState() {
        return chip.saveState();
    }

    @Override
    public void restoreState(State state) {
        chip.restoreState(state);
    }

    @Override
    public LayerParams readWeights() {
        // a verification read of the weights is part of forming the update, whichever phase it follows
        if (current != null) book(current);
        LayerParams w = chip.readWeights();
        book("update");
        return w;
    }

    @Override
    public ChipCounters counters() {
        return chip.counters();
    }

    @Override
    public void resetCounters() {
        throw new UnsupportedOperationException("a ledger's chip keeps its counters");
    }
}
