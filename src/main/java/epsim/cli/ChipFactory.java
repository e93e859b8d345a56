package epsim.cli;

import epsim.chip.AnalogChip;
import epsim.chip.HostedChip;
import epsim.common.UserError;
import epsim.cosim.RemoteChip;
import epsim.math.Topology;
import epsim.model.ModelLoader;
import epsim.spice.SpiceChip;
import epsim.train.TrainConfig;

/**
 * Builds the chip a run names: in process (no --chip), solved by ngspice ({@code spice}), or
 * behind the co-simulation protocol ({@code exec:COMMAND}, {@code tcp:HOST:PORT}). Only the
 * command line chooses a backend; the training loop is handed the chip.
 */
final class ChipFactory {
    private ChipFactory() {}

    static HostedChip build(TrainConfig config, Topology t, double timeoutSeconds) {
        if (config.chip() == null) return AnalogChip.fabricate(ModelLoader.load(config.model(), config.overrides()), t, config.seed());
        if (config.chip().equals("spice")) return new SpiceChip(ModelLoader.load(config.model(), config.overrides()), t, config.seed());
        HostedChip chip = RemoteChip.connect(config.chip(), timeoutSeconds);
        if (!chip.topology().equals(t)) {
            chip.close();
            throw new UserError("--chip " + config.chip() + ": the chip is " + chip.topology() + ", --net is " + t);
        }
        return chip;
    }
}
