package epsim.model;

/**
 * The neuron amplifier's transfer curve rho(u): output voltage as a function of membrane
 * potential. The hard sigmoid is the rails clipping the output; the smooth curves are what
 * the exact-gradient references need (second derivatives exist everywhere).
 */
public enum TransferCurve {
    HARD_SIGMOID(0, 1) {
        // min/max, not branches: a noisy state crosses the rails at random and a branch on it mispredicts
        @Override public double rho(double u) { return Math.min(Math.max(u, 0.0), 1.0); }
        // Closed interval: a state clipped onto a rail must still feel its drive, or it
        // would leave the rail by leak alone and oscillate around it (see docs/theory.md).
        @Override public double rhoPrime(double u) { return (u >= 0 && u <= 1) ? 1 : 0; }
        @Override public double rhoSecond(double u) { return 0; }
        @Override public double inverse(double r) { return r; }
    },
    SIGMOID(0, 1) {
        @Override public double rho(double u) { return 1 / (1 + Math.exp(-u)); }
        @Override public double rhoPrime(double u) { double s = rho(u); return s * (1 - s); }
        @Override public double rhoSecond(double u) { double s = rho(u); return s * (1 - s) * (1 - 2 * s); }
        @Override public double inverse(double r) { double c = clampOpen(r, 0, 1); return Math.log(c / (1 - c)); }
    },
    TANH(-1, 1) {
        @Override public double rho(double u) { return Math.tanh(u); }
        @Override public double rhoPrime(double u) { double t = Math.tanh(u); return 1 - t * t; }
        @Override public double rhoSecond(double u) { double t = Math.tanh(u); return -2 * t * (1 - t * t); }
        @Override public double inverse(double r) { double c = clampOpen(r, -1, 1); return 0.5 * Math.log((1 + c) / (1 - c)); }
    };

    /** The name in model files and protocol messages. */
    public final String jsonName = epsim.common.JsonName.of(this);
    /** Output rails (volts): the range of rho, also the ADC's input range. */
    public final double railLow, railHigh;

    TransferCurve(double railLow, double railHigh) {
        this.railLow = railLow;
        this.railHigh = railHigh;
    }

    public abstract double rho(double u);
    public abstract double rhoPrime(double u);
    public abstract double rhoSecond(double u);

    /** The membrane potential whose output is {@code r} (rails mapped just inside the open range). */
    public abstract double inverse(double r);

    private static double clampOpen(double r, double low, double high) {
        double margin = 1e-12 * (high - low);
        return Math.max(low + margin, Math.min(high - margin, r));
    }

    /** The hard sigmoid's rails also clip the membrane state; smooth curves leave it free. */
    public boolean clipsState() {
        return this == HARD_SIGMOID;
    }
}
