package epsim.train;

import epsim.cost.EventCost;

import java.util.Locale;

/**
 * One epoch's figures, a row of metrics.csv. {@code cost} is the energy and latency per training
 * sample and per inference from the events counted in that epoch (docs/cost.md), or null where
 * nothing was counted (a model without a cost section, a chip that does not count).
 */
public record EpochRow(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                       double meanFreeSteps, double seconds, EpochCost cost) {
    /** Energy and latency per training sample (the epoch's batches) and per inference (its test evaluation). */
    public record EpochCost(EventCost.Figures training, EventCost.Figures inference) {}

    private static final int ENERGY = EventCost.Energy.COMPONENTS.size(), LATENCY = EventCost.Latency.COMPONENTS.size();
    /** Cost values a row carries: energy and latency components, per training sample and per inference. */
    static final int COST_VALUES = 2 * (ENERGY + LATENCY);

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
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.3f,%.3f", epoch, trainLoss, trainAccuracy,
                testLoss, testAccuracy, meanFreeSteps, seconds));
        if (cost == null) {
            b.append(",".repeat(4 + COST_VALUES));
            return b.toString();
        }
        for (double v : new double[] {cost.training().energy().total(), cost.training().latency().total(),
                cost.inference().energy().total(), cost.inference().latency().total()}) {
            b.append(String.format(Locale.ROOT, ",%.6g", v));
        }
        for (double v : costValues()) b.append(String.format(Locale.ROOT, ",%.6g", v));
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

    /** The checkpoint's copy: the seven figures, then the cost values (all NaN without a cost). */
    double[] values() {
        double[] v = new double[7 + COST_VALUES];
        double[] head = {epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, meanFreeSteps, seconds};
        System.arraycopy(head, 0, v, 0, 7);
        if (cost == null) java.util.Arrays.fill(v, 7, v.length, Double.NaN);
        else System.arraycopy(costValues(), 0, v, 7, COST_VALUES);
        return v;
    }

    /** A row from {@link #values} (or the seven figures of a checkpoint written before rows carried a cost). */
    static EpochRow of(double[] v) {
        EpochCost cost = null;
        if (v.length == 7 + COST_VALUES && !Double.isNaN(v[7])) cost = new EpochCost(figures(v, 7), figures(v, 7 + COST_VALUES / 2));
        return new EpochRow((int) v[0], v[1], v[2], v[3], v[4], v[5], v[6], cost);
    }

    private static EventCost.Figures figures(double[] v, int at) {
        return new EventCost.Figures(EventCost.Energy.of(v, at), EventCost.Latency.of(v, at + ENERGY));
    }

    /** Whether every cost value is a finite number >= 0, or the row has none. */
    boolean costValid() {
        if (cost == null) return true;
        for (double x : costValues()) if (!(x >= 0) || !Double.isFinite(x)) return false;
        return true;
    }
}
