package epsim.chip;

import epsim.common.UserError;

/**
 * Everything a checkpoint needs to continue a chip bit for bit: every device's state (for each
 * layer: weights G+, weights G-, bias G+, bias G-), the noise and write streams and the chip
 * time. Fabrication properties are not saved: the seed redraws them. Neuron state is not saved:
 * every batch starts from rest.
 */
public record PersistedChip(double[][][] devices, long[] noiseState, long[] writeState, double time) {

    /** The state of a chip built from these parts. */
    public static PersistedChip of(Crossbars crossbars, NeuronDynamics neurons, ChipTime time) {
        return new PersistedChip(crossbars.deviceStates(), neurons.noiseStream().state(), crossbars.writeStream().state(), time.now());
    }

    /** Puts this state back into a chip built from these parts (same model, topology and seed). */
    public void restoreInto(Crossbars crossbars, NeuronDynamics neurons, ChipTime clock) {
        int layers = crossbars.layers();
        if (devices.length != 4 * layers) throw new UserError("checkpoint: " + devices.length / 4 + " layers, chip has " + layers);
        if (noiseState.length != 4 || writeState.length != 4) {
            throw new UserError("checkpoint: random state of " + noiseState.length + " + " + writeState.length + " words, expected 4 + 4");
        }
        crossbars.restoreDevices(devices);
        neurons.noiseStream().restore(noiseState);
        crossbars.writeStream().restore(writeState);
        clock.set(time);
        crossbars.refresh(time);
    }
}
