package epsim.testbench;

import com.fasterxml.jackson.databind.JsonNode;
import epsim.chip.AnalogChip;
import epsim.common.UserError;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.reference.IdealNetwork;

import java.util.ArrayList;
import java.util.List;

/** What every family of checks uses: the testbench's model, its parameters, and small statistics. */
final class CheckSupport {
    private CheckSupport() {}

    static HardwareModel model(Testbench tb, List<String> extra) {
        List<String> all = new ArrayList<>(tb.overrides());
        all.addAll(extra);
        try {
            return ModelLoader.load(tb.model(), all);
        } catch (UserError e) {
            throw new UserError(tb.file() + ": model: " + e.getMessage());
        }
    }

    static IdealNetwork idealCopy(AnalogChip chip) {
        HardwareModel m = chip.model();
        return new IdealNetwork(chip.readWeights(), m.neuron().transfer(), m.neuron().epsilon());
    }

    /** params.KEY as an array of at least {@code min} finite numbers > 0. */
    static double[] numbers(Testbench tb, String key, int min) {
        return numbers(tb, key, min, false);
    }

    static double[] numbers(Testbench tb, String key, int min, boolean zeroAllowed) {
        return tb.fields().numbers(tb.params(), key, "params." + key, min, zeroAllowed);
    }

    /** Least-squares slope of y on x. */
    static double slope(double[] x, double[] y) {
        double mx = 0, my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / x.length;
        }
        double sxy = 0, sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxy / sxx;
    }

    static int[] intArray(Testbench tb, String key, int min, int max) {
        return tb.fields().integers(tb.params(), key, "params." + key, min, max);
    }

    /** Mean of c[.][j] - c[.][i] over seeds divided by its standard error (+-inf when all equal). */
    static double pairedZ(double[][] c, int i, int j) {
        int n = c.length;
        double mean = 0;
        for (double[] row : c) mean += (row[j] - row[i]) / n;
        double var = 0;
        for (double[] row : c) var += (row[j] - row[i] - mean) * (row[j] - row[i] - mean) / (n - 1);
        double se = Math.sqrt(var / n);
        if (se == 0) return mean == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, mean);
        return mean / se;
    }
}
