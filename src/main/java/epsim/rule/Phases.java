package epsim.rule;

import epsim.chip.Chip;
import epsim.math.Kernels;
import epsim.math.LayerParams;
import epsim.math.Topology;

import java.util.Arrays;
import java.util.List;

/**
 * What the contrastive rules share: reading every layer at the end of a phase, and the
 * contrast of two phases' Hebbian products, which is EP's estimate (and CHL's, with its own
 * scaling).
 */
public final class Phases {
    private Phases() {}

    /** ADC reads of every neuron layer, input included. */
    public static double[][] readAll(Chip chip, Topology t) {
        int[] layers = new int[t.neuronLayers()];
        for (int l = 0; l < layers.length; l++) layers[l] = l;
        return chip.readLayers(layers);
    }

    /** -(hebbian(a) - hebbian(b)) / (betaA - betaB), batch-averaged: the gradient estimate. */
    public static LayerParams contrast(Topology t, double[][] a, double[][] b, int batch, double betaDifference) {
        return contrast(t, a, b, batch, betaDifference, new HostWork(), null);
    }

    /**
     * {@link #contrast}, also listing it in {@code terms} (when not null) as rank-one terms of each
     * neuron's two readings (docs/update.md): where the layer below read the same in both phases
     * (always the input layer), one term of the upper layer's phase difference; elsewhere two, of
     * the differences and the sums of the two phases.
     */
    public static LayerParams contrast(Topology t, double[][] a, double[][] b, int batch, double betaDifference, HostWork host,
                                       List<RankOne> terms) {
        LayerParams g = new LayerParams(t);
        double scale = -1.0 / (betaDifference * batch);
        for (int k = 0; k < t.weightLayers(); k++) {
            int nOut = t.size(k + 1), nIn = t.size(k);
            if (Arrays.equals(a[k], b[k])) {
                // the layer below read the same in both phases (always the input layer): one
                // product of the difference, half the work of two
                double[] difference = a[k + 1].clone();
                Kernels.axpy(-1, b[k + 1], difference);
                Kernels.transposeMultiplyAccumulate(scale, difference, batch, nOut, a[k], nIn, g.w[k]);
                host.addOuterProducts((long) batch * nOut * (nIn + 1));
                // one term per example: each neuron holds its two readings and the row is driven by their difference
                if (terms != null) terms.add(new RankOne(k, difference, a[k], batch, scale));
            } else {
                host.addOuterProducts(2L * batch * nOut * nIn);
                Kernels.transposeMultiplyAccumulate(scale, a[k + 1], batch, nOut, a[k], nIn, g.w[k]);
                Kernels.transposeMultiplyAccumulate(-scale, b[k + 1], batch, nOut, b[k], nIn, g.w[k]);
            }
            for (int s = 0; s < batch; s++) {
                for (int i = 0; i < nOut; i++) g.b[k][i] += scale * (a[k + 1][s * nOut + i] - b[k + 1][s * nOut + i]);
            }
            host.addOuterProducts((long) batch * nOut);
            if (terms != null && !Arrays.equals(a[k], b[k])) {
                // a' a^T - b' b^T = 1/2 [(a' - b')(a + b)^T + (a' + b')(a - b)^T]: both terms as small as the phase
                // difference, so the array is not sent the two large phase products that nearly cancel; the biases
                // take only the first (their column carries 2, then 0)
                double[] upperDifference = a[k + 1].clone(), upperSum = a[k + 1].clone(), lowerSum = a[k].clone(), lowerDifference = a[k].clone();
                Kernels.axpy(-1, b[k + 1], upperDifference);
                Kernels.axpy(1, b[k + 1], upperSum);
                Kernels.axpy(1, b[k], lowerSum);
                Kernels.axpy(-1, b[k], lowerDifference);
                terms.add(new RankOne(k, upperDifference, lowerSum, 2, batch, scale / 2));
                terms.add(new RankOne(k, upperSum, lowerDifference, 0, batch, scale / 2));
            }
        }
        return g;
    }
}
