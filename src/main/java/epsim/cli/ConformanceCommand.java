package epsim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import epsim.common.AtomicFiles;
import epsim.common.UserError;
import epsim.cosim.Conformance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Run a scripted session against a chip and report, check by check, PASS, FAIL or UNSUPPORTED: framing, ids, "
                + "error replies that do not end the session, array encodings, sizes, relax semantics, states, the optional ops, and the "
                + "round-trip latency of a training step's ops (docs/cosim-protocol.md, \"Conformance\"). Exits 1 when a check fails.",
                "With --destructive it also programs a change and reads it back, and zeroes the weights to check a known network (every "
                + "neuron settles at u = 0), restoring them after: meant for an ideal or a test chip."})
final class ConformanceCommand implements Callable<Integer> {
    @Option(names = "--chip", required = true, paramLabel = "SPEC", description = "exec:COMMAND or tcp:HOST:PORT.")
    String chip;

    @Option(names = "--destructive", description = "Also run the checks that reprogram the weights (then put back).")
    boolean destructive;

    @Option(names = "--tolerance", defaultValue = "1e-9", paramLabel = "T",
            description = "Largest deviation the round trip (relative to the change), the known network and a restored state may show (default: ${DEFAULT-VALUE}: an ideal chip's rounding).")
    double tolerance;

    @Option(names = "--repeats", defaultValue = "20", paramLabel = "N", description = "Timed repetitions of a training step's ops (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--chip-timeout", paramLabel = "SECONDS", defaultValue = "60", description = "Longest wait for one reply (default: ${DEFAULT-VALUE}).")
    double timeout;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the report as JSON.")
    Path report;

    @Override
    public Integer call() throws Exception {
        if (!(tolerance >= 0) || !Double.isFinite(tolerance)) throw new UserError("--tolerance " + tolerance + ": expected a finite number >= 0");
        if (repeats < 1 || repeats > 100_000) throw new UserError("--repeats " + repeats + ": expected an integer in 1..100000");
        if (!(timeout > 0) || !Double.isFinite(timeout)) throw new UserError("--chip-timeout " + timeout + ": expected a number of seconds > 0");
        epsim.cosim.ConformanceReport r = Conformance.run(chip, new Conformance.Options(timeout, destructive, tolerance, repeats));
        System.out.print(r.text());
        if (report != null) {
            AtomicFiles.writeString(report, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(r.toJson()) + "\n");
        }
        return r.passed() ? 0 : 1;
    }
}
