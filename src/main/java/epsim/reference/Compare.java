package epsim.reference;

/** Agreement measures between an estimate and a reference gradient. */
public final class Compare {
    private Compare() {}

    /**
     * cos(a, b); NaN when either is the zero vector (e.g. every output unit clipped at a rail, where
     * the exact squared-error gradient vanishes): undefined, and it fails every bound.
     */
    public static double cosine(double[] a, double[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? Double.NaN : ab / Math.sqrt(aa * bb);
    }

    /** ||a - ref|| / ||ref|| */
    public static double relativeError(double[] a, double[] ref) {
        double diff = 0, norm = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - ref[i];
            diff += d * d;
            norm += ref[i] * ref[i];
        }
        return Math.sqrt(diff / norm);
    }

    /** ||a - b|| / max(||a||, ||b||): symmetric, as in the GDU checks of Ernoult et al. 2019. */
    public static double normalizedError(double[] a, double[] b) {
        double diff = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            diff += d * d;
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        double m = Math.max(na, nb);
        return m == 0 ? 0 : Math.sqrt(diff / m);
    }
}
