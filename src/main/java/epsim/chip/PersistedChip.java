package epsim.chip;

import epsim.common.UserError;
import epsim.math.Topology;

/**
 * Everything a checkpoint needs to continue a chip bit for bit: every device's state (for each
 * layer: weights G+, weights G-, bias G+, bias G-; then, with ghost units on a separate crossbar,
 * that crossbar's the same way, or Tiki-Taka's fast arrays'), the noise and write streams, the chip
 * time and, in update mode tikiTaka, the transfer schedule (rank-one terms each layer's fast array
 * took; empty otherwise). Fabrication properties are not saved: the seed redraws them. Neuron state
 * is not saved: every batch starts from rest.
 */
public record PersistedChip(double[][][] devices, long[] noiseState, long[] writeState, double time, long[] transferSchedule) {

    /** A state without a transfer schedule (update modes host and outerProduct). */
    public PersistedChip(double[][][] devices, long[] noiseState, long[] writeState, double time) {
        this(devices, noiseState, writeState, time, new long[0]);
    }

    /** The state of a chip built from these parts. */
    public static PersistedChip of(Crossbars crossbars, NeuronDynamics neurons, ChipTime time) {
        return new PersistedChip(crossbars.deviceStates(), neurons.noiseStream().state(), crossbars.writeStream().state(), time.now(),
                crossbars.transferSchedule());
    }

    /**
     * Refuses a state that cannot belong to a chip of topology {@code t}: four device states per
     * layer (weights G+, G-, bias G+, G-), each one to three arrays (conductances; programming times
     * with drift; pulses taken with wear) of the layer's size, finite values, two random states of
     * four words, a finite time. The device model's own bounds, and which array is which, are
     * checked on restore.
     */
    public void checkShape(Topology t) {
        int layers = t.weightLayers(), per = CrossbarLayer.PERSISTED_ARRAYS;
        if (devices == null || (devices.length != per * layers && devices.length != 2 * per * layers)) {
            throw new UserError((devices == null ? 0 : devices.length) + " device arrays, a " + t + " chip has " + per * layers
                    + " (" + 2 * per * layers + " with a separate ghost crossbar or Tiki-Taka's fast arrays)");
        }
        for (int k = 0; k < devices.length / per; k++) {
            for (int j = 0; j < per; j++) {
                double[][] d = devices[per * k + j];
                int layer = k % layers;
                int n = CrossbarLayer.persistedLength(j, t.size(layer + 1), t.size(layer));
                if (d == null || d.length < 1 || d.length > 3) throw new UserError("device state " + (per * k + j) + ": expected 1 to 3 arrays");
                for (double[] a : d) {
                    if (a == null || a.length != n) throw new UserError("device state " + (per * k + j) + ": " + (a == null ? 0 : a.length) + " values, expected " + n);
                    for (double v : a) if (!Double.isFinite(v)) throw new UserError("device state " + (per * k + j) + ": a value is not finite");
                }
            }
        }
        if (noiseState == null || writeState == null || noiseState.length != 4 || writeState.length != 4) {
            throw new UserError("random states: expected 4 + 4 words");
        }
        if (!(time >= 0 && time <= ChipTime.MAX_SECONDS)) throw new UserError("chip time " + time + ": expected a number in 0.." + ChipTime.MAX_SECONDS + " s");
        if (transferSchedule == null || (transferSchedule.length != 0 && transferSchedule.length != layers)) {
            throw new UserError("transfer schedule: expected none or " + layers + " counts, got " + (transferSchedule == null ? 0 : transferSchedule.length));
        }
        for (long terms : transferSchedule) if (terms < 0) throw new UserError("transfer schedule: a negative count of terms, " + terms);
        consistent("", false);
    }

    /**
     * What no chip's own state holds: a random state of four zero words (a stream never reaches it)
     * or, when {@code drifting} (the second array of a drifting device's state holds its
     * programming times; without drift it holds a worn device's pulse counts), a device programmed
     * after the chip's present time.
     */
    private void consistent(String prefix, boolean drifting) {
        for (long[] r : new long[][] {noiseState, writeState}) {
            if (r == null || r.length != 4) continue; // checked apart
            if (r[0] == 0 && r[1] == 0 && r[2] == 0 && r[3] == 0) throw new UserError(prefix + "random state: all four words are 0, which no stream reaches");
        }
        for (int k = 0; drifting && devices != null && k < devices.length; k++) {
            if (devices[k] == null || devices[k].length < 2 || devices[k][1] == null) continue; // shapes are checked apart
            for (double at : devices[k][1]) {
                if (!(at >= 0 && at <= time)) {
                    throw new UserError(prefix + "device state " + k + ": a programming time " + at + " s outside the chip's past (0.." + time + " s)");
                }
            }
        }
    }

    /** Puts this state back into a chip built from these parts (same model, topology and seed). */
    public void restoreInto(Crossbars crossbars, NeuronDynamics neurons, ChipTime clock) {
        int layers = crossbars.layers();
        if (!(time >= 0 && time <= ChipTime.MAX_SECONDS)) throw new UserError("checkpoint: chip time " + time + " is not a number in 0.." + ChipTime.MAX_SECONDS + " s");
        if (devices == null || devices.length != crossbars.deviceArrays()) {
            throw new UserError("checkpoint: " + (devices == null ? 0 : devices.length) + " device arrays, the chip has " + crossbars.deviceArrays()
                    + (crossbars.deviceArrays() > CrossbarLayer.PERSISTED_ARRAYS * layers ? " (its ghost crossbar's included)" : ""));
        }
        if (noiseState == null || writeState == null || noiseState.length != 4 || writeState.length != 4) {
            throw new UserError("checkpoint: random state of " + noiseState.length + " + " + writeState.length + " words, expected 4 + 4");
        }
        consistent("checkpoint: ", crossbars.drifts());
        crossbars.checkTransferSchedule(transferSchedule);
        crossbars.restoreDevices(devices);
        crossbars.restoreTransferSchedule(transferSchedule);
        neurons.noiseStream().restore(noiseState);
        crossbars.writeStream().restore(writeState);
        clock.set(time);
        crossbars.refresh(time);
    }
}
