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
        fitting(train, t, config.dataset());
        fitting(test, t, config.dataset());
        return new TrainingData(train, test);
    }

    /** {@code data} ({@code name}) when its images fill network {@code t}'s inputs and its labels are classes of its outputs. */
    public static Dataset fitting(Dataset data, Topology t, String name) {
        if (data.pixels() != t.inputSize()) {
            throw new UserError("--net " + t + ": the input layer has " + t.inputSize() + " neurons but " + name + " images have " + data.pixels() + " pixels");
        }
        if (data.classes() > t.outputSize()) throw new UserError("--net " + t + ": " + t.outputSize() + " outputs for " + data.classes() + " classes in " + name);
        return data;
    }
}
