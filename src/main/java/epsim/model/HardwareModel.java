package epsim.model;

import epsim.common.JsonName;

/**
 * One chip build: neurons, synapse devices, periphery. Every number has been validated by
 * {@link ModelLoader}; see docs/hardware-models.md for units and ranges.
 */
public record HardwareModel(String name, String description, String source,
                            Neuron neuron, Device device, Periphery periphery, Cost cost, Update update, Ghost ghost) {

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

    /** How a pulse's step depends on the device's state (see docs/hardware-models.md). */
    public enum Response {
        /** step = s (1 +- upDown)(1 -+ gamma x): constant for gamma 0, soft bounds for gamma 1 (aihwkit LinearStep). */
        LINEAR_STEP,
        /** up: s (1 + upDown)(1 - x)^gammaUp, down: s (1 - upDown)(1 + x)^gammaDown (power-law step). */
        POWER;

        /** The name in model files. */
        public final String jsonName = JsonName.of(this);
    }

    /**
     * One synapse is a differential pair of these devices, W = (G+ - G-) / gRef. Step, asymmetry
     * and bounds vary from device to device (drawn once, at fabrication, from the seed).
     *
     * @param gMin        nominal lowest conductance, microsiemens
     * @param gMax        nominal highest conductance, microsiemens
     * @param gRef        reference conductance that maps a conductance difference to a weight
     * @param levels      nominal programmable levels ({@link #IDEAL}: continuous); the nominal step is
     *                    (gMax - gMin) / (levels - 1), aihwkit's dw_min
     * @param response    state dependence of the step
     * @param gammaUp     slope (linearStep) or exponent (power) of the potentiation step
     * @param gammaDown   the same for depression
     * @param upDown      mean up/down asymmetry beta: up steps x (1 + beta), down x (1 - beta)
     * @param upDownDtod  device-to-device std of beta
     * @param stepDtod    device-to-device relative std of the step (dw_min_dtod)
     * @param boundsDtod  device-to-device relative std of each half-range (w_max_dtod, w_min_dtod)
     * @param writeNoise  cycle-to-cycle std of each pulse, in nominal steps (dw_min_std)
     * @param readNoise   std of one device's read, in weight units (conductance / gRef)
     * @param stuckAtMin  fraction of devices stuck at their lowest conductance
     * @param stuckAtMax  fraction stuck at their highest
     * @param driftNu     drift exponent: G(t) = G_prog ((t - t_prog) / driftT0 + 1)^-nu (0: none)
     * @param driftT0     drift time constant, seconds
     */
    public record Device(double gMin, double gMax, double gRef, int levels, Response response, double gammaUp,
                         double gammaDown, double upDown, double upDownDtod, double stepDtod, double boundsDtod,
                         double writeNoise, double readNoise, double stuckAtMin, double stuckAtMax, double driftNu,
                         double driftT0) {
        public boolean continuous() {
            return levels == IDEAL;
        }

        /** Conductance change of one nominal programming pulse (0 for continuous devices). */
        public double step() {
            return continuous() ? 0 : (gMax - gMin) / (levels - 1);
        }

        /** Largest nominal |W| a synapse can hold: one device at gMax, the other at gMin. */
        public double maxWeight() {
            return (gMax - gMin) / gRef;
        }
    }

    /**
     * Input DACs (clip requested voltages to [dacMin, dacMax], then quantize over that range) and
     * read-out ADCs (add input-referred noise of std adcNoise, clip rho to [adcMin, adcMax], then
     * quantize); {@link #IDEAL} bits: no quantization.
     */
    public record Periphery(int dacBits, double dacMin, double dacMax, int adcBits, double adcMin, double adcMax, double adcNoise) {}

    /**
     * What each counted event costs (docs/cost.md): energies and times per event, with the source
     * of every number in {@code source}. Optional: a model without a {@code cost} section (a file
     * written before there was one) has {@code cost == null}, and no energy is reported for it.
     *
     * @param adcFom      Walden figure of merit of the ADCs, fJ per conversion step: one conversion costs adcFom x 2^bits
     * @param adcSeconds  time of one conversion, s
     * @param adcs        ADCs converting in parallel (conversions are spread over them)
     * @param dacFom      the DACs' energy per conversion step, fJ: one conversion costs dacFom x 2^bits
     * @param dacSeconds  settling time of one input DAC, s (one DAC per input line, all in parallel)
     * @param idealBits   resolution an ideal (unquantized) converter is costed at
     * @param neuronPower static power of one neuron's integrator and amplifier while the chip integrates, µW
     * @param pulseEnergy energy of one programming pulse (or one analog write of a continuous device), pJ
     * @param pulseSeconds width of one pulse slot, s
     * @param macEnergy   energy of one digital multiply-accumulate of the host (32-bit float), pJ
     * @param macSeconds  time of one host multiply-accumulate, s
     * @param memoryEnergy energy of one 32-bit SRAM access of a digital accelerator (the digital baseline), pJ
     * @param source      where each number comes from
     */
    /** Who forms a weight update (docs/update.md). */
    public enum UpdateMode {
        /** The controller forms every weight's change and asks the chip to program it (a digital controller beside the array). */
        HOST,
        /** The controller hands the array the two vectors of each rank-one term; rows and columns fire stochastic pulse trains. */
        OUTER_PRODUCT;

        /** The name in model files. */
        public final String jsonName = JsonName.of(this);
    }

    /** How the pulse trains of an outer-product update are drawn (aihwkit's PulseType). */
    public enum PulseType {
        /** Every row and column fires each of the bitLength slots with its probability; a coincidence is a pulse (StochasticCompressed). */
        STOCHASTIC,
        /** No randomness in the trains: each cross-point gets round(bitLength p_row p_column) pulses (DeterministicImplicit). */
        DETERMINISTIC;

        /** The name in model files. */
        public final String jsonName = JsonName.of(this);
    }

    /**
     * Who forms the update, and the pulse trains of the array's own (outer-product) update, with
     * IBM aihwkit's UpdateParameters semantics (desired_bl, update_management,
     * update_bl_management, pulse_type).
     *
     * @param mode         host (the default: today's behaviour) or outerProduct
     * @param bitLength    slots of each pulse train (desired_bl; with blManagement the most it may use)
     * @param management   balance the row and column probabilities by the vectors' largest values (update_management)
     * @param blManagement shorten the trains to the fewest slots the largest product needs (update_bl_management)
     * @param pulseType    stochastic or deterministic trains
     */
    public record Update(UpdateMode mode, int bitLength, boolean management, boolean blManagement, PulseType pulseType) {
        /** A model without an update section: the host forms every update (aihwkit's defaults for the rest). */
        public static final Update HOST = new Update(UpdateMode.HOST, 31, true, true, PulseType.STOCHASTIC);
    }

    /** Where the ghost populations of ghost units read their bottom-up drive (docs/rules.md). */
    public enum GhostCrossbar {
        /** The forward crossbar itself: the ghosts' weights equal the forward ones exactly (the complete-duplication limit). */
        SHARED,
        /** A crossbar of their own, fabricated (its own device variation) and programmed (its own write noise) like the forward one. */
        SEPARATE;

        /** The name in model files. */
        public final String jsonName = JsonName.of(this);
    }

    /** The ghost populations' wiring; a model without a ghost section has {@link #SHARED}. */
    public record Ghost(GhostCrossbar crossbar) {
        public static final Ghost SHARED = new Ghost(GhostCrossbar.SHARED);

        public boolean separate() {
            return crossbar == GhostCrossbar.SEPARATE;
        }
    }

    public record Cost(double adcFom, double adcSeconds, int adcs, double dacFom, double dacSeconds, int idealBits,
                       double neuronPower, double pulseEnergy, double pulseSeconds, double macEnergy, double macSeconds,
                       double memoryEnergy, String source) {}
}
