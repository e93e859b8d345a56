package epsim.math;

import epsim.common.UserError;

import java.util.Arrays;

/**
 * Layer sizes of a layered network, input first: {@code 784-500-10}. Neuron layer 0 is the
 * input (voltages from DACs); weight layer k connects neuron layer k to k+1.
 */
public final class Topology {
    private final int[] sizes;

    public Topology(int... sizes) {
        if (sizes.length < 2) throw new IllegalArgumentException("need at least an input and an output layer");
        for (int s : sizes) if (s < 1) throw new IllegalArgumentException("layer sizes must be >= 1");
        this.sizes = sizes.clone();
    }

    /** Parses {@code 784-500-10}; {@code where} names the flag or file field in errors. */
    public static Topology parse(String spec, String where) {
        String[] parts = spec.trim().split("-", -1); // -1: a trailing '-' is an empty size, refused below
        if (parts.length < 2) {
            throw new UserError(where + ": expected layer sizes joined by '-', input first (e.g. 784-500-10), got \"" + spec + "\"");
        }
        int[] sizes = new int[parts.length];
        long synapses = 0;
        for (int i = 0; i < parts.length; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new UserError(where + ": layer " + i + " size \"" + parts[i] + "\" is not an integer");
            }
            if (sizes[i] < 1 || sizes[i] > 1_000_000) {
                throw new UserError(where + ": layer " + i + " size must be in 1..1000000, got " + sizes[i]);
            }
            if (i > 0) synapses += (long) sizes[i] * sizes[i - 1];
        }
        if (synapses > 200_000_000L) {
            throw new UserError(where + ": " + synapses + " synapses is more than the 200000000 epsim holds in memory");
        }
        return new Topology(sizes);
    }

    /** Number of neuron layers, input included. */
    public int neuronLayers() {
        return sizes.length;
    }

    /** Number of weight layers (L). */
    public int weightLayers() {
        return sizes.length - 1;
    }

    public int size(int neuronLayer) {
        return sizes[neuronLayer];
    }

    public int inputSize() {
        return sizes[0];
    }

    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    /** Neurons whose state evolves (all but the input). */
    public int freeNeurons() {
        int n = 0;
        for (int l = 1; l < sizes.length; l++) n += sizes[l];
        return n;
    }

    public long parameterCount() {
        long n = 0;
        for (int k = 0; k < weightLayers(); k++) n += (long) sizes[k + 1] * sizes[k] + sizes[k + 1];
        return n;
    }

    /**
     * The largest batch whose neuron state fits the budget: per example the inputs and, for every
     * other neuron, about eight doubles (state, outputs, drive, the ghost copies and scratch).
     */
    public int maxBatch() {
        long perExample = 8L * (inputSize() + 8L * freeNeurons());
        return (int) Math.max(1, Math.min(1_000_000, STATE_BUDGET_BYTES / perExample));
    }

    /** Bytes of neuron state a batch may take: 1.6 GB, a quarter of the heap a 24 GB machine gives the JVM by default. */
    public static final long STATE_BUDGET_BYTES = 1_600_000_000L;

    public int[] sizes() {
        return sizes.clone();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) b.append(i == 0 ? "" : "-").append(sizes[i]);
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Topology t && Arrays.equals(sizes, t.sizes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sizes);
    }
}
