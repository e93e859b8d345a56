package epsim.chip;

import epsim.common.UserError;
import epsim.math.Topology;

/** Voltage sources that hold a neuron layer's outputs (CHL's clamped phase, GAIT-prop's targets). */
final class Clamps {
    private final Topology topology;
    private double[][] held; // held[l]: outputs of layer l, or null when free

    Clamps(Topology topology) {
        this.topology = topology;
    }

    /** Releases every layer (a new batch size starts unclamped). */
    void reset() {
        held = new double[topology.neuronLayers()][];
    }

    void set(int layer, double[] outputs, int batch) {
        int layers = topology.weightLayers();
        if (layer < 1 || layer > layers) throw new UserError("clamp: layer must be in 1.." + layers + ", got " + layer);
        if (outputs == null) {
            held[layer] = null;
            return;
        }
        if (outputs.length != batch * topology.size(layer)) {
            throw new UserError("clamp: expected " + batch + " x " + topology.size(layer) + " values for layer " + layer + ", got " + outputs.length);
        }
        for (double x : outputs) if (!Double.isFinite(x)) throw new UserError("clamp: values must be finite");
        held[layer] = outputs.clone();
    }

    /** The held outputs of layer l, or null when it is free. */
    double[] held(int layer) {
        return held[layer];
    }
}
