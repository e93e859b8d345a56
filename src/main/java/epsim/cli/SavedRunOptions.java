package epsim.cli;

import epsim.backend.ChipFactory;
import epsim.common.UserError;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.train.Checkpoint;
import epsim.train.TrainConfig;
import epsim.train.Trainer;
import epsim.train.TrainingData;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** The chip of a run folder, as eval and gradient reopen it: its last checkpoint (or its fresh chip) on the run's backend. */
final class SavedRunOptions {
    @Option(names = "--at-init", description = "Use the run's freshly fabricated chip (its initial weights) instead of its last checkpoint.")
    boolean atInit;

    @Option(names = "--chip", paramLabel = "SPEC",
            description = "For a run trained on an external chip: exec:COMMAND or tcp:HOST:PORT to reconnect to (a run folder never starts one).")
    String chip;

    @Option(names = "--chip-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Longest wait for a reply of the --chip (default: ${DEFAULT-VALUE}).")
    double chipTimeout;

    /** The run in {@code dir} as it was recorded, its settings changed by {@code adjust} (e.g. the rule's). */
    TrainConfig config(Path dir, UnaryOperator<TrainConfig> adjust) {
        if (!(chipTimeout > 0) || !Double.isFinite(chipTimeout)) throw new UserError("--chip-timeout " + chipTimeout + ": expected a number of seconds > 0");
        TrainConfig recorded = TrainConfig.read(dir, "no run record (is --checkpoint a run folder?)");
        TrainConfig.checkModelFile(dir, recorded);
        return adjust.apply(recorded.withChip(ChipFactory.reconnect(recorded.chip(), chip, dir)));
    }

    /** A trainer on the run's chip, restored to its last checkpoint unless --at-init; the caller closes it. */
    Trainer open(Path dir, TrainConfig config, TrainingData data, String version) {
        Topology t = Topology.parse(config.net(), "--net");
        HardwareModel model = ModelLoader.load(config.model(), config.overrides());
        if (!config.external()) TrainConfig.checkModel(dir, model);
        Trainer trainer = new Trainer(config, ChipFactory.build(config.chip(), model, t, config.seed(), chipTimeout), data, dir, version);
        try {
            if (!atInit) trainer.restore(Checkpoint.read(dir));
        } catch (RuntimeException e) {
            trainer.close();
            throw e;
        }
        return trainer;
    }
}
