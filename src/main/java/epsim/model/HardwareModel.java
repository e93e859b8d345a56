package epsim.model;

/**
 * One chip build: neurons, synapse devices, periphery. Every number has been validated by
 * {@link ModelLoader}; see docs/hardware-models.md for units and ranges.
 */
public record HardwareModel(String name, String description, String source,
                            Neuron neuron, Device device, Periphery periphery) {

    /** {@code IDEAL} marks a quantity that is not quantized (continuous devices, ideal ADC/DAC). */
    public static final int IDEAL = 0;

    /**
     * Leaky-integrator neuron.
     * @param tau          membrane time constant, seconds
     * @param dt           integration step, seconds (dt/tau in (0, 1])
     * @param transfer     amplifier transfer curve
     * @param thermalNoise standard deviation of the noise added to u at every step, volts
     */
    public record Neuron(double tau, double dt, TransferCurve transfer, double thermalNoise) {
        /** The Euler factor dt/tau of the discrete dynamics. */
        public double epsilon() {
            return dt / tau;
        }
    }

    /**
     * One synapse is a differential pair of these devices, W = (G+ - G-) / gRef.
     * @param gMin       lowest conductance, microsiemens
     * @param gMax       highest conductance, microsiemens
     * @param gRef       reference conductance that maps a conductance difference to a weight
     * @param levels     programmable levels per device ({@link #IDEAL}: continuous)
     * @param writeNoise std of one pulse's landing error, as a fraction of the step
     * @param readNoise  std of one device's read, in weight units (conductance / gRef)
     */
    public record Device(double gMin, double gMax, double gRef, int levels,
                         double writeNoise, double readNoise) {
        public boolean continuous() {
            return levels == IDEAL;
        }

        /** Conductance change of one programming pulse (0 for continuous devices). */
        public double step() {
            return continuous() ? 0 : (gMax - gMin) / (levels - 1);
        }

        /** Largest |W| a synapse can hold: one device at gMax, the other at gMin. */
        public double maxWeight() {
            return (gMax - gMin) / gRef;
        }
    }

    /** Input DACs and read-out ADCs ({@link #IDEAL}: not quantized). */
    public record Periphery(int dacBits, int adcBits) {}
}
