package epsim.train;

import epsim.common.AtomicFiles;
import epsim.common.UserError;
import epsim.data.Dataset;
import epsim.data.Datasets;
import epsim.math.Topology;

import java.nio.file.Path;

/** The training and test sets of a run, with its limits applied and checked against its network. */
public record TrainingData(Dataset train, Dataset test) {

    /** Loads {@code config}'s dataset, keeps its first trainLimit / testLimit examples and checks they fit {@code t}. */
    public static TrainingData load(TrainConfig config, Topology t) {
        Datasets.Split split = Datasets.load(config.dataset(), config.dataDir() == null ? null : AtomicFiles.path(config.dataDir(), "--data-dir"));
        Dataset train = config.trainLimit() > 0 ? split.train().head(config.trainLimit()) : split.train();
        Dataset test = config.testLimit() > 0 ? split.test().head(config.testLimit()) : split.test();
        if (train.pixels() != t.inputSize()) {
            throw new UserError("--net " + t + ": the input layer has " + t.inputSize() + " neurons but "
                    + config.dataset() + " images have " + train.pixels() + " pixels");
        }
        int classes = Math.max(train.classes(), test.classes());
        if (classes > t.outputSize()) throw new UserError("--net " + t + ": " + t.outputSize() + " outputs for " + classes + " classes");
        return new TrainingData(train, test);
    }
}
