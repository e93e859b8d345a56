package epsim.model;

import epsim.common.JsonName;

/**
 * One chip build: neurons, synapse devices, periphery. Every number has been validated by
 * {@link ModelLoader}; see docs/hardware-models.md for units and ranges.
 */
public record HardwareModel(String name, String description, String source,
                            Neuron neuron, Device device, Periphery periphery, Cost cost, Update update, Ghost ghost, Array array) {

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
        POWER,
        /** The mean step up and down and their cycle-to-cycle spread as tables over conductance, interpolated (device.lookup). */
        LOOKUP;

        /** The name in model files. */
        public final String jsonName = JsonName.of(this);
    }

    /**
     * One synapse is a differential pair of these devices, W = (G+ - G-) / gRef. Step, asymmetry
     * and bounds vary from device to device (drawn once, at fabrication, from the seed). The parts
     * are named: what each field means for the device's step response is in that response's type.
     */
    public record Device(Conductance conductance, StepResponse response, Variation variation, Noise noise, Faults faults, Drift drift,
                         Endurance endurance) {
        /** A device without the endurance part: it never wears out. */
        public Device(Conductance conductance, StepResponse response, Variation variation, Noise noise, Faults faults, Drift drift) {
            this(conductance, response, variation, noise, faults, drift, Endurance.UNLIMITED);
        }

        /**
         * @param gMin   nominal lowest conductance, microsiemens
         * @param gMax   nominal highest conductance, microsiemens
         * @param gRef   reference conductance that maps a conductance difference to a weight
         * @param levels nominal programmable levels ({@link #IDEAL}: continuous); the nominal step is
         *               (gMax - gMin) / (levels - 1), aihwkit's dw_min
         */
        public record Conductance(double gMin, double gMax, double gRef, int levels) {}

        /**
         * How a pulse's step depends on the device's state x in [-1, 1] (its place between its own
         * bounds): the nominal step, times (1 + upDown) up or (1 - upDown) down, times the shape.
         */
        public sealed interface StepResponse permits LinearStep, PowerLaw, Lookup {
            Response type();

            /** Mean up/down asymmetry beta: up steps x (1 + beta), down x (1 - beta). */
            double upDown();

            /** The shape factor of a step up or down at state x. */
            double shape(double x, boolean up);

            /** Whether the step up (or down) does not depend on the state. */
            boolean constant(boolean up);

            /** The state-dependent cycle-to-cycle std of a step up (or down) at state x, µS, on top of device.writeNoise (0 but for lookup). */
            default double spread(double x, boolean up) {
                return 0;
            }

            /** Whether {@link #spread} is ever nonzero. */
            default boolean spreads() {
                return false;
            }

            /** The up parameter as model files write it (device.gammaUp). */
            double upParameter();

            /** The down parameter as model files write it (device.gammaDown). */
            double downParameter();

            /** The response of {@code type} with the file's gammaUp, gammaDown and upDown. */
            static StepResponse of(Response type, double gammaUp, double gammaDown, double upDown) {
                return type == Response.POWER ? new PowerLaw(gammaUp, gammaDown, upDown) : new LinearStep(gammaUp, gammaDown, upDown);
            }
        }

        /** step shape (1 - slopeUp x) up, (1 + slopeDown x) down: constant for slope 0, soft bounds for 1 (aihwkit LinearStep). */
        public record LinearStep(double slopeUp, double slopeDown, double upDown) implements StepResponse {
            public Response type() {
                return Response.LINEAR_STEP;
            }

            public double shape(double x, boolean up) {
                return up ? 1 - slopeUp * x : 1 + slopeDown * x;
            }

            public boolean constant(boolean up) {
                return (up ? slopeUp : slopeDown) == 0;
            }

            public double upParameter() {
                return slopeUp;
            }

            public double downParameter() {
                return slopeDown;
            }
        }

        /** step shape (1 - x)^exponentUp up, (1 + x)^exponentDown down (aihwkit PowStep). */
        public record PowerLaw(double exponentUp, double exponentDown, double upDown) implements StepResponse {
            public Response type() {
                return Response.POWER;
            }

            public double shape(double x, boolean up) {
                return up ? Math.pow(1 - x, exponentUp) : Math.pow(1 + x, exponentDown);
            }

            public boolean constant(boolean up) {
                return false;
            }

            public double upParameter() {
                return exponentUp;
            }

            public double downParameter() {
                return exponentDown;
            }
        }

        /**
         * A measured response as tables over conductance (µS, increasing): the mean step up and down
         * (magnitudes, µS) and their cycle-to-cycle std (µS), linearly interpolated between points and
         * held constant beyond the ends. A device with its own bounds reads the table at the nominal
         * conductance of its own state x, and its own step factor and asymmetry scale the mean step
         * as for every response.
         */
        public record StepTable(double[] conductance, double[] stepUp, double[] stepDown, double[] spreadUp, double[] spreadDown) {
            /** Linear interpolation of {@code values} at {@code g}, the end values beyond the ends. */
            public double at(double[] values, double g) {
                return interpolate(conductance, values, g);
            }

            /** Linear interpolation of {@code values} over the increasing points {@code c} at {@code g}, the end values beyond the ends. */
            public static double interpolate(double[] c, double[] values, double g) {
                if (g <= c[0]) return values[0];
                int n = c.length;
                if (g >= c[n - 1]) return values[n - 1];
                int lo = 0, hi = n - 1;
                while (hi - lo > 1) {
                    int m = (lo + hi) >>> 1;
                    if (c[m] <= g) lo = m;
                    else hi = m;
                }
                double t = (g - c[lo]) / (c[hi] - c[lo]);
                return values[lo] + t * (values[hi] - values[lo]);
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof StepTable t && java.util.Arrays.equals(conductance, t.conductance) && java.util.Arrays.equals(stepUp, t.stepUp)
                        && java.util.Arrays.equals(stepDown, t.stepDown) && java.util.Arrays.equals(spreadUp, t.spreadUp)
                        && java.util.Arrays.equals(spreadDown, t.spreadDown);
            }

            @Override
            public int hashCode() {
                return java.util.Arrays.hashCode(conductance) * 31 + java.util.Arrays.hashCode(stepUp);
            }

            @Override
            public String toString() {
                return "StepTable[" + conductance.length + " points]";
            }
        }

        /**
         * step shape: the table's mean step at the nominal conductance of state x, over the nominal step
         * s; the table's spread adds to the write noise (independent, so in quadrature).
         */
        public record Lookup(StepTable table, double upDown, double gMin, double gMax, double nominalStep) implements StepResponse {
            public Response type() {
                return Response.LOOKUP;
            }

            private double conductanceAt(double x) {
                return 0.5 * (gMin + gMax) + 0.5 * (gMax - gMin) * x;
            }

            public double shape(double x, boolean up) {
                return table.at(up ? table.stepUp() : table.stepDown(), conductanceAt(x)) / nominalStep;
            }

            @Override
            public double spread(double x, boolean up) {
                return table.at(up ? table.spreadUp() : table.spreadDown(), conductanceAt(x));
            }

            @Override
            public boolean spreads() {
                for (double v : table.spreadUp()) if (v > 0) return true;
                for (double v : table.spreadDown()) if (v > 0) return true;
                return false;
            }

            public boolean constant(boolean up) {
                return false;
            }

            public double upParameter() {
                return 0;
            }

            public double downParameter() {
                return 0;
            }
        }

        /**
         * Device-to-device spreads, drawn at fabrication.
         *
         * @param stepDtod   relative std of the step (dw_min_dtod)
         * @param boundsDtod relative std of each half-range (w_max_dtod, w_min_dtod)
         * @param upDownDtod std of the asymmetry beta
         */
        public record Variation(double stepDtod, double boundsDtod, double upDownDtod) {}

        /**
         * @param writeNoise cycle-to-cycle std of each pulse, in nominal steps (dw_min_std)
         * @param readNoise  std of one device's read, in weight units (conductance / gRef)
         * @param temperature kelvin of the devices' Johnson-Nyquist current noise; 0: left out
         */
        public record Noise(double writeNoise, double readNoise, double temperature) {
            public Noise(double writeNoise, double readNoise) {
                this(writeNoise, readNoise, 0);
            }
        }

        /** Fractions of devices stuck at their lowest and at their highest conductance. */
        public record Faults(double stuckAtMin, double stuckAtMax) {}

        /** What a device does once it has taken its endurance's worth of pulses. */
        public enum WearOut {
            /** It sticks where it is: further pulses move it no more (stuck-SET / stuck-RESET failures). */
            STICK,
            /** Its step shrinks by exp(-(n - N) / N) after n > N pulses (the window closes gradually). */
            SHRINK;

            /** The name in model files. */
            public final String jsonName = JsonName.of(this);
        }

        /**
         * Wear: each device draws at fabrication the pulses it takes before it wears out, log-normal
         * with median {@code pulses} and std {@code spread} of its logarithm; {@code pulses} 0: no wear.
         */
        public record Endurance(double pulses, double spread, WearOut wearOut) {
            public static final Endurance UNLIMITED = new Endurance(0, 0, WearOut.STICK);

            public boolean limited() {
                return pulses > 0;
            }
        }

        /**
         * G(t) = G_prog ((t - t_prog) / t0 + 1)^-nu_i (nu 0: none); t0 in seconds; nu_i = max(0, nu (1 +
         * nuDtod z_i)), z_i a standard normal drawn per device at fabrication (nuDtod 0: every device nu).
         */
        public record Drift(double nu, double t0, double nuDtod) {
            /** Drift with one exponent for every device. */
            public Drift(double nu, double t0) {
                this(nu, t0, 0);
            }
        }

        public double gMin() {
            return conductance.gMin();
        }

        public double gMax() {
            return conductance.gMax();
        }

        public double gRef() {
            return conductance.gRef();
        }

        public int levels() {
            return conductance.levels();
        }

        public double upDown() {
            return response.upDown();
        }

        public double stepDtod() {
            return variation.stepDtod();
        }

        public double boundsDtod() {
            return variation.boundsDtod();
        }

        public double upDownDtod() {
            return variation.upDownDtod();
        }

        public double writeNoise() {
            return noise.writeNoise();
        }

        public double readNoise() {
            return noise.readNoise();
        }

        public double temperature() {
            return noise.temperature();
        }

        public double stuckAtMin() {
            return faults.stuckAtMin();
        }

        public double stuckAtMax() {
            return faults.stuckAtMax();
        }

        public double driftNu() {
            return drift.nu();
        }

        public double driftT0() {
            return drift.t0();
        }

        public double driftNuDtod() {
            return drift.nuDtod();
        }

        public boolean continuous() {
            return levels() == IDEAL;
        }

        /** Conductance change of one nominal programming pulse (0 for continuous devices). */
        public double step() {
            return continuous() ? 0 : (gMax() - gMin()) / (levels() - 1);
        }

        /** Largest nominal |W| a synapse can hold: one device at gMax, the other at gMin. */
        public double maxWeight() {
            return (gMax() - gMin()) / gRef();
        }
    }

    /**
     * Input DACs (clip requested voltages to [dacMin, dacMax], then quantize over that range) and
     * read-out ADCs (add input-referred noise of std adcNoise, clip rho to [adcMin, adcMax], then
     * quantize); {@link #IDEAL} bits: no quantization. The read operating point: a full-scale
     * output drives its row at {@code readVoltage} volts for {@code readPulse} seconds of each
     * integration step (docs/cost.md).
     */
    public record Periphery(int dacBits, double dacMin, double dacMax, int adcBits, double adcMin, double adcMax, double adcNoise,
                            double readVoltage, double readPulse) {}

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
        OUTER_PRODUCT,
        /**
         * Tiki-Taka (Gokmen &amp; Haensch 2020; aihwkit's TransferCompound): the outer-product trains
         * reach a fast array A, whose columns are read through the ADC one after another and
         * transferred, by the same trains, to the array C the network reads.
         */
        TIKI_TAKA;

        /** Whether the array forms its own update from rank-one terms (the controller hands it their vectors). */
        public boolean fromRankOneTerms() {
            return this != HOST;
        }

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
     * @param tikiTaka     the fast array and its transfers (used in mode tikiTaka)
     */
    public record Update(UpdateMode mode, int bitLength, boolean management, boolean blManagement, PulseType pulseType, TikiTaka tikiTaka) {
        /**
         * A model without an update section: the host forms every update. For the array's own
         * update, aihwkit's defaults but for blManagement, off: measured on the atlas's protocol
         * (docs/update.md, "Choosing the defaults"), fixed trains of 31 slots learned better.
         */
        public static final Update HOST = new Update(UpdateMode.HOST, 31, true, false, PulseType.STOCHASTIC, TikiTaka.DEFAULT);
    }

    /**
     * Tiki-Taka's fast array and transfers (docs/update.md): the rule's terms reach the fast array A
     * scaled by {@code fastLr}; after every {@code transferEvery} rank-one terms a layer took,
     * {@code readsPerTransfer} of A's columns (its bias column the last; or, with
     * {@code transferRows}, its rows) are read through the ADC, in turn, and each is added to the
     * same line of C scaled by {@code transferLr}, as an outer-product update of C with a one-hot
     * vector on the other side; a transferred line is reset to 0 with probability {@code resetProbability}.
     *
     * @param fastLr          factor on the rule's update as A takes it
     * @param transferLr      fraction of a column's read value added to C per transfer
     * @param transferEvery   rank-one terms (vector updates) of a layer between two transfers
     * @param readsPerTransfer lines read and transferred per transfer
     * @param resetProbability probability that a transferred line of A is written back to 0
     * @param transferRows    whether rows (each output's synapses and bias) are transferred instead of columns
     */
    public record TikiTaka(double fastLr, double transferLr, int transferEvery, int readsPerTransfer, double resetProbability, boolean transferRows) {
        public static final TikiTaka DEFAULT = new TikiTaka(1, 1, 1, 4, 1, false);
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

    /** How the controller programs a separate ghost crossbar beside the forward one (docs/rules.md). */
    public enum GhostProgramming {
        /**
         * Each requested change is rounded to a pulse count once, and both copies of the synapse
         * are sent that count: the pulse trains a controller sends two arrays that hold one weight.
         * Each copy's devices still respond with their own steps and write noise.
         */
        SAME_PULSES,
        /** Each copy rounds its requests to pulses with its own random draws (the model before ghost.programming). */
        INDEPENDENT;

        /** The name in model files. */
        public final String jsonName = JsonName.of(this);
    }

    /** The ghost populations' wiring; a model without a ghost section has {@link #SHARED}. */
    public record Ghost(GhostCrossbar crossbar, GhostProgramming programming) {
        public static final Ghost SHARED = new Ghost(GhostCrossbar.SHARED, GhostProgramming.SAME_PULSES);

        public boolean separate() {
            return crossbar == GhostCrossbar.SEPARATE;
        }
    }

    /** How tiles' partial column currents reach a neuron (docs/tiles.md). */
    public enum PartialSums {
        /** The tiles' column currents for one neuron meet at its input node: one analog sum. */
        ANALOG,
        /** Each tile's column current is converted by its own ADC and the conversions are added digitally before the neuron. */
        DIGITAL;

        /** The name in model files. */
        public final String jsonName = JsonName.of(this);
    }

    /**
     * How layers sit on arrays (docs/tiles.md): tiles of at most {@code tileRows} x {@code tileColumns}
     * devices ({@link #UNBOUNDED}: one array per layer, of any size), their partial sums, and the
     * resistance of each wire segment between neighbouring cells. A model without an array section
     * has {@link #NONE}: one array per layer with ideal wires, the chip as it was before tiles.
     *
     * @param tileRows           rows per tile: the lines the forward read drives (a layer's inputs and its bias row)
     * @param tileColumns        columns per tile: the lines the forward read senses (a layer's outputs)
     * @param partialSums        analog or digital partial sums
     * @param partialSumBits     resolution of a tile's partial-sum ADC (digital), or {@link #IDEAL}
     * @param partialSumRange    a partial-sum ADC converts [-range, range] of a tile's output current / gRef (weight x volts)
     * @param partialSumNoise    std of the Gaussian noise at a partial-sum ADC's input, same unit
     * @param rowWireOhms        resistance of a row wire between neighbouring cells (and from the driver to the first), ohms
     * @param columnWireOhms     the same for column wires (and from the last cell to the sensing terminal)
     */
    public record Array(int tileRows, int tileColumns, PartialSums partialSums, int partialSumBits, double partialSumRange,
                        double partialSumNoise, double rowWireOhms, double columnWireOhms) {
        /** A tile dimension without a bound. */
        public static final int UNBOUNDED = 0;
        public static final Array NONE = new Array(UNBOUNDED, UNBOUNDED, PartialSums.ANALOG, 8, 4.0, 0.0, 0.0, 0.0);

        /** Whether any wire has resistance: reads then solve the tiles' networks. */
        public boolean wired() {
            return rowWireOhms > 0 || columnWireOhms > 0;
        }

        public boolean digital() {
            return partialSums == PartialSums.DIGITAL;
        }

        /** Tiles along a dimension of {@code lines} lines with tiles of {@code size} ({@link #UNBOUNDED}: one). */
        public static int tilesAlong(int lines, int size) {
            return size == UNBOUNDED ? 1 : (lines + size - 1) / size;
        }
    }

    public record Cost(double adcFom, double adcSeconds, int adcs, double dacFom, double dacSeconds, int idealBits,
                       double neuronPower, double pulseEnergy, double pulseSeconds, double macEnergy, double macSeconds,
                       double memoryEnergy, String source, Area area, String technology, String cell,
                       java.util.Map<String, TechnologyTable.Constant> provenance) {
        /** A cost section written before areas and technology tables: every constant stated by the model, no area. */
        public Cost(double adcFom, double adcSeconds, int adcs, double dacFom, double dacSeconds, int idealBits, double neuronPower,
                    double pulseEnergy, double pulseSeconds, double macEnergy, double macSeconds, double memoryEnergy, String source) {
            this(adcFom, adcSeconds, adcs, dacFom, dacSeconds, idealBits, neuronPower, pulseEnergy, pulseSeconds, macEnergy, macSeconds,
                    memoryEnergy, source, Area.UNKNOWN, null, null, java.util.Map.of());
        }
    }

    /**
     * The areas the cost model prices (docs/cost.md); NaN where the model has no figure (then no area is reported).
     *
     * @param node        feature size F, nm
     * @param cellArea    one memory cell, F^2
     * @param adcArea     one ADC, µm^2
     * @param dacArea     an input DAC per conversion step, µm^2
     * @param neuronArea  one neuron's integrator and amplifier, µm^2
     * @param sramBitArea one SRAM bit cell of the host, µm^2
     */
    public record Area(double node, double cellArea, double adcArea, double dacArea, double neuronArea, double sramBitArea) {
        public static final Area UNKNOWN = new Area(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        /** Whether every figure is known, so that an area can be reported. */
        public boolean known() {
            return !Double.isNaN(node + cellArea + adcArea + dacArea + neuronArea + sramBitArea);
        }
    }
}
