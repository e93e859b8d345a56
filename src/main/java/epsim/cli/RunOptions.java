package epsim.cli;

import epsim.common.UserError;
import epsim.math.Topology;
import epsim.rule.RuleSettings;
import epsim.train.TrainConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** What a training run is besides its model and rule (network, batch, seed, data), shared by train and sweep. */
final class RunOptions {
    @Option(names = "--net", paramLabel = "SIZES", defaultValue = "784-500-10", description = "Layer sizes, input first (default: ${DEFAULT-VALUE}).")
    String net;

    @Option(names = "--batch", defaultValue = "20", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of fabrication, noise, initial weights and data order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dataset", defaultValue = "mnist-subset",
            description = "mnist-subset (bundled), fashion-mnist, or idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder of the Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--train-limit", defaultValue = "0", paramLabel = "N", description = "Train on the first N examples only (default: 0, all).")
    int trainLimit;

    @Option(names = "--test-limit", defaultValue = "0", paramLabel = "N", description = "Test on the first N examples only (default: 0, all).")
    int testLimit;

    /** The validated options of a run with these settings ({@code chip}: null for the in-process chip). */
    TrainConfig config(ModelOptions model, RuleOptions rule, int epochs, String chip) {
        Topology t = Topology.parse(net, "--net");
        if (batch < 1 || batch > t.maxBatch()) throw new UserError("--batch " + batch + ": expected an integer in 1.." + t.maxBatch() + " (the neuron state of " + t + " for larger batches exceeds " + Topology.STATE_BUDGET_BYTES / 1_000_000_000.0 + " GB)");
        if (epochs < 1) throw new UserError("--epochs " + epochs + ": expected an integer >= 1");
        if (trainLimit < 0) throw new UserError("--train-limit " + trainLimit + ": expected an integer >= 0");
        if (testLimit < 0) throw new UserError("--test-limit " + testLimit + ": expected an integer >= 0");
        model.load(); // validates the model before any work
        return new TrainConfig(model.model, model.overrides, t.toString(), rule.settings(t, RuleSettings.defaults(t)), batch, epochs,
                seed, dataset, dataDir == null ? null : dataDir.toString(), trainLimit, testLimit, chip, null);
    }
}
