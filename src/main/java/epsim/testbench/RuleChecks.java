package epsim.testbench;

import epsim.chip.AnalogChip;
import epsim.common.Rng;
import epsim.common.UserError;
import epsim.data.SyntheticBatch;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.reference.Compare;
import epsim.reference.FeedForwardNetwork;
import epsim.rule.FeedForward;
import epsim.rule.LagrangianPropagation;
import epsim.rule.LearningRule;
import epsim.rule.RuleSetting;
import epsim.rule.RuleSettings;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

import java.util.ArrayList;
import java.util.List;

/** Checks of the rules other than EP against the feed-forward circuit's exact gradient. */
final class RuleChecks {
    private RuleChecks() {}

    private static FeedForwardNetwork reference(AnalogChip chip) {
        return new FeedForwardNetwork(chip.readWeights(), chip.transfer());
    }

    private static void layerRows(List<Row> rows, Testbench tb, String what, LayerParams a, LayerParams ref,
                                  Bound cosine, Bound error) {
        for (int k = 0; k < a.layers(); k++) {
            String label = "layer " + (k + 1) + ": " + what + ", ";
            if (cosine != null) rows.add(new Row(tb.name(), label + "cosine", Compare.cosine(a.layerVector(k), ref.layerVector(k)), cosine));
            if (error != null) rows.add(new Row(tb.name(), label + "relative error", Compare.relativeError(a.layerVector(k), ref.layerVector(k)), error));
        }
    }

    /** Backprop on the chip against central differences of the feed-forward loss, and the two references against each other. */
    static List<Row> bpVsFiniteDifferences(Testbench tb) {
        double h = tb.params().has("fdStep") ? tb.fields().number(tb.params(), "fdStep", "params.fdStep", 0, false) : 1e-5;
        AnalogChip chip = AnalogChip.fabricate(CheckSupport.model(tb, List.of()), tb.net(), tb.seed());
        SyntheticBatch d = SyntheticBatch.draw(tb.net(), tb.batch(), tb.seed());
        LayerParams rule = tb.rule().create(tb.seed()).estimate(chip, d.inputs(), d.targets(), tb.batch()).gradient();
        FeedForwardNetwork ref = reference(chip);
        LayerParams fd = ref.finiteDifferences(d.inputs(), d.targets(), tb.batch(), h);
        LayerParams exact = ref.gradient(d.inputs(), d.targets(), tb.batch(), false);
        List<Row> rows = new ArrayList<>();
        layerRows(rows, tb, "bp (mse) on the chip vs finite differences", rule, fd, null, tb.bounds().get("relativeError"));
        layerRows(rows, tb, "exact reference vs finite differences", exact, fd, null, tb.bounds().get("relativeError"));
        LayerParams matching = tb.rule().with(RuleSetting.BP_LOSS, "matching").create(tb.seed())
                .estimate(chip, d.inputs(), d.targets(), tb.batch()).gradient();
        layerRows(rows, tb, "bp (matching loss) on the chip vs its exact reference", matching,
                ref.gradient(d.inputs(), d.targets(), tb.batch(), true), null, tb.bounds().get("relativeError"));
        return rows;
    }

    /** CHL's update against backprop (matching loss) as the feedback gain gamma goes to 0; the error should fall like gamma. */
    static List<Row> chlWeakFeedback(Testbench tb) {
        double[] gammas = CheckSupport.numbers(tb, "gammas", 3);
        AnalogChip chip = AnalogChip.fabricate(CheckSupport.model(tb, List.of()), tb.net(), tb.seed());
        SyntheticBatch d = SyntheticBatch.draw(tb.net(), tb.batch(), tb.seed());
        double[] bp = reference(chip).gradient(d.inputs(), d.targets(), tb.batch(), true).flatten();
        List<Row> rows = new ArrayList<>();
        double[] logG = new double[gammas.length], logE = new double[gammas.length];
        int smallest = 0;
        for (int i = 0; i < gammas.length; i++) {
            RuleSettings s = tb.rule().with(RuleSetting.GAMMA, gammas[i]);
            double[] chl = s.create(tb.seed()).estimate(chip, d.inputs(), d.targets(), tb.batch()).gradient().flatten();
            double err = Compare.relativeError(chl, bp);
            rows.add(new Row(tb.name(), "CHL vs backprop at gamma " + gammas[i] + ", cosine", Compare.cosine(chl, bp), Bound.REPORT));
            rows.add(new Row(tb.name(), "CHL vs backprop at gamma " + gammas[i] + ", relative error", err, Bound.REPORT));
            logG[i] = Math.log(gammas[i]);
            logE[i] = Math.log(err);
            if (gammas[i] < gammas[smallest]) smallest = i;
        }
        rows.add(new Row(tb.name(), "relative error at the smallest gamma " + gammas[smallest], Math.exp(logE[smallest]), tb.bounds().get("relativeError")));
        rows.add(new Row(tb.name(), "log-log slope of the error over gamma", CheckSupport.slope(logG, logE), tb.bounds().get("slope")));
        return rows;
    }

    /**
     * GAIT-prop on square layers whose weights start orthogonal (QR of a Gaussian draw), then mixed
     * with a Gaussian matrix of relative size alpha: W = Q + alpha G / sqrt(n).
     */
    static List<Row> gaitpropOrthogonal(Testbench tb) {
        Topology t = tb.net();
        for (int l = 1; l < t.neuronLayers(); l++) {
            if (t.size(l) != t.size(1)) throw new UserError(tb.file() + ": net: gaitprop-orthogonal needs equal hidden and output sizes, got " + t);
        }
        double[] mixes = CheckSupport.numbers(tb, "mixes", 2, true);
        HardwareModel model = CheckSupport.model(tb, List.of());
        SyntheticBatch d = SyntheticBatch.draw(t, tb.batch(), tb.seed());
        List<Row> rows = new ArrayList<>();
        double first = Double.NaN, last = Double.NaN;
        for (int i = 0; i < mixes.length; i++) {
            AnalogChip chip = AnalogChip.withWeights(model, orthogonalWeights(t, tb.seed(), mixes[i]), tb.seed());
            LearningRule gait = tb.rule().create(tb.seed());
            double[] g = gait.estimate(chip, d.inputs(), d.targets(), tb.batch()).gradient().flatten();
            double[] bp = reference(chip).gradient(d.inputs(), d.targets(), tb.batch(), false).flatten();
            double err = Compare.relativeError(g, bp);
            Bound b = i == 0 ? tb.bounds().get("relativeError") : Bound.REPORT;
            rows.add(new Row(tb.name(), "GAIT-prop vs backprop, weights mixed " + mixes[i] + ", relative error", err, b));
            rows.add(new Row(tb.name(), "GAIT-prop vs backprop, weights mixed " + mixes[i] + ", cosine", Compare.cosine(g, bp), Bound.REPORT));
            if (i == 0) first = err;
            last = err;
        }
        rows.add(new Row(tb.name(), "error growth from mix " + mixes[0] + " to " + mixes[mixes.length - 1], last / first, tb.bounds().get("growth")));
        rows.add(new Row(tb.name(), "orthogonality regulariser gradient vs finite differences, relative error",
                regulariserError(orthogonalWeights(t, tb.seed(), 0.5)), tb.bounds().get("regulariserError")));
        return rows;
    }

    static LayerParams orthogonalWeights(Topology t, long seed, double mix) {
        Rng rng = Rng.stream(seed, "orthogonal-init");
        LayerParams p = new LayerParams(t);
        for (int k = 0; k < t.weightLayers(); k++) {
            int rows = t.size(k + 1), cols = t.size(k);
            RealMatrix gauss = new Array2DRowRealMatrix(Math.max(rows, cols), Math.max(rows, cols));
            for (int i = 0; i < gauss.getRowDimension(); i++) for (int j = 0; j < gauss.getColumnDimension(); j++) gauss.setEntry(i, j, rng.nextGaussian());
            RealMatrix q = new QRDecomposition(gauss).getQ();
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) p.w[k][i * cols + j] = q.getEntry(i, j) + mix * rng.nextGaussian() / Math.sqrt(cols);
            }
            for (int i = 0; i < rows; i++) p.b[k][i] = 0.1 * rng.nextGaussian();
        }
        return p;
    }

    /** The regulariser's analytic gradient (as GAIT-prop adds it) against central differences of R(W). */
    private static double regulariserError(LayerParams w) {
        Topology t = w.topology;
        LayerParams g = new LayerParams(t);
        epsim.rule.GaitProp.addOrthogonality(g, w, t, 1.0);
        List<Double> a = new ArrayList<>(), fd = new ArrayList<>();
        double h = 1e-6;
        for (int k = 1; k < t.weightLayers(); k++) {
            for (int i = 0; i < w.w[k].length; i++) {
                double keep = w.w[k][i];
                w.w[k][i] = keep + h;
                double plus = regulariser(w.w[k], t.size(k + 1), t.size(k));
                w.w[k][i] = keep - h;
                double minus = regulariser(w.w[k], t.size(k + 1), t.size(k));
                w.w[k][i] = keep;
                fd.add((plus - minus) / (2 * h));
                a.add(g.w[k][i]);
            }
        }
        return Compare.relativeError(a.stream().mapToDouble(Double::doubleValue).toArray(), fd.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double regulariser(double[] w, int rows, int cols) {
        double r = 0;
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                if (i == j) continue;
                double gram = 0;
                for (int k = 0; k < rows; k++) gram += w[k * cols + i] * w[k * cols + j];
                r += gram * gram;
            }
        }
        return r;
    }

    /** Local propagation's saddle search on the chip: constraints met, multipliers = adjoints, gradient = backprop's. */
    static List<Row> lagrangianSaddle(Testbench tb) {
        int iterations = (int) tb.fields().integer(tb.params(), "iterations", "params.iterations", 1, 10_000_000);
        AnalogChip chip = AnalogChip.fabricate(CheckSupport.model(tb, List.of()), tb.net(), tb.seed());
        SyntheticBatch d = SyntheticBatch.draw(tb.net(), tb.batch(), tb.seed());
        LagrangianPropagation rule = new LagrangianPropagation(tb.rule());
        LagrangianPropagation.Saddle s = rule.search(chip, d.inputs(), d.targets(), tb.batch(), iterations);
        FeedForwardNetwork ref = reference(chip);
        double[][] adjoints = ref.adjoints(d.inputs(), d.targets(), tb.batch());
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(tb.name(), "max |constraint| after " + iterations + " iterations", s.maxConstraint(), tb.bounds().get("constraint")));
        for (int l = 1; l < adjoints.length; l++) {
            rows.add(new Row(tb.name(), "layer " + l + ": multipliers vs backprop adjoints -dL/dx, relative error",
                    Compare.relativeError(s.lambda()[l], adjoints[l]), tb.bounds().get("multiplierError")));
        }
        layerRows(rows, tb, "weight update vs backprop", s.gradient(), ref.gradient(d.inputs(), d.targets(), tb.batch(), false),
                null, tb.bounds().get("gradientError"));
        return rows;
    }

    /** Without a target the ghost-unit network settles on the feed-forward pass. */
    static List<Row> ghostCancellation(Testbench tb) {
        AnalogChip chip = AnalogChip.fabricate(CheckSupport.model(tb, List.of()), tb.net(), tb.seed());
        SyntheticBatch d = SyntheticBatch.draw(tb.net(), tb.batch(), tb.seed());
        FeedForward.configure(chip, d.inputs(), tb.batch(), 1);
        chip.setGhostUnits(true);
        chip.resetState();
        chip.relax(tb.rule().freeSteps(), tb.rule().tolerance());
        FeedForwardNetwork ref = reference(chip);
        Topology t = tb.net();
        List<Row> rows = new ArrayList<>();
        for (int l = 1; l < t.neuronLayers(); l++) {
            double[] read = chip.read(l);
            double worst = 0;
            for (int b = 0; b < tb.batch(); b++) {
                double[] x = ref.forward(row(d.inputs(), b, t.inputSize()))[1][l];
                for (int i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(read[b * x.length + i] - x[i]));
            }
            rows.add(new Row(tb.name(), "layer " + l + ": max |output with ghost units - feed-forward pass| (V)", worst, tb.bounds().get("maxDifference")));
        }
        chip.setGhostUnits(false);
        return rows;
    }

    /** With a weak target the ghost-unit update approaches backprop's gradient (error O(beta)). */
    static List<Row> ghostVsBackprop(Testbench tb) {
        double[] betas = CheckSupport.numbers(tb, "betas", 2);
        AnalogChip chip = AnalogChip.fabricate(CheckSupport.model(tb, List.of()), tb.net(), tb.seed());
        SyntheticBatch d = SyntheticBatch.draw(tb.net(), tb.batch(), tb.seed());
        LayerParams bp = reference(chip).gradient(d.inputs(), d.targets(), tb.batch(), false);
        List<Row> rows = new ArrayList<>();
        double[] logB = new double[betas.length], logE = new double[betas.length];
        for (int i = 0; i < betas.length; i++) {
            LayerParams g = tb.rule().withBeta(betas[i]).create(tb.seed()).estimate(chip, d.inputs(), d.targets(), tb.batch()).gradient();
            boolean last = i == betas.length - 1;
            layerRows(rows, tb, "ghost units (beta " + betas[i] + ") vs backprop", g, bp,
                    last ? tb.bounds().get("cosine") : Bound.REPORT, Bound.REPORT);
            logB[i] = Math.log(betas[i]);
            logE[i] = Math.log(Compare.relativeError(g.flatten(), bp.flatten()));
        }
        rows.add(new Row(tb.name(), "log-log slope of the error over beta", CheckSupport.slope(logB, logE), tb.bounds().get("slope")));
        return rows;
    }

    private static double[] row(double[] data, int index, int size) {
        double[] r = new double[size];
        System.arraycopy(data, index * size, r, 0, size);
        return r;
    }
}
