package epsim.testbench;

/** An acceptance interval; either end may be open (null). Neither end: a reported figure. */
public record Bound(Double min, Double max) {
    public static final Bound REPORT = new Bound(null, null);

    public boolean isReport() {
        return min == null && max == null;
    }

    public boolean accepts(double v) {
        if (Double.isNaN(v)) return false;
        return (min == null || v >= min) && (max == null || v <= max);
    }

    @Override
    public String toString() {
        if (isReport()) return "(report)";
        if (min != null && max != null) return "in [" + fmt(min) + ", " + fmt(max) + "]";
        return min != null ? ">= " + fmt(min) : "<= " + fmt(max);
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (v == 0) return "0";
        if (a >= 1e-3 && a < 1e4) return String.valueOf(v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
        return String.format("%.3g", v);
    }
}
