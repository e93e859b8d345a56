package epsim.backend;

import epsim.chip.AnalogChip;
import epsim.chip.HostedChip;
import epsim.common.UserError;
import epsim.cosim.RemoteChip;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.spice.SpiceChip;

import java.nio.file.Path;

/**
 * The one place that builds a chip: in process (no spec), solved by ngspice ({@code spice}), or
 * behind the co-simulation protocol ({@code exec:COMMAND}, {@code tcp:HOST:PORT}). Every command,
 * sweep point and run that needs a chip gets it here, handed the model it already loaded, so that a
 * new backend reaches all of them. Only the command line chooses a backend.
 */
public final class ChipFactory {
    private ChipFactory() {}

    /**
     * The chip spec a recorded run continues on. An external chip (exec:, tcp:) comes only from
     * the command line ({@code flag}): a run folder is data that people share, and opening one
     * never starts a command or opens a connection. Runs on the in-process or spice chip take no
     * --chip.
     */
    public static String reconnect(String recorded, String flag, Path dir) {
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

    /**
     * The chip {@code spec} names (null: in process) with network {@code t}, fabricated from
     * {@code model} and {@code seed} where epsim fabricates it; an external chip must have {@code t}.
     */
    public static HostedChip build(String spec, HardwareModel model, Topology t, long seed, double timeoutSeconds) {
        if (spec == null) return inProcess(model, t, seed);
        if (spec.equals("spice")) {
            if (!model.array().equals(epsim.model.HardwareModel.Array.NONE)) {
                throw new UserError("--chip spice: the SPICE chip is one array per layer with ideal wires, and model " + model.name()
                        + " has an array section (tiles or wires); check a tile against ngspice with export-spice --tile (docs/tiles.md)");
            }
            return new SpiceChip(model, t, seed);
        }
        HostedChip chip = RemoteChip.connect(spec, timeoutSeconds);
        if (!chip.topology().equals(t)) {
            chip.close();
            throw new UserError("--chip " + spec + ": the chip is " + chip.topology() + ", --net is " + t);
        }
        return chip;
    }

    /** The in-process chip: what serve offers, what cost counts and what a fresh gradient probe measures. */
    public static AnalogChip inProcess(HardwareModel model, Topology t, long seed) {
        return AnalogChip.fabricate(model, t, seed);
    }
}
