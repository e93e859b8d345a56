package epsim.rule;

import java.util.ArrayList;
import java.util.List;
import epsim.chip.Chip;
import epsim.chip.ChipOp;
import epsim.math.LayerParams;
import epsim.math.Topology;

/**
 * Contrastive Hebbian learning (Movellan 1991) with weak feedback (Xie &amp; Seung 2003), on the
 * chip with its top-down gain set to gamma:
 * <pre>
 *   free:     x_k = F(W_k x_{k-1} + b_k + gamma W_{k+1}^T x_{k+1})      (outputs free)
 *   clamped:  the same with the outputs held at the target y
 *   dL/dW_k ~ -gamma^(k-L) ( xc_k xc_{k-1}^T - xf_k xf_{k-1}^T ),  dL/db_k ~ -gamma^(k-L) (xc_k - xf_k)
 * </pre>
 * As gamma -> 0 this approaches backprop's gradient of 1/2 |x_L - y|^2 taken with respect to the
 * output drive (the output slope is left out: the "matching" loss of the output curve), with an
 * error O(gamma). The clamped phase starts from the free equilibrium.
 */
public final class ContrastiveHebbian extends RuleOnChip {
    public static final double DEFAULT_GAMMA = 0.2;

    /** Weak feedback, and the clamped phase holds the outputs. */
    public ContrastiveHebbian(RuleSettings settings) {
        super("chl", settings, ChipOp.SET_FEEDBACK_GAIN, ChipOp.CLAMP);
    }

    @Override
    public Estimate estimate(Chip chip, double[] inputs, double[] targets, int batch) {
        Topology t = chip.topology();
        int layers = t.weightLayers();
        double gamma = settings.gamma();
        FeedForward.configure(chip, inputs, batch, gamma);
        chip.resetState();
        Chip.Relaxation free = chip.relax(settings.freeSteps(), settings.tolerance());
        double[][] freeReads = Phases.readAll(chip, t);
        chip.clamp(layers, targets);
        chip.relax(settings.nudgeSteps(), settings.tolerance());
        double[][] clampedReads = Phases.readAll(chip, t);
        chip.clamp(layers, null);
        chip.setFeedbackGain(1);
        List<RankOne> terms = RankOne.collector(chip);
        LayerParams g = Phases.contrast(t, clampedReads, freeReads, batch, 1, host, terms);
        double[] scale = new double[layers];
        for (int k = 0; k < layers; k++) scale[k] = Math.pow(gamma, (k + 1) - layers);
        host.add(t.parameterCount()); // the per-layer scaling
        List<RankOne> scaled = terms == null ? null : new ArrayList<>();
        if (terms != null) {
            for (RankOne r : terms) scaled.add(new RankOne(r.layer(), r.rows(), r.columns(), r.bias(), r.terms(), r.coefficient() * scale[r.layer()]));
        }
        return new Estimate(g.scaled(scale), freeReads[layers], free.steps(), scaled);
    }

    @Override
    public Inference infer(Chip chip, double[] inputs, int batch) {
        FeedForward.configure(chip, inputs, batch, settings.gamma());
        chip.resetState();
        Chip.Relaxation free = chip.relax(settings.freeSteps(), settings.tolerance());
        double[] out = chip.read(chip.topology().weightLayers());
        chip.setFeedbackGain(1);
        return new Inference(out, free.steps());
    }
}
