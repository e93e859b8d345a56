package epsim.data;

import epsim.common.Rng;
import epsim.math.Topology;

/**
 * Inputs uniform in [0, 1] and one-hot targets of a random class, from the seed's
 * "synthetic-data" stream: the data of testbenches and gradient dumps, which need a
 * representative operating point, not a dataset.
 */
public record SyntheticBatch(double[] inputs, double[] targets, int batch) {
    public static SyntheticBatch draw(Topology t, int batch, long seed) {
        Rng rng = Rng.stream(seed, "synthetic-data");
        double[] x = new double[batch * t.inputSize()];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextDouble();
        double[] y = new double[batch * t.outputSize()];
        for (int s = 0; s < batch; s++) y[s * t.outputSize() + rng.nextInt(t.outputSize())] = 1;
        return new SyntheticBatch(x, y, batch);
    }

    /** The batch as a dataset of {@code name}: its inputs as images, the targets' classes as labels. */
    public Dataset asDataset(Topology t, String name) {
        int[] labels = new int[batch];
        for (int s = 0; s < batch; s++) {
            for (int c = 0; c < t.outputSize(); c++) if (targets[s * t.outputSize() + c] == 1) labels[s] = c;
        }
        return new Dataset(name, batch, t.inputSize(), inputs, labels);
    }
}
