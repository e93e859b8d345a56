package epsim.rule;

import java.util.List;
import epsim.chip.Chip;
import epsim.chip.ChipOp;
import epsim.common.UserError;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.TransferCurve;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularMatrixException;

/**
 * GAIT-prop (Ahmad, van Gerven &amp; Ambrogioni 2020): target propagation where each layer's target
 * is its forward activity moved a small step gamma towards the output target, carried down
 * through the inverse of each layer; every update is layer-local. On the feed-forward chip
 * (outputs h_l read through the ADCs, slopes s_l = F'(a_l)):
 * <pre>
 *   t_L = y
 *   t_{l-1} = h_{l-1} + W_l^+ ( F^-1(h_l + gamma s_l^2 (t_l - h_l)) - F^-1(h_l) )
 *   e_l = gamma^-(L-l) (h_l - t_l) s_l,   dL/dW_l ~ mean e_l h_{l-1}^T,   dL/db_l ~ mean e_l
 * </pre>
 * For a square invertible W_l this is the paper's t_{l-1} = W_l^-1 (F^-1(...) - b_l), since
 * W_l^-1 (F^-1(h_l) - b_l) = h_{l-1}; for non-square layers W^+ is the Moore-Penrose inverse
 * (minimum-norm or least-squares change), an extension the paper's "tower" networks avoid. When
 * W_l^+ = W_l^T (orthogonal rows) the updates equal backprop's up to O(gamma) (exactly, for a
 * piecewise-linear F with no unit crossing a kink). The inverses are computed by the host from a
 * verification read of the weights after every batch, as in the paper's code. The optional
 * With the matching loss (backprop's default, {@link RuleSettings#matchingLoss}) the output
 * layer uses e_L = h_L - y and moves its drive by gamma (y - h_L) directly, so outputs clipped at a
 * rail keep learning; the squared-error form above is the paper's. The optional
 * regulariser lambda sum_{i != j} ((W^T W)_ij)^2, gradient 4 lambda W (W^T W - diag(W^T W)), is
 * added for l >= 2 (W_1 is never inverted).
 */
public final class GaitProp extends RuleOnChip {
    public static final double DEFAULT_GAMMA = 0.01;

    /** The feed-forward pass runs at feedback gain 0. */
    public GaitProp(RuleSettings settings) {
        super("gaitprop", settings, ChipOp.SET_FEEDBACK_GAIN);
    }

    @Override
    public Inference infer(Chip chip, double[] inputs, int batch) {
        return FeedForward.infer(chip, inputs, batch, settings);
    }

    @Override
    public Estimate estimate(Chip chip, double[] inputs, double[] targets, int batch) {
        Topology t = chip.topology();
        int layers = t.weightLayers();
        double gamma = settings.gamma();
        FeedForward.Settled settled = FeedForward.settle(chip, inputs, batch, settings);
        double[][] h = settled.rho();
        LayerParams w = chip.readWeights();
        TransferCurve f = chip.transfer();
        LayerParams g = new LayerParams(t);
        double[] target = targets;
        List<RankOne> terms = RankOne.collector(chip);
        for (int l = layers; l >= 1; l--) {
            int n = t.size(l);
            double[] slope = FeedForward.slopes(f, h[l]);
            double[] e = new double[h[l].length];
            boolean matching = l == layers && settings.matchingLoss();
            for (int i = 0; i < e.length; i++) e[i] = (h[l][i] - target[i]) * (matching ? 1 : slope[i]);
            host.add(e.length);
            FeedForward.accumulate(g, l - 1, e, h[l - 1], batch, Math.pow(gamma, -(layers - l)), host, terms);
            if (l == 1) break;
            double[] driveChange = new double[e.length];
            for (int i = 0; i < e.length; i++) {
                if (matching) {
                    driveChange[i] = gamma * (target[i] - h[l][i]);
                    continue;
                }
                double moved = h[l][i] + gamma * slope[i] * slope[i] * (target[i] - h[l][i]);
                driveChange[i] = FeedForward.drive(f, moved) - FeedForward.drive(f, h[l][i]);
            }
            host.add(2L * e.length); // the moved targets and their drives
            host.add(pseudoInverseMacs(n, t.size(l - 1), batch));
            double[] below = pseudoInverseTimes(w.w[l - 1], n, t.size(l - 1), driveChange, batch, l);
            host.add(below.length);
            double[] next = new double[below.length];
            for (int i = 0; i < next.length; i++) next[i] = h[l - 1][i] + below[i];
            target = next;
        }
        if (settings.orthogonality() > 0) {
            addOrthogonality(g, w, t, settings.orthogonality());
            for (int k = 1; k < layers; k++) host.add(2L * t.size(k + 1) * t.size(k) * t.size(k) + (long) t.size(k + 1) * t.size(k));
        }
        return new Estimate(g, h[layers], settled.steps(), settings.orthogonality() > 0 ? null : terms);
    }

    @Override
    public boolean rankOne() {
        return settings.orthogonality() == 0;
    }

    @Override
    public String notRankOne() {
        return "its orthogonality regulariser 4 lambda W (W^T W - diag(W^T W)) is not a sum of rank-one terms of the chip's signals (use --ortho 0)";
    }

    /**
     * The multiply-accumulates of {@link #pseudoInverseTimes}: an LU factorisation of an n x n
     * matrix is n^3 / 3 and its solve for b right-hand sides b n^2; the Gram matrix of a rows x
     * cols W is rows^2 cols (or cols^2 rows), and each product with W or W^T rows cols per column.
     */
    static long pseudoInverseMacs(long rows, long cols, long batch) {
        if (rows == cols) return rows * rows * rows / 3 + batch * rows * rows;
        long small = Math.min(rows, cols), large = Math.max(rows, cols);
        return small * small * large + small * small * small / 3 + batch * small * small + batch * rows * cols;
    }

    /** W^+ x for every example x (rows of {@code x}, batch x rows); W is rows x cols. */
    static double[] pseudoInverseTimes(double[] wFlat, int rows, int cols, double[] x, int batch, int layer) {
        RealMatrix w = new Array2DRowRealMatrix(rows, cols);
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) w.setEntry(i, j, wFlat[i * cols + j]);
        RealMatrix rhs = new Array2DRowRealMatrix(rows, batch);
        for (int b = 0; b < batch; b++) for (int i = 0; i < rows; i++) rhs.setEntry(i, b, x[b * rows + i]);
        RealMatrix solution;
        try {
            if (rows == cols) {
                solution = new LUDecomposition(w).getSolver().solve(rhs);
            } else if (rows < cols) {
                DecompositionSolver gram = new LUDecomposition(w.multiply(w.transpose())).getSolver();
                solution = w.transpose().multiply(gram.solve(rhs));
            } else {
                RealMatrix wt = w.transpose();
                solution = new LUDecomposition(wt.multiply(w)).getSolver().solve(wt.multiply(rhs));
            }
        } catch (SingularMatrixException e) {
            throw new UserError("gaitprop: the weights of layer " + layer + " are singular; GAIT-prop cannot invert them");
        }
        double[] out = new double[batch * cols];
        for (int b = 0; b < batch; b++) for (int j = 0; j < cols; j++) out[b * cols + j] = solution.getEntry(j, b);
        return out;
    }

    /** Adds 4 lambda W (W^T W - diag(W^T W)) to layers 2..L. */
    public static void addOrthogonality(LayerParams g, LayerParams w, Topology t, double lambda) {
        for (int k = 1; k < t.weightLayers(); k++) {
            int rows = t.size(k + 1), cols = t.size(k);
            RealMatrix m = new Array2DRowRealMatrix(rows, cols);
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m.setEntry(i, j, w.w[k][i * cols + j]);
            RealMatrix gram = m.transpose().multiply(m);
            for (int i = 0; i < cols; i++) gram.setEntry(i, i, 0);
            RealMatrix r = m.multiply(gram);
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) g.w[k][i * cols + j] += 4 * lambda * r.getEntry(i, j);
        }
    }
}
