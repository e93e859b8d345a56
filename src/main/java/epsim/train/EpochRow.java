package epsim.train;

import java.util.Locale;

/** One epoch's figures, a row of metrics.csv. */
public record EpochRow(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                       double meanFreeSteps, double seconds) {
    public static final String CSV_HEADER = "epoch,train_loss,train_accuracy,test_loss,test_accuracy,mean_free_steps,seconds";

    public String csv() {
        return String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.3f,%.3f", epoch, trainLoss, trainAccuracy, testLoss,
                testAccuracy, meanFreeSteps, seconds);
    }

    double[] values() {
        return new double[] {epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, meanFreeSteps, seconds};
    }

    static EpochRow of(double[] v) {
        return new EpochRow((int) v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }
}
