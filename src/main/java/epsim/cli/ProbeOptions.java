package epsim.cli;

import epsim.train.GradientProbe;
import picocli.CommandLine.Option;

/** How a gradient probe chooses its batches, shared by every command that probes (eval, gradient, sweep, train). */
final class ProbeOptions {
    @Option(names = "--gradient-batches", paramLabel = "K", defaultValue = "5",
            description = "Batches the gradient probe measures, for 95%% intervals over batches (default: ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--probe-examples", paramLabel = "WHICH", defaultValue = "informative",
            description = "The probe's examples: informative (only those whose exact gradient is not zero) or consecutive "
                    + "(the training set's first ones, as a batch holds them) (default: ${DEFAULT-VALUE}).")
    String examples;

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec command;

    /** Refuses the probe's options where no probe runs ({@code when} says what would run one): given, they would be silently ignored. */
    void refuseUnused(String when) {
        for (String flag : java.util.List.of("--gradient-batches", "--probe-examples")) {
            if (command.commandLine().getParseResult().hasMatchedOption(flag)) {
                throw new epsim.common.UserError(flag + ": no gradient probe runs here; it takes effect with " + when);
            }
        }
    }

    GradientProbe.Plan plan(int batchSize, String batchFlag) {
        if (batchSize < 1) throw new epsim.common.UserError(batchFlag + " " + batchSize + ": expected an integer >= 1");
        if (batches < 1 || batches > 10_000) throw new epsim.common.UserError("--gradient-batches " + batches + ": expected an integer in 1..10000");
        return new GradientProbe.Plan(batchSize, batches, GradientProbe.Selection.parse(examples, "--probe-examples"));
    }
}
