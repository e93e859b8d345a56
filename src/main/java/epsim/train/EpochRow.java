package epsim.train;

import epsim.cost.EventCost;

import java.util.Locale;

/**
 * One epoch's figures, a row of metrics.csv. {@code cost} is the energy and latency per training
 * sample and per inference from the events counted in that epoch (docs/cost.md), or null where
 * nothing was counted (a model without a cost section, a chip that does not count).
 */
public record EpochRow(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                       double meanFreeSteps, double seconds, EpochCost cost, double[] gradient, double[] layerEnergy) {
    /**
     * A row without the energy split by layer ({@code layerEnergy}: per training sample each weight
     * layer's then the shared part's, then the same per inference; metrics.csv only, not kept in
     * checkpoints, so a row restored on resume has none).
     */
    public EpochRow(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                    double meanFreeSteps, double seconds, EpochCost cost, double[] gradient) {
        this(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, meanFreeSteps, seconds, cost, gradient, null);
    }

    public EpochRow(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                    double meanFreeSteps, double seconds, EpochCost cost) {
        this(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, meanFreeSteps, seconds, cost, null);
    }

    /**
     * The tracked gradient probe's cosines ({@code --track-gradient}) as a row carries them: the
     * whole network's mean and 95% half-width, then each layer's (NaN where there was nothing to measure).
     */
    public static double[] gradientValues(GradientProbe.Report r) {
        double[] v = new double[2 * (r.layers().size() + 1)];
        v[0] = r.overall().cosine().mean();
        v[1] = r.overall().cosine().halfWidth();
        for (int k = 0; k < r.layers().size(); k++) {
            v[2 + 2 * k] = r.layers().get(k).cosine().mean();
            v[3 + 2 * k] = r.layers().get(k).cosine().halfWidth();
        }
        return v;
    }

    /** metrics.csv's header for {@code rows}: the tracked gradient's columns when the rows carry them. */
    public static String csvHeader(java.util.List<EpochRow> rows) {
        double[] g = rows.isEmpty() ? null : rows.get(0).gradient();
        StringBuilder b = new StringBuilder(CSV_HEADER);
        if (g != null) {
            b.append(",gradient_cosine,gradient_cosine_ci95");
            for (int k = 1; k < g.length / 2; k++) b.append(",gradient_cosine_layer").append(k).append(",gradient_cosine_layer").append(k).append("_ci95");
        }
        int layers = layerColumns(rows) / 2 - 1;
        for (String which : new String[] {"train", "inference"}) {
            if (layers < 1) break;
            for (int k = 1; k <= layers; k++) b.append(',').append(which).append("_energy_layer").append(k).append("_J");
            b.append(',').append(which).append("_energy_shared_J");
        }
        return b.toString();
    }

    /** The split-by-layer columns the rows' metrics.csv carries: as many as the longest split of any row, 0 when none has one. */
    public static int layerColumns(java.util.List<EpochRow> rows) {
        int n = 0;
        for (EpochRow r : rows) if (r.layerEnergy() != null) n = Math.max(n, r.layerEnergy().length);
        return n;
    }

    /** Energy and latency per training sample (the epoch's batches) and per inference (its test evaluation). */
    public record EpochCost(EventCost.Figures training, EventCost.Figures inference) {}

    private static final int ENERGY = EventCost.Energy.COMPONENTS.size(), LATENCY = EventCost.Latency.COMPONENTS.size();
    /** Cost values a row carries: energy and latency components, per training sample and per inference. */
    public static final int COST_VALUES = 2 * (ENERGY + LATENCY);

    public static final String CSV_HEADER = "epoch,train_loss,train_accuracy,test_loss,test_accuracy,mean_free_steps,seconds"
            + ",train_energy_J,train_latency_s,inference_energy_J,inference_latency_s" + componentHeader("train") + componentHeader("inference");

    private static String componentHeader(String which) {
        StringBuilder b = new StringBuilder();
        for (String e : EventCost.Energy.COMPONENTS) b.append(',').append(which).append("_energy_").append(e).append("_J");
        for (String l : EventCost.Latency.COMPONENTS) b.append(',').append(which).append("_latency_").append(l).append("_s");
        return b.toString();
    }

    public EpochRow(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                    double meanFreeSteps, double seconds) {
        this(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, meanFreeSteps, seconds, null);
    }

    public String csv() {
        return csv(0);
    }

    /** The row with {@code layerColumns} split-by-layer columns after the rest (empty where this row has no split). */
    public String csv(int layerColumns) {
        StringBuilder b = new StringBuilder(core());
        for (int i = 0; i < layerColumns; i++) {
            b.append(layerEnergy == null || i >= layerEnergy.length ? "," : String.format(Locale.ROOT, ",%.6g", layerEnergy[i]));
        }
        return b.toString();
    }

    private String core() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.3f,%.3f", epoch, trainLoss, trainAccuracy,
                testLoss, testAccuracy, meanFreeSteps, seconds));
        if (cost == null) {
            b.append(",".repeat(4 + COST_VALUES));
        } else {
            for (double v : new double[] {cost.training().energy().total(), cost.training().latency().total(),
                    cost.inference().energy().total(), cost.inference().latency().total()}) {
                b.append(String.format(Locale.ROOT, ",%.6g", v));
            }
            for (double v : costValues()) b.append(String.format(Locale.ROOT, ",%.6g", v));
        }
        if (gradient != null) for (double v : gradient) b.append(Double.isNaN(v) ? "," : String.format(Locale.ROOT, ",%.6f", v));
        return b.toString();
    }

    private double[] costValues() {
        double[] v = new double[COST_VALUES];
        int i = 0;
        for (EventCost.Figures f : new EventCost.Figures[] {cost.training(), cost.inference()}) {
            for (double x : f.energy().values()) v[i++] = x;
            for (double x : f.latency().values()) v[i++] = x;
        }
        return v;
    }

    /** The checkpoint's copy: the seven figures, the cost values (all NaN without a cost), then the tracked gradient's if any. */
    public double[] values() {
        double[] v = new double[7 + COST_VALUES + (gradient == null ? 0 : gradient.length)];
        double[] head = {epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, meanFreeSteps, seconds};
        System.arraycopy(head, 0, v, 0, 7);
        if (cost == null) java.util.Arrays.fill(v, 7, v.length, Double.NaN);
        else System.arraycopy(costValues(), 0, v, 7, COST_VALUES);
        if (gradient != null) System.arraycopy(gradient, 0, v, 7 + COST_VALUES, gradient.length);
        return v;
    }

    /** Whether a checkpoint's row of {@code length} values is one {@link #values} writes (or the seven figures of an older checkpoint). */
    public static boolean validLength(int length) {
        int extra = length - 7 - COST_VALUES;
        return length == 7 || extra == 0 || (extra >= 4 && extra % 2 == 0); // the whole network's pair, then one per layer
    }

    /** A row from {@link #values} (or the seven figures of a checkpoint written before rows carried a cost). */
    public static EpochRow of(double[] v) {
        EpochCost cost = null;
        if (v.length >= 7 + COST_VALUES && !Double.isNaN(v[7])) cost = new EpochCost(figures(v, 7), figures(v, 7 + COST_VALUES / 2));
        double[] gradient = v.length > 7 + COST_VALUES ? java.util.Arrays.copyOfRange(v, 7 + COST_VALUES, v.length) : null;
        return new EpochRow((int) v[0], v[1], v[2], v[3], v[4], v[5], v[6], cost, gradient);
    }

    /**
     * Whether this row holds figures a run can have written as its epoch {@code epoch}: losses >= 0
     * (or NaN, the honest record of a diverged state), accuracies in [0, 1], steps and seconds
     * finite and >= 0, the cost and the tracked cosines valid.
     */
    public boolean plausible(int epoch) {
        return this.epoch == epoch && lossValue(trainLoss) && fraction(trainAccuracy) && lossValue(testLoss) && fraction(testAccuracy)
                && finiteAtLeast(meanFreeSteps, 0) && finiteAtLeast(seconds, 0) && costValid() && gradientValid();
    }

    static boolean finiteAtLeast(double v, double low) {
        return Double.isFinite(v) && v >= low;
    }

    /** A loss is >= 0, or NaN: the honest record of a chip whose state diverged. */
    static boolean lossValue(double v) {
        return Double.isNaN(v) || finiteAtLeast(v, 0);
    }

    static boolean fraction(double v) {
        return v >= 0 && v <= 1;
    }

    /** Whether the tracked cosines are cosines (in [-1, 1]) and their half-widths >= 0, each or NaN (nothing to measure). */
    boolean gradientValid() {
        if (gradient == null) return true;
        for (int i = 0; i < gradient.length; i++) {
            double x = gradient[i];
            if (!Double.isNaN(x) && !(i % 2 == 0 ? x >= -1 - 1e-9 && x <= 1 + 1e-9 : x >= 0 && Double.isFinite(x))) return false;
        }
        return true;
    }

    private static EventCost.Figures figures(double[] v, int at) {
        return new EventCost.Figures(EventCost.Energy.of(v, at), EventCost.Latency.of(v, at + ENERGY));
    }

    /** Whether every cost value is a finite number >= 0, or the row has none. */
    public boolean costValid() {
        if (cost == null) return true;
        for (double x : costValues()) if (!(x >= 0) || !Double.isFinite(x)) return false;
        return true;
    }
}
