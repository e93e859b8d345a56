package epsim.math;

/**
 * One value per synapse and per bias, layer by layer: weights, a gradient, a requested change.
 * {@code w[k]} is row-major {@code size(k+1) x size(k)}; {@code b[k]} has {@code size(k+1)} entries.
 */
public final class LayerParams {
    public final Topology topology;
    public final double[][] w;
    public final double[][] b;

    public LayerParams(Topology topology) {
        this.topology = topology;
        int layers = topology.weightLayers();
        w = new double[layers][];
        b = new double[layers][];
        for (int k = 0; k < layers; k++) {
            w[k] = new double[topology.size(k + 1) * topology.size(k)];
            b[k] = new double[topology.size(k + 1)];
        }
    }

    public int layers() {
        return w.length;
    }

    public LayerParams copy() {
        LayerParams c = new LayerParams(topology);
        for (int k = 0; k < layers(); k++) {
            System.arraycopy(w[k], 0, c.w[k], 0, w[k].length);
            System.arraycopy(b[k], 0, c.b[k], 0, b[k].length);
        }
        return c;
    }

    /** this += s * other */
    public LayerParams addScaled(LayerParams other, double s) {
        for (int k = 0; k < layers(); k++) {
            Kernels.axpy(s, other.w[k], w[k]);
            Kernels.axpy(s, other.b[k], b[k]);
        }
        return this;
    }

    /** Per-layer scaling, e.g. per-layer learning rates. */
    public LayerParams scaled(double[] perLayer) {
        LayerParams c = copy();
        for (int k = 0; k < layers(); k++) {
            for (int i = 0; i < c.w[k].length; i++) c.w[k][i] *= perLayer[k];
            for (int i = 0; i < c.b[k].length; i++) c.b[k][i] *= perLayer[k];
        }
        return c;
    }

    /** Weights and biases of layer k as one vector (weights first). */
    public double[] layerVector(int k) {
        double[] v = new double[w[k].length + b[k].length];
        System.arraycopy(w[k], 0, v, 0, w[k].length);
        System.arraycopy(b[k], 0, v, w[k].length, b[k].length);
        return v;
    }

    /** Every parameter as one vector, layer by layer, weights before biases. */
    public double[] flatten() {
        int n = 0;
        for (int k = 0; k < layers(); k++) n += w[k].length + b[k].length;
        double[] v = new double[n];
        int o = 0;
        for (int k = 0; k < layers(); k++) {
            System.arraycopy(w[k], 0, v, o, w[k].length);
            o += w[k].length;
            System.arraycopy(b[k], 0, v, o, b[k].length);
            o += b[k].length;
        }
        return v;
    }
}
