package epsim.chip;

import epsim.math.LayerParams;
import epsim.math.Topology;

/** What several chip tests program. */
final class ChipTestSupport {
    private ChipTestSupport() {}

    /** A fixed, sign-varying change of every weight (0.05 sin) and bias (0.02 cos) of {@code t}. */
    static LayerParams delta(Topology t) {
        LayerParams d = new LayerParams(t);
        for (int k = 0; k < d.layers(); k++) {
            for (int i = 0; i < d.w[k].length; i++) d.w[k][i] = 0.05 * Math.sin(1.3 * i + k);
            for (int i = 0; i < d.b[k].length; i++) d.b[k][i] = 0.02 * Math.cos(i + 2.0 * k);
        }
        return d;
    }
}
