package epsim.cli;

import epsim.chip.AnalogChip;
import epsim.chip.HostedChip;
import epsim.common.UserError;
import epsim.cosim.RemoteChip;
import epsim.math.Topology;
import epsim.model.ModelLoader;
import epsim.spice.SpiceChip;
import epsim.train.TrainConfig;

import java.nio.file.Path;

/**
 * Builds the chip a run names: in process (no --chip), solved by ngspice ({@code spice}), or
 * behind the co-simulation protocol ({@code exec:COMMAND}, {@code tcp:HOST:PORT}). Only the
 * command line chooses a backend; the training loop is handed the chip.
 */
final class ChipFactory {
    private ChipFactory() {}

    /**
     * The chip spec a recorded run continues on. An external chip (exec:, tcp:) comes only from
     * the command line ({@code flag}): a run folder is data that people share, and opening one
     * never starts a command or opens a connection. Runs on the in-process or spice chip take no
     * --chip.
     */
    static String reconnect(String recorded, String flag, Path dir) {
        boolean external = recorded != null && !recorded.equals("spice");
        if (external && (flag == null || !isExternal(flag))) {
            throw new UserError(dir + ": the run was trained on an external chip (" + (recorded.startsWith("tcp:") ? "tcp:" : "exec:")
                    + "), which a run folder never starts or connects to; reconnect with --chip exec:COMMAND or --chip tcp:HOST:PORT");
        }
        if (!external && flag != null) {
            throw new UserError("--chip " + flag + ": the run in " + dir + " was trained on the " + (recorded == null ? "in-process" : "spice")
                    + " chip; continue it without --chip");
        }
        return external ? flag : recorded;
    }

    private static boolean isExternal(String spec) {
        return spec.startsWith("exec:") || spec.startsWith("tcp:");
    }

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
