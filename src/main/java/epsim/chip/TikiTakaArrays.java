package epsim.chip;

import epsim.common.Rng;
import epsim.common.UserError;
import epsim.device.Converters;
import epsim.device.OuterProductUpdate;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;

/**
 * Tiki-Taka, first version (Gokmen &amp; Haensch 2020, "Algorithm for training neural networks on
 * resistive device arrays"; the semantics of IBM aihwkit's TransferCompound with gamma 0): every
 * weight layer has a second, fast array A beside the array C the network reads. The rule's rank-one
 * terms reach A as outer-product pulse trains (scaled by fastLr); after every transferEvery terms a
 * layer took, the next readsPerTransfer columns of A are read (a one-hot column drive, read noise,
 * the read-out ADC over the pair's weight range) and each read column v is added to the same column
 * of C by the same kind of trains, scale transferLr, rows v and a one-hot column vector (with
 * transferRows, rows: a one-hot row drive, and the read row with its bias on the columns). Without
 * resets (resetProbability 0, Tiki-Taka as published) soft-bounded devices pull A back towards
 * their symmetry point, which a pair of like devices holds at weight 0 (A starts there, written to
 * 0), so A is a leaky accumulator of the recent update and C integrates what persists; with
 * resetProbability p a transferred line is written back to 0 with probability p (aihwkit's
 * with_reset_prob, a write-verify of its pairs), so that A holds only the update since its last transfer.
 *
 * <p>The fast arrays are fabricated from the seed's "fast-fabrication" stream and written, like C,
 * by the chip's write stream; the transfer reads' noise comes from that stream too, after A's pulses,
 * so the order of every draw is fixed by the updates alone.
 */
final class TikiTakaArrays {
    private final HardwareModel.TikiTaka settings;
    private final Crossbars fast;
    private final long[] termsTaken; // per layer: rank-one terms A took, which fixes the transfers done and the next column
    private final double weightRange, readNoise;
    private final int adcBits;

    TikiTakaArrays(HardwareModel model, Topology topology, long seed, Rng writes) {
        this.settings = model.update().tikiTaka();
        HardwareModel.Device device = model.device();
        this.fast = Crossbars.fastArrays(device, topology, seed, writes);
        fast.writeVerified(new LayerParams(topology), 0);
        this.termsTaken = new long[topology.weightLayers()];
        this.weightRange = device.maxWeight();
        this.readNoise = device.readNoise();
        this.adcBits = model.periphery().adcBits();
    }

    Crossbars fast() {
        return fast;
    }

    /**
     * Layer k's update: the terms reach A, then every transfer they make due moves columns of A to
     * {@code slow} (C). Returns the pulse slots taken by A's trains and the transfers' trains.
     */
    long update(OuterProductUpdate trains, int k, CrossbarLayer slow, double[] d, double[] x, double bias, int terms, double scale, double now, Rng writes) {
        CrossbarLayer a = fast.layer(k);
        long slots = a.updateOuterProduct(trains, d, x, bias, terms, scale * settings.fastLr(), now, writes);
        long before = termsTaken[k], after = before + terms;
        termsTaken[k] = after;
        long transfers = after / settings.transferEvery() - before / settings.transferEvery();
        if (transfers == 0 || settings.transferLr() == 0) return slots;
        a.refresh(now);
        int inputs = a.inputs(), outputs = a.outputs();
        // columns: the inputs' lines, the bias column last; rows: the outputs' lines, each with its bias device
        int lines = settings.transferRows() ? outputs : inputs + 1, length = settings.transferRows() ? inputs + 1 : outputs;
        long linesDone = before / settings.transferEvery() * settings.readsPerTransfer();
        // one pass over the array at most: A does not change between the transfers, so a second read of a line would repeat the first
        long count = Math.min(transfers * settings.readsPerTransfer(), lines);
        double[] read = new double[length], oneHot = new double[settings.transferRows() ? outputs : inputs];
        double[] readRow = settings.transferRows() ? new double[inputs] : null; // a read row's synapses, its bias apart
        for (long c = 0; c < count; c++) {
            epsim.common.WorkLimit.check("tiki-taka transfer");
            int line = (int) ((linesDone + c) % lines);
            for (int e = 0; e < length; e++) {
                int i = settings.transferRows() ? line : e, j = settings.transferRows() ? e : line;
                double w = j < inputs ? a.weights()[i * inputs + j] : a.biases()[i];
                if (readNoise > 0) w += readNoise * writes.nextGaussian();
                read[e] = Converters.quantize(w, -weightRange, weightRange, adcBits);
            }
            if (settings.transferRows()) {
                // a one-hot drive on row `line`, the read row on the columns, its bias value on the bias column
                oneHot[line] = 1;
                System.arraycopy(read, 0, readRow, 0, inputs);
                slots += slow.updateOuterProduct(trains, oneHot, readRow, read[inputs], 1, settings.transferLr(), now, writes);
                oneHot[line] = 0;
                if (reset(writes)) a.resetRow(line, now);
            } else {
                if (line < inputs) oneHot[line] = 1;
                slots += slow.updateOuterProduct(trains, read, oneHot, line < inputs ? 0 : 1, 1, settings.transferLr(), now, writes);
                if (line < inputs) oneHot[line] = 0;
                if (reset(writes)) a.resetColumn(line, now);
            }
        }
        return slots;
    }

    /** Whether a line just transferred is reset (resetProbability; a draw only when it is strictly between 0 and 1). */
    private boolean reset(Rng writes) {
        double p = settings.resetProbability();
        return p >= 1 || (p > 0 && writes.nextDouble() < p);
    }

    /** Rank-one terms each layer's A has taken (the transfer schedule's state), for checkpoints. */
    long[] termsTaken() {
        return termsTaken.clone();
    }

    void checkTermsTaken(long[] taken) {
        if (taken == null || taken.length != termsTaken.length) {
            throw new UserError("checkpoint: Tiki-Taka's transfer schedule has " + (taken == null ? 0 : taken.length) + " layers, the chip " + termsTaken.length);
        }
        for (long t : taken) if (t < 0) throw new UserError("checkpoint: Tiki-Taka's transfer schedule: a negative count of terms, " + t);
    }

    /** Restores a schedule {@link #checkTermsTaken} accepted. */
    void restoreTermsTaken(long[] taken) {
        System.arraycopy(taken, 0, termsTaken, 0, taken.length);
    }
}
