package epsim.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Every field of a hardware model, declared once: section, name, what a value must be, unit,
 * meaning, and how to read it back from a {@link HardwareModel}. Validation, {@code toJson}
 * ({@code models show}, run.json), {@code --set} and the table in docs/hardware-models.md all
 * walk this list.
 */
public enum ModelField {
    TAU("neuron", "tau", Kind.TIME, "a finite number in (0, 1000] (seconds)", "s", "(0, 1e3]",
            "membrane time constant", m -> m.neuron().tau()),
    DT("neuron", "dt", Kind.TIME, "a finite number in (0, 1000] and <= neuron.tau (seconds)", "s", "(0, 1e3], <= tau",
            "integration step; the Euler factor is `eps = dt / tau`", m -> m.neuron().dt()),
    TRANSFER("neuron", "transfer", Kind.TEXT, "one of \"hardSigmoid\", \"sigmoid\", \"tanh\"", "—", "`hardSigmoid`, `sigmoid`, `tanh`",
            "amplifier transfer curve `rho(u)`; the hard sigmoid's rails also clip the state to [0, 1]", m -> m.neuron().transfer().jsonName),
    THERMAL_NOISE("neuron", "thermalNoise", Kind.NOISE, "a finite number in [0, 1e6] (volts per step)", "V per step", "0 .. 1e6",
            "std of Gaussian noise added to every `u` at every step", m -> m.neuron().thermalNoise()),
    G_MIN("device", "gMin", Kind.CONDUCTANCE, "a finite number in [0, 1e6] (microsiemens)", "µS", "[0, 1e6]",
            "lowest device conductance", m -> m.device().gMin()),
    G_MAX("device", "gMax", Kind.CONDUCTANCE, "a finite number in [0, 1e6], > device.gMin (microsiemens)", "µS", "> gMin, <= 1e6",
            "highest device conductance", m -> m.device().gMax()),
    G_REF("device", "gRef", Kind.REFERENCE, "a finite number in [0.001, 1e6] (microsiemens)", "µS", "[1e-3, 1e6]",
            "maps a conductance difference to a weight, `W = (G+ - G-)/gRef`; weights lie in `±(gMax - gMin)/gRef`", m -> m.device().gRef()),
    LEVELS("device", "levels", Kind.LEVELS, "an integer in 2..1000000 or \"ideal\"", "—", "2 .. 1e6, or `\"ideal\"` (finer is continuous in effect; a bound on the pulses one update may take)",
            "nominal programmable levels; the nominal step `s = (gMax - gMin)/(levels - 1)` is aihwkit's `dw_min`; `\"ideal\"` = continuous (then every pulse effect below must be 0)",
            m -> levels(m.device().levels())),
    RESPONSE("device", "response", Kind.TEXT, "one of \"linearStep\", \"power\", \"lookup\"", "—", "`linearStep`, `power`, `lookup`",
            "how the step depends on the state (below)", m -> m.device().response().type().jsonName),
    GAMMA_UP("device", "gammaUp", Kind.SHAPE, "a finite number in [0, 1000]", "—", "[0, 1e3]",
            "linearStep: slope of the up step (0 constant, 1 soft bounds); power: exponent; lookup: 0 (the table holds the shape)",
            m -> m.device().response().upParameter()),
    GAMMA_DOWN("device", "gammaDown", Kind.SHAPE, "a finite number in [0, 1000]", "—", "[0, 1e3]",
            "the same for the down step", m -> m.device().response().downParameter()),
    LOOKUP("device", "lookup", Kind.TABLE, "an object of number arrays conductance (µS, increasing, within [gMin, gMax]), stepUp, stepDown (µS, >= 0), "
            + "optional spreadUp, spreadDown (µS, >= 0), all of one length in 2..10000", "µS", "with response `lookup` only",
            "the lookup response: the mean step up and down and their cycle-to-cycle std over conductance, interpolated (docs/hardware-models.md)",
            ModelField::lookupTable, Presence.OPTIONAL, null),
    UP_DOWN("device", "upDown", Kind.OPEN_UNIT, "a finite number in (-1, 1)", "—", "(-1, 1)",
            "mean asymmetry b: up steps `s(1 + b)`, down steps `s(1 - b)` (aihwkit `up_down`)", m -> m.device().upDown()),
    UP_DOWN_DTOD("device", "upDownDtod", Kind.SHAPE, "a finite number in [0, 1000]", "—", "[0, 1e3]",
            "device-to-device std of b (`up_down_dtod`)", m -> m.device().upDownDtod()),
    STEP_DTOD("device", "stepDtod", Kind.SHAPE, "a finite number in [0, 1000] (relative)", "relative", "[0, 1e3]",
            "device-to-device std of the step (`dw_min_dtod`)", m -> m.device().stepDtod()),
    BOUNDS_DTOD("device", "boundsDtod", Kind.SHAPE, "a finite number in [0, 1000] (relative)", "relative", "[0, 1e3]",
            "device-to-device std of each half-range (`w_max_dtod`, `w_min_dtod`)", m -> m.device().boundsDtod()),
    WRITE_NOISE("device", "writeNoise", Kind.NOISE, "a finite number in [0, 1e6] (nominal steps per pulse)", "nominal steps", "[0, 1e6]",
            "cycle-to-cycle std of every pulse (`dw_min_std`, additive), relative to the nominal step s; or give `writeNoiseMicrosiemens`",
            m -> m.device().writeNoise(), Presence.ONE_OF_TWO, null),
    WRITE_NOISE_US("device", "writeNoiseMicrosiemens", Kind.NOISE, "a finite number in [0, 1e6] (microsiemens per pulse)", "µS", "[0, 1e6]",
            "the same std in conductance, `writeNoise x s`; a model gives one of the two (both only if they agree), and the one it gives"
                    + " holds when `levels`, `gMin` or `gMax` change", m -> m.device().writeNoise() * m.device().step(), Presence.ONE_OF_TWO, null),
    READ_NOISE("device", "readNoise", Kind.NOISE, "a finite number in [0, 1e6] (weight units)", "weight units", "0 .. 1e6",
            "std of one device's read, per read (every step, for both current directions)", m -> m.device().readNoise()),
    TEMPERATURE("device", "temperature", Kind.TEMPERATURE, "a finite number in [0, 10000] (kelvin)", "K", "0 .. 1e4; optional, 0",
            "temperature of the devices' Johnson-Nyquist current noise (`4 k T G` per device, integrated over periphery.readPulse, docs/cost.md); "
                    + "0 leaves it out", m -> m.device().temperature(), Presence.OPTIONAL, 0.0),
    STUCK_AT_MIN("device", "stuckAtMin", Kind.FRACTION, "a fraction in [0, 1]", "fraction", "[0, 1]",
            "devices stuck at their lowest conductance (chosen at fabrication)", m -> m.device().stuckAtMin()),
    STUCK_AT_MAX("device", "stuckAtMax", Kind.FRACTION, "a fraction in [0, 1] with stuckAtMin + stuckAtMax <= 1", "fraction",
            "[0, 1], sum <= 1", "devices stuck at their highest conductance", m -> m.device().stuckAtMax()),
    DRIFT_NU("device", "driftNu", Kind.DRIFT_EXPONENT, "a finite number in [0, 10]", "—", "[0, 10]",
            "drift exponent nu (0: no drift)", m -> m.device().driftNu()),
    ENDURANCE("device", "endurance", Kind.ENDURANCE, "a number of pulses in [1, 1e15] or \"unlimited\"", "pulses", "[1, 1e15] or `\"unlimited\"`; optional, unlimited",
            "median pulses a device takes before it wears out (drawn per device at fabrication, log-normal); written only when limited",
            m -> m.device().endurance().limited() ? (Object) m.device().endurance().pulses() : null, Presence.OPTIONAL, 0.0),
    ENDURANCE_SPREAD("device", "enduranceSpread", Kind.SHAPE, "a finite number in [0, 1000]", "—", "[0, 1e3]; optional, 0",
            "device-to-device std of the natural logarithm of the endurance", m -> m.device().endurance().limited() ? (Object) m.device().endurance().spread() : null,
            Presence.OPTIONAL, 0.0),
    WEAR_OUT("device", "wearOut", Kind.TEXT, "one of \"stick\", \"shrink\"", "—", "`stick`, `shrink`; optional, stick",
            "a worn-out device sticks where it is, or its step shrinks by `exp(-(n - N)/N)` after n > N pulses (docs/hardware-models.md, \"Wear\")",
            m -> m.device().endurance().limited() ? m.device().endurance().wearOut().jsonName : null, Presence.OPTIONAL,
            HardwareModel.Device.WearOut.STICK),
    DRIFT_T0("device", "driftT0", Kind.DRIFT_TIME, "a finite number in (0, 1e12] (seconds)", "s", "(0, 1e12]",
            "drift time constant t0", m -> m.device().driftT0()),
    DRIFT_NU_DTOD("device", "driftNuDtod", Kind.SHAPE, "a finite number in [0, 1000] (relative)", "relative", "[0, 1e3]; optional, 0",
            "device-to-device spread of the drift exponent: nu_i = max(0, nu (1 + driftNuDtod z_i)), z_i standard normal per device (needs driftNu > 0)",
            m -> m.device().driftNuDtod(), Presence.OPTIONAL, 0.0),
    DAC_BITS("periphery", "dacBits", Kind.BITS, "an integer in 1..24 or \"ideal\"", "bits", "1..24 or `\"ideal\"`",
            "input DAC resolution", m -> levels(m.periphery().dacBits())),
    DAC_MIN("periphery", "dacMin", Kind.VOLTAGE, "a finite number in [-1000, 1000] (volts)", "V", "[-1e3, 1e3], < dacMax",
            "lower end of the DAC range: requested input voltages (pixel values in [0, 1]) are clipped to [dacMin, dacMax] and quantized over it",
            m -> m.periphery().dacMin()),
    DAC_MAX("periphery", "dacMax", Kind.VOLTAGE, "a finite number in [-1000, 1000], > periphery.dacMin (volts)", "V", "[-1e3, 1e3], > dacMin",
            "upper end of the DAC range", m -> m.periphery().dacMax()),
    ADC_BITS("periphery", "adcBits", Kind.BITS, "an integer in 1..24 or \"ideal\"", "bits", "1..24 or `\"ideal\"`",
            "read-out ADC resolution", m -> levels(m.periphery().adcBits())),
    ADC_MIN("periphery", "adcMin", Kind.RAILS_OR_NUMBER, "a finite number in [-1000, 1000] (volts) or \"rails\" (the transfer curve's lower rail)", "V",
            "< adcMax, or `\"rails\"`", "lower end of the ADC range: `rho` is clipped to [adcMin, adcMax] and quantized over it; `\"rails\"` = the transfer curve's rail",
            m -> m.periphery().adcMin()),
    ADC_MAX("periphery", "adcMax", Kind.RAILS_OR_NUMBER, "a finite number in [-1000, 1000], > periphery.adcMin (volts) or \"rails\" (the upper rail)", "V",
            "> adcMin, or `\"rails\"`", "upper end of the ADC range", m -> m.periphery().adcMax()),
    ADC_NOISE("periphery", "adcNoise", Kind.NOISE, "a finite number in [0, 1e6] (volts)", "V per conversion", "0 .. 1e6; optional, 0",
            "std of Gaussian noise at the ADC input, drawn anew for every conversion (before clipping and quantization): "
                    + "measurement noise, which leaves the circuit's dynamics alone", m -> m.periphery().adcNoise(), Presence.OPTIONAL, 0.0),
    READ_VOLTAGE("periphery", "readVoltage", Kind.READ_VOLTAGE, "a finite number in (0, 1000] (volts)", "V", "(0, 1e3]; optional, 1",
            "the row voltage of a full-scale output (a neuron at 1, an input pixel of 1, the bias row): the crossbars' G V^2 energy and the Johnson noise "
                    + "relative to the signal scale with it; the dynamics, in normalised units, do not", m -> m.periphery().readVoltage(), Presence.OPTIONAL, 1.0),
    READ_PULSE("periphery", "readPulse", Kind.TIME, "a finite number in (0, 1000] and <= neuron.dt (seconds)", "s", "(0, 1e3], <= dt; optional, dt",
            "how long the rows conduct in each integration step (the integrators collect their charge over it): the crossbars' energy is G V^2 x readPulse per step, "
                    + "the Johnson noise's std grows as 1 / sqrt(readPulse)",
            m -> m.periphery().readPulse() == m.neuron().dt() ? null : m.periphery().readPulse(), Presence.OPTIONAL, null),
    ADC_FOM("cost", "adcFom", Kind.COST, "a finite number in [0, 1e9] (fJ per conversion step)", "fJ / conversion step", "0 .. 1e9",
            "Walden figure of merit of the ADCs: one conversion costs `adcFom x 2^adcBits`", m -> tabled(m, "adcFom", m.cost().adcFom()), Presence.TABLE, null),
    ADC_SECONDS("cost", "adcSeconds", Kind.COST, "a finite number in [0, 1e9] (seconds)", "s", "0 .. 1e9",
            "time of one ADC conversion", m -> tabled(m, "adcSeconds", m.cost().adcSeconds()), Presence.TABLE, null),
    ADCS("cost", "adcs", Kind.COUNT, "an integer in 1..1000000", "—", "1 .. 1e6",
            "ADCs converting in parallel: a read of n values takes `n x adcSeconds / adcs`", m -> tabled(m, "adcs", m.cost().adcs()), Presence.TABLE, null),
    DAC_FOM("cost", "dacFom", Kind.COST, "a finite number in [0, 1e9] (fJ per conversion step)", "fJ / conversion step", "0 .. 1e9",
            "energy of the input DACs per conversion step: one conversion costs `dacFom x 2^dacBits`", m -> tabled(m, "dacFom", m.cost().dacFom()), Presence.TABLE, null),
    DAC_SECONDS("cost", "dacSeconds", Kind.COST, "a finite number in [0, 1e9] (seconds)", "s", "0 .. 1e9",
            "settling time of the input DACs (one per input line, all in parallel)", m -> tabled(m, "dacSeconds", m.cost().dacSeconds()), Presence.TABLE, null),
    IDEAL_BITS("cost", "idealBits", Kind.RESOLUTION, "an integer in 1..24", "bits", "1 .. 24",
            "the resolution an ideal (unquantized) DAC or ADC is costed at", m -> tabled(m, "idealBits", m.cost().idealBits()), Presence.TABLE, null),
    NEURON_POWER("cost", "neuronPower", Kind.COST, "a finite number in [0, 1e9] (microwatts)", "µW", "0 .. 1e9",
            "static power of one neuron's integrator and amplifier while the chip integrates", m -> tabled(m, "neuronPower", m.cost().neuronPower()), Presence.TABLE, null),
    PULSE_ENERGY("cost", "pulseEnergy", Kind.COST, "a finite number in [0, 1e9] (picojoules)", "pJ", "0 .. 1e9",
            "energy of one programming pulse (a continuous device: of one analog write)", m -> tabled(m, "pulseEnergy", m.cost().pulseEnergy()), Presence.TABLE, null),
    PULSE_SECONDS("cost", "pulseSeconds", Kind.COST, "a finite number in [0, 1e9] (seconds)", "s", "0 .. 1e9",
            "width of one programming pulse slot (rows are programmed one after another)", m -> tabled(m, "pulseSeconds", m.cost().pulseSeconds()), Presence.TABLE, null),
    MAC_ENERGY("cost", "macEnergy", Kind.COST, "a finite number in [0, 1e9] (picojoules)", "pJ", "0 .. 1e9",
            "energy of one digital multiply-accumulate (32-bit float) on the host, and on the digital baseline", m -> tabled(m, "macEnergy", m.cost().macEnergy()), Presence.TABLE, null),
    MAC_SECONDS("cost", "macSeconds", Kind.COST, "a finite number in [0, 1e9] (seconds)", "s", "0 .. 1e9",
            "time of one host multiply-accumulate", m -> tabled(m, "macSeconds", m.cost().macSeconds()), Presence.TABLE, null),
    MEMORY_ENERGY("cost", "memoryEnergy", Kind.COST, "a finite number in [0, 1e9] (picojoules)", "pJ", "0 .. 1e9",
            "energy of one 32-bit SRAM access of the digital baseline", m -> tabled(m, "memoryEnergy", m.cost().memoryEnergy()), Presence.TABLE, null),
    TECHNOLOGY("cost", "technology", Kind.TECHNOLOGY, "one of \"45nm\", \"32nm\"", "—", "`45nm`, `32nm`; optional",
            "a bundled table of sourced constants for that CMOS node (docs/cost.md): every cost field the model leaves out is taken from it",
            m -> m.cost().technology(), Presence.OPTIONAL, null),
    CELL("cost", "cell", Kind.TECHNOLOGY, "one of \"rram\", \"pcm\", \"ecram\", \"capacitor\"", "—", "`rram`, `pcm`, `ecram`, `capacitor`; optional",
            "a bundled table of the memory cell: its area in F^2 and its programming pulse, taken where the model leaves them out",
            m -> m.cost().cell(), Presence.OPTIONAL, null),
    NODE("cost", "node", Kind.COST, "a finite number in [0, 1e9] (nanometres)", "nm", "0 .. 1e9; optional (from technology)",
            "the feature size F that cell areas in F^2 are multiples of", m -> tabled(m, "node", m.cost().area().node()), Presence.OPTIONAL, Double.NaN),
    CELL_AREA("cost", "cellArea", Kind.COST, "a finite number in [0, 1e9] (F^2)", "F^2", "0 .. 1e9; optional (from cell)",
            "area of one memory cell (one device with its access devices)", m -> tabled(m, "cellArea", m.cost().area().cellArea()), Presence.OPTIONAL, Double.NaN),
    ADC_AREA("cost", "adcArea", Kind.COST, "a finite number in [0, 1e9] (square micrometres)", "µm²", "0 .. 1e9; optional (from technology)",
            "area of one read-out ADC (and of one tile's partial-sum ADC)", m -> tabled(m, "adcArea", m.cost().area().adcArea()), Presence.OPTIONAL, Double.NaN),
    DAC_AREA("cost", "dacArea", Kind.COST, "a finite number in [0, 1e9] (square micrometres per conversion step)", "µm² / conversion step",
            "0 .. 1e9; optional (from technology)", "area of an input DAC per conversion step: one DAC takes `dacArea x 2^dacBits`",
            m -> tabled(m, "dacArea", m.cost().area().dacArea()), Presence.OPTIONAL, Double.NaN),
    NEURON_AREA("cost", "neuronArea", Kind.COST, "a finite number in [0, 1e9] (square micrometres)", "µm²", "0 .. 1e9; optional (from technology)",
            "area of one neuron's integrator and amplifier", m -> tabled(m, "neuronArea", m.cost().area().neuronArea()), Presence.OPTIONAL, Double.NaN),
    SRAM_BIT_AREA("cost", "sramBitArea", Kind.COST, "a finite number in [0, 1e9] (square micrometres)", "µm²", "0 .. 1e9; optional (from technology)",
            "area of one SRAM bit cell of the host's memory", m -> tabled(m, "sramBitArea", m.cost().area().sramBitArea()), Presence.OPTIONAL, Double.NaN),
    COST_SOURCE("cost", "source", Kind.FREE_TEXT, "a string of at most 4000 characters", "text", "optional",
            "where each cost number comes from", m -> m.cost().source(), Presence.OPTIONAL, ""),
    UPDATE_MODE("update", "mode", Kind.TEXT, "one of \"host\", \"outerProduct\", \"tikiTaka\"", "—", "`host`, `outerProduct`, `tikiTaka`",
            "who forms a weight update: the host programs each weight's change, the array updates itself from pulse trains on its rows and columns, "
                    + "or Tiki-Taka: the trains reach a fast array whose columns are transferred to the weights in turn (docs/update.md)",
            m -> m.update().mode().jsonName),
    BIT_LENGTH("update", "bitLength", Kind.COUNT, "an integer in 1..1000000 (slots)", "slots", "1 .. 1e6",
            "outerProduct: slots of each pulse train (aihwkit `desired_bl`; with blManagement the most a train may use)", m -> m.update().bitLength()),
    MANAGEMENT("update", "management", Kind.BOOLEAN, "true or false", "—", "`true`, `false`",
            "outerProduct: balance row and column probabilities by the vectors' largest values (aihwkit `update_management`)",
            m -> m.update().management()),
    BL_MANAGEMENT("update", "blManagement", Kind.BOOLEAN, "true or false", "—", "`true`, `false`; optional, false",
            "outerProduct: use the fewest slots the largest product needs, at most bitLength (aihwkit `update_bl_management`; turns management on)",
            m -> m.update().blManagement(), Presence.OPTIONAL, false),
    PULSE_TYPE("update", "pulseType", Kind.TEXT, "one of \"stochastic\", \"deterministic\"", "—", "`stochastic`, `deterministic`",
            "outerProduct: stochastic trains, a pulse per coincidence (aihwkit `StochasticCompressed`), or deterministic counts (`DeterministicImplicit`)",
            m -> m.update().pulseType().jsonName),
    FAST_LR("update", "fastLr", Kind.SHAPE, "a finite number in [0, 1000]", "—", "[0, 1e3]; optional, 1",
            "tikiTaka: factor on the rule's update as the fast array A takes it (aihwkit `fast_lr`)",
            m -> m.update().tikiTaka().fastLr(), Presence.OPTIONAL, HardwareModel.TikiTaka.DEFAULT.fastLr()),
    TRANSFER_LR("update", "transferLr", Kind.SHAPE, "a finite number in [0, 1000]", "—", "[0, 1e3]; optional, 1",
            "tikiTaka: fraction of a column of A, as read, added to the same column of the weights per transfer (aihwkit `transfer_lr`, not scaled by the learning rate)",
            m -> m.update().tikiTaka().transferLr(), Presence.OPTIONAL, HardwareModel.TikiTaka.DEFAULT.transferLr()),
    TRANSFER_EVERY("update", "transferEvery", Kind.COUNT, "an integer in 1..1000000 (rank-one terms)", "terms", "1 .. 1e6; optional, 1",
            "tikiTaka: rank-one terms (vector updates) a layer takes between two transfers (aihwkit `transfer_every` in mat-vecs)",
            m -> m.update().tikiTaka().transferEvery(), Presence.OPTIONAL, HardwareModel.TikiTaka.DEFAULT.transferEvery()),
    READS_PER_TRANSFER("update", "readsPerTransfer", Kind.COUNT, "an integer in 1..1000000 (lines)", "lines", "1 .. 1e6; optional, 4",
            "tikiTaka: lines of A (columns, the bias column last; or rows) read and transferred per transfer, in turn (aihwkit `n_reads_per_transfer`)",
            m -> m.update().tikiTaka().readsPerTransfer(), Presence.OPTIONAL, HardwareModel.TikiTaka.DEFAULT.readsPerTransfer()),
    RESET_PROBABILITY("update", "resetProbability", Kind.FRACTION, "a fraction in [0, 1]", "fraction", "[0, 1]; optional, 1",
            "tikiTaka: probability that a column of A, once transferred, is written back to 0 (aihwkit `with_reset_prob`; 0: Tiki-Taka as published)",
            m -> m.update().tikiTaka().resetProbability(), Presence.OPTIONAL, HardwareModel.TikiTaka.DEFAULT.resetProbability()),
    TRANSFER_ROWS("update", "transferRows", Kind.BOOLEAN, "true or false", "—", "`true`, `false`; optional, false",
            "tikiTaka: transfer A's rows (a neuron's synapses and its bias, read by driving its output line) instead of its columns (aihwkit `transfer_columns` false)",
            m -> m.update().tikiTaka().transferRows(), Presence.OPTIONAL, HardwareModel.TikiTaka.DEFAULT.transferRows()),
    GHOST_CROSSBAR("ghost", "crossbar", Kind.TEXT, "one of \"shared\", \"separate\"", "—", "`shared`, `separate`; optional, shared",
            "ghost units: the ghost populations read the forward crossbar itself (complete duplication: their weights equal the forward ones exactly), "
                    + "or a crossbar of their own, fabricated and programmed like any other, so that the cancellation is as imperfect as the devices (docs/rules.md)",
            m -> m.ghost().crossbar().jsonName, Presence.OPTIONAL, HardwareModel.GhostCrossbar.SHARED),
    GHOST_PROGRAMMING("ghost", "programming", Kind.TEXT, "one of \"samePulses\", \"independent\"", "—", "`samePulses`, `independent`; optional, samePulses",
            "ghost units on a separate crossbar: the controller rounds each requested change to a pulse count once and sends both copies that count, "
                    + "or each copy rounds its requests with its own random draws (docs/rules.md); each copy's devices respond with their own steps and noise either way",
            m -> m.ghost().programming().jsonName, Presence.OPTIONAL, HardwareModel.GhostProgramming.SAME_PULSES),
    TILE_ROWS("array", "tileRows", Kind.TILE, "an integer in 1..1000000 or \"unbounded\"", "rows", "1 .. 1e6 or `\"unbounded\"`; optional, unbounded",
            "rows of one tile: a layer's inputs and its bias row (the lines the forward read drives) are split over tiles of at most this many rows",
            m -> tile(m.array().tileRows()), Presence.OPTIONAL, HardwareModel.Array.UNBOUNDED),
    TILE_COLUMNS("array", "tileColumns", Kind.TILE, "an integer in 1..1000000 or \"unbounded\"", "columns", "1 .. 1e6 or `\"unbounded\"`; optional, unbounded",
            "columns of one tile: a layer's outputs (the lines the forward read senses) are split over tiles of at most this many columns",
            m -> tile(m.array().tileColumns()), Presence.OPTIONAL, HardwareModel.Array.UNBOUNDED),
    PARTIAL_SUMS("array", "partialSums", Kind.TEXT, "one of \"analog\", \"digital\"", "—", "`analog`, `digital`; optional, analog",
            "how the tiles of one neuron's inputs combine: their column currents meet at the neuron's input node, or each tile's current is converted by its own ADC "
                    + "and the conversions are added digitally (on every integration step)", m -> m.array().partialSums().jsonName,
            Presence.OPTIONAL, HardwareModel.PartialSums.ANALOG),
    PARTIAL_SUM_BITS("array", "partialSumBits", Kind.BITS, "an integer in 1..24 or \"ideal\"", "bits", "1..24 or `\"ideal\"`; optional, 8",
            "digital partial sums: resolution of each tile's ADC", m -> levels(m.array().partialSumBits()), Presence.OPTIONAL, 8),
    PARTIAL_SUM_RANGE("array", "partialSumRange", Kind.RANGE, "a finite number in (0, 1e6] (current / gRef)", "µA / gRef (weight x V)", "(0, 1e6]; optional, 4",
            "digital partial sums: each tile's ADC converts [-range, range] of its column's current divided by gRef, clipping beyond",
            m -> m.array().partialSumRange(), Presence.OPTIONAL, 4.0),
    PARTIAL_SUM_NOISE("array", "partialSumNoise", Kind.NOISE, "a finite number in [0, 1e6] (current / gRef)", "µA / gRef per conversion", "0 .. 1e6; optional, 0",
            "digital partial sums: std of Gaussian noise at each tile ADC's input, drawn anew for every conversion", m -> m.array().partialSumNoise(),
            Presence.OPTIONAL, 0.0),
    ROW_WIRE("array", "rowWireResistance", Kind.WIRE, "0 or a finite number in [1e-6, 1e4] (ohms per cell)", "Ω per cell", "0 or [1e-6, 1e4]; optional, 0",
            "resistance of a row wire between neighbouring cells and from its terminal to the first cell (0: ideal wires)",
            m -> m.array().rowWireOhms(), Presence.OPTIONAL, 0.0),
    COLUMN_WIRE("array", "columnWireResistance", Kind.WIRE, "0 or a finite number in [1e-6, 1e4] (ohms per cell)", "Ω per cell", "0 or [1e-6, 1e4]; optional, 0",
            "resistance of a column wire between neighbouring cells and from the last cell to its terminal (0: ideal wires)",
            m -> m.array().columnWireOhms(), Presence.OPTIONAL, 0.0);

    /** Whether a file must give a field (in a section it has). */
    public enum Presence {
        REQUIRED,
        /** Absent means {@link #whenAbsent}. */
        OPTIONAL,
        /** One of two forms of one quantity ({@link #otherForm}): a file gives at least one. */
        ONE_OF_TWO,
        /** A cost constant: required unless the model's cost.technology or cost.cell table holds it (then absent means the table's). */
        TABLE
    }

    /** What a field's value may be, before the checks that relate two fields. */
    enum Kind { NUMBER, POSITIVE, NON_NEGATIVE, FRACTION, OPEN_UNIT, TEXT, LEVELS, BITS, RAILS_OR_NUMBER, NOISE, COST, COUNT, RESOLUTION, FREE_TEXT, BOOLEAN,
        TIME, CONDUCTANCE, REFERENCE, VOLTAGE, SHAPE, DRIFT_EXPONENT, DRIFT_TIME, TILE, RANGE, WIRE, TABLE, ENDURANCE, READ_VOLTAGE, TEMPERATURE, TECHNOLOGY }

    /*
     * Physical ranges, so that no value that passes validation turns into NaN or Infinity in what the
     * chip, the cost model or the protocol compute from it. The worst cases, from the other bounds
     * (2e8 synapses, 1e7 steps per relaxation, costs <= 1e9 per event):
     *  - a step of chip time dt <= 1e3 s: steps x dt per relaxation <= 1e10 s, and any run's sum stays finite;
     *  - conductances <= 1e6 uS (1 S) and gRef >= 1e-3 uS: |W| <= 1e9, a current sum over 1e6 inputs <= 1e15,
     *    the crossbar energy per step G V^2 dt <= 1e6 uS x 1e6 V^2 x 2e8 devices x 1e3 s = 2e17 J per step;
     *  - DAC and ADC ranges within +-1e3 V; shape parameters and spreads <= 1e3; write noise <= 1e6 (steps or uS);
     *  - drift: nu <= 10 and t0 in (0, 1e12] s: the factor (t/t0 + 1)^-nu lies in [0, 1].
     */
    static final double MAX_SECONDS = 1e3, MAX_MICROSIEMENS = 1e6, MIN_REFERENCE = 1e-3, MAX_VOLTS = 1e3, MAX_SHAPE = 1e3,
            MAX_DRIFT_EXPONENT = 10, MAX_DRIFT_TIME = 1e12, MAX_WIRE_OHMS = 1e4, MAX_RANGE = 1e6, MAX_KELVIN = 1e4;
    /** The least nonzero wire resistance: a micro-ohm per cell is ideal in effect, and 1e6 / r (µS) stays far from overflow. */
    static final double MIN_WIRE_OHMS = 1e-6;

    /** The cost section, which a model may leave out (then {@link HardwareModel#cost} is null). */
    public static final String COST_SECTION = "cost";

    /** A section a model may leave out and that then means host updates ({@link HardwareModel.Update#HOST}). */
    public static final String UPDATE_SECTION = "update";

    /** A section a model may leave out and that then means ghost populations on the forward crossbar ({@link HardwareModel.Ghost#SHARED}). */
    public static final String GHOST_SECTION = "ghost";

    /** A section a model may leave out and that then means one ideal-wired array per layer ({@link HardwareModel.Array#NONE}). */
    public static final String ARRAY_SECTION = "array";

    /** The largest cost a model may state, in the field's unit: far beyond anything physical, and products with counts stay finite. */
    static final double MAX_COST = 1e9;

    /**
     * The largest noise std a model may state: a Gaussian of that spread summed over a current of
     * 2e8 synapses stays far from overflow (a state of +-Infinity would turn into NaN on the next
     * step of a smooth transfer curve), and it is a million volts or weights, beyond anything physical.
     */
    static final double MAX_NOISE = 1e6;

    public final String section;
    public final String name;
    final Kind kind;
    /** What a value must be, as error messages say it. */
    public final String expectation;
    public final String unit;
    public final String range;
    public final String meaning;
    private final Function<HardwareModel, Object> value;
    public final Presence presence;
    /** An optional field's value when a file leaves it out. */
    public final Object whenAbsent;

    ModelField(String section, String name, Kind kind, String expectation, String unit, String range, String meaning,
               Function<HardwareModel, Object> value) {
        this(section, name, kind, expectation, unit, range, meaning, value, Presence.REQUIRED, null);
    }

    ModelField(String section, String name, Kind kind, String expectation, String unit, String range, String meaning,
               Function<HardwareModel, Object> value, Presence presence, Object whenAbsent) {
        this.presence = presence;
        this.whenAbsent = whenAbsent;
        this.section = section;
        this.name = name;
        this.kind = kind;
        this.expectation = expectation;
        this.unit = unit;
        this.range = range;
        this.meaning = meaning;
        this.value = value;
    }

    /** The other form of a {@link Presence#ONE_OF_TWO} field (the write noise in steps or in µS), else null. */
    public ModelField otherForm() {
        return this == WRITE_NOISE ? WRITE_NOISE_US : this == WRITE_NOISE_US ? WRITE_NOISE : null;
    }

    /** {@code section.name}, as {@code --set} and error messages write it. */
    public String key() {
        return section + "." + name;
    }

    /** The field's value in {@code m}, as the JSON writer puts it (levels and bits: "ideal" or an integer); null in a missing section. */
    public Object valueIn(HardwareModel m) {
        if (section.equals(COST_SECTION) && m.cost() == null) return null;
        return value.apply(m);
    }

    /**
     * A cost constant as model files write it: left out (null) when the model's technology or cell
     * table supplied it, so that the file, run.json and models show keep naming the table instead
     * of freezing its numbers; NaN (an area the model has no figure for) is left out too.
     */
    private static Object tabled(HardwareModel m, String name, double value) {
        if (m.cost().provenance().containsKey(name) || Double.isNaN(value)) return null;
        return value;
    }

    private static Object tabled(HardwareModel m, String name, int value) {
        return m.cost().provenance().containsKey(name) ? null : value;
    }

    /** The lookup table as model files write it, or null for a parametric response (the field is then left out). */
    private static Object lookupTable(HardwareModel m) {
        return m.device().response() instanceof HardwareModel.Device.Lookup l ? tableJson(l.table()) : null;
    }

    /** A lookup table as model files (and {@code --set device.lookup=}) write it: its columns by name. */
    public static com.fasterxml.jackson.databind.node.ObjectNode tableJson(HardwareModel.Device.StepTable t) {
        com.fasterxml.jackson.databind.node.ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        double[][] columns = {t.conductance(), t.stepUp(), t.stepDown(), t.spreadUp(), t.spreadDown()};
        for (int c = 0; c < TABLE_COLUMNS.size(); c++) {
            com.fasterxml.jackson.databind.node.ArrayNode a = o.putArray(TABLE_COLUMNS.get(c));
            for (double v : columns[c]) a.add(v);
        }
        return o;
    }

    /** The columns of device.lookup, in file order; the last two are optional (0). */
    static final List<String> TABLE_COLUMNS = List.of("conductance", "stepUp", "stepDown", "spreadUp", "spreadDown");

    /** The most points a lookup table may have: a finer table says nothing a measurement resolves, and it bounds the file. */
    static final int MAX_TABLE_POINTS = 10_000;

    private static Object tile(int v) {
        return v == HardwareModel.Array.UNBOUNDED ? "unbounded" : v;
    }

    private static Object levels(int v) {
        return v == HardwareModel.IDEAL ? "ideal" : v;
    }

    public static ModelField byKey(String key) {
        for (ModelField f : values()) if (f.key().equals(key)) return f;
        return null;
    }

    /** neuron, device, periphery, cost: the sections, in file order. */
    public static Set<String> sections() {
        Set<String> s = new LinkedHashSet<>();
        for (ModelField f : values()) s.add(f.section);
        return s;
    }

    public static List<ModelField> inSection(String section) {
        List<ModelField> out = new ArrayList<>();
        for (ModelField f : values()) if (f.section.equals(section)) out.add(f);
        return out;
    }

    /** The field table of docs/hardware-models.md. */
    public static String markdownTable() {
        StringBuilder b = new StringBuilder("| field | unit | range | meaning |\n|---|---|---|---|\n");
        b.append("| `name` | text | optional | shown in run records |\n");
        b.append("| `description` | text | optional | one line for `models list` |\n");
        b.append("| `source` | text | optional | where the numbers come from |\n");
        b.append("| `base` | text | optional | a preset whose values this file starts from; the file states only what differs |\n");
        for (ModelField f : values()) {
            b.append("| `").append(f.key()).append("` | ").append(f.unit).append(" | ").append(f.range)
                    .append(f.presence == Presence.TABLE ? "; from `cost.technology` or `cost.cell` when left out" : "").append(" | ")
                    .append(f.meaning).append(" |\n");
        }
        return b.toString();
    }
}
