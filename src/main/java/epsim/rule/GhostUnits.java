package epsim.rule;

import java.util.List;
import epsim.chip.Chip;
import epsim.chip.ChipOp;
import epsim.math.LayerParams;
import epsim.math.Topology;

/**
 * Ghost units (Mesnard, Vignoud, Sacramento, Senn &amp; Bengio 2019), as reconstructed here: the
 * paper's full text could not be read, so this is the model its abstract describes, in the
 * <em>complete-duplication</em> limit of the cancellation mechanisms it studies. The recurrent
 * network has top-down feedback B_k = W_{k+1}^T, whose effect is cancelled by inhibitory ghost
 * units that replicate the bottom-up drive of the layer above ({@link Chip#setGhostUnits}):
 * <pre>
 *   hidden k:  drive = W_k r_{k-1} + b_k + W_{k+1}^T (r_{k+1} - rho(v_k)),  v_k ~ layer k+1's bottom-up copy
 *   output:    nudged towards the target with strength beta, as in EP
 *   dL/dW_k ~ -(1/beta) mean (r_k - rho(v_{k-1})) r_{k-1}^T,   dL/db_k ~ -(1/beta) mean (r_k - rho(v_{k-1}))
 * </pre>
 * By default (model {@code ghost.crossbar = shared}) the ghosts read the forward crossbar itself:
 * their weights equal the forward ones exactly and nothing about them is learned, so without a
 * target the feedback r_{k+1} - rho(v_k) is zero by construction and the network settles on the
 * feed-forward pass. With {@code ghost.crossbar = separate} they read a crossbar of their own,
 * fabricated and programmed like the forward one (its own device variation and write noise), and
 * the cancellation is only as good as the two arrays agree. With a target, each layer's deviation
 * from its ghost population's reading carries the error: to first order in beta it is -beta times
 * backprop's delta, so the update approaches backprop's gradient with an O(beta) error. The nudged
 * phase starts from the free equilibrium; only its reads enter the update.
 */
public final class GhostUnits extends RuleOnChip {
    /** Training default, measured on the bundled subset: beta 1 (EP's) reached 66% after 2 short epochs, 0.2 reached 88%. */
    public static final double DEFAULT_BETA = 0.2;

    /** The ghost populations are connected and read. */
    public GhostUnits(RuleSettings settings) {
        super("ghost", settings, ChipOp.SET_GHOST_UNITS, ChipOp.READ_GHOST);
    }

    private Chip.Relaxation free(Chip chip, double[] inputs, int batch) {
        FeedForward.configure(chip, inputs, batch, 1);
        chip.setGhostUnits(true);
        chip.resetState();
        return chip.relax(settings.freeSteps(), settings.tolerance());
    }

    @Override
    public Inference infer(Chip chip, double[] inputs, int batch) {
        Chip.Relaxation r = free(chip, inputs, batch);
        double[] out = chip.read(chip.topology().weightLayers());
        chip.setGhostUnits(false);
        return new Inference(out, r.steps());
    }

    @Override
    public Estimate estimate(Chip chip, double[] inputs, double[] targets, int batch) {
        Topology t = chip.topology();
        int layers = t.weightLayers();
        Chip.Relaxation r = free(chip, inputs, batch);
        double[] prediction = chip.read(layers);
        chip.setNudge(targets, settings.beta());
        chip.relax(settings.nudgeSteps(), settings.tolerance());
        double[][] reads = Phases.readAll(chip, t);
        LayerParams g = new LayerParams(t);
        List<RankOne> terms = RankOne.collector(chip);
        for (int k = 0; k < layers; k++) {
            double[] ghost = chip.readGhost(k);
            double[] deviation = new double[ghost.length];
            for (int i = 0; i < ghost.length; i++) deviation[i] = reads[k + 1][i] - ghost[i];
            host.add(deviation.length);
            FeedForward.accumulate(g, k, deviation, reads[k], batch, -1 / settings.beta(), host, terms);
        }
        chip.setNudge(null, 0);
        chip.setGhostUnits(false);
        return new Estimate(g, prediction, r.steps(), terms);
    }
}
