package epsim.train;

/** How a batch's outputs score against its targets: the summed squared error and the examples classified right. */
final class Scoring {
    private Scoring() {}

    /** Sum over the batch of 1/2 |prediction - y|^2. */
    static double loss(double[] prediction, double[] y) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            double d = prediction[i] - y[i];
            s += 0.5 * d * d;
        }
        return s;
    }

    /** Examples whose largest output (first on ties) is the target class. */
    static int correct(double[] prediction, double[] y, int batch) {
        int k = y.length / batch, hits = 0;
        for (int s = 0; s < batch; s++) {
            int best = 0, label = 0;
            for (int i = 1; i < k; i++) {
                if (prediction[s * k + i] > prediction[s * k + best]) best = i;
                if (y[s * k + i] > y[s * k + label]) label = i;
            }
            if (best == label) hits++;
        }
        return hits;
    }
}
