package epsim.data;

import epsim.common.AtomicFiles;
import epsim.common.UserError;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Named datasets: {@code mnist-subset} (bundled), {@code fashion-mnist} (Debian's
 * dataset-fashion-mnist, or --data-dir), {@code idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS}.
 */
public final class Datasets {
    public static final String BUNDLED = "mnist-subset";
    public static final Path FASHION_DEFAULT = Path.of("/usr/share/datasets/fashion-mnist");

    private Datasets() {}

    public record Split(Dataset train, Dataset test) {}

    public static Split load(String spec, Path dataDir) {
        if (spec.equals(BUNDLED)) {
            String base = "/epsim/data/mnist-subset/";
            return new Split(bundled(base, "train", spec), bundled(base, "test", spec));
        }
        if (spec.equals("fashion-mnist")) {
            Path dir = dataDir != null ? dataDir : FASHION_DEFAULT;
            Path trainImages = dir.resolve("train-images-idx3-ubyte.gz");
            if (!Files.isRegularFile(trainImages)) {
                throw new UserError("--dataset fashion-mnist: " + trainImages + " not found; install it with "
                        + "'apt-get install -y dataset-fashion-mnist' or point --data-dir at a folder holding the four IDX files");
            }
            return new Split(
                    files("fashion-mnist", dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz")),
                    files("fashion-mnist", dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz")));
        }
        if (spec.startsWith("idx:")) {
            String[] parts = spec.substring(4).split(",", -1);
            if (parts.length != 4 || java.util.Arrays.stream(parts).anyMatch(String::isBlank)) {
                throw new UserError("--dataset " + spec + ": expected idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS");
            }
            Path[] p = new Path[4];
            for (int i = 0; i < 4; i++) p[i] = AtomicFiles.path(parts[i], "--dataset " + spec);
            Split s = new Split(files("idx", p[0], p[1]), files("idx", p[2], p[3]));
            if (s.train.pixels() != s.test.pixels()) {
                throw new UserError("--dataset " + spec + ": train images have " + s.train.pixels() + " pixels, test images "
                        + s.test.pixels());
            }
            return s;
        }
        throw new UserError("--dataset " + spec + ": unknown dataset (expected mnist-subset, fashion-mnist or idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS)");
    }

    private static Dataset bundled(String base, String part, String name) {
        Idx.Images im = Idx.readImages(() -> resource(base + part + "-images-idx3-ubyte.gz"), name + " " + part + " images");
        int[] labels = Idx.readLabels(() -> resource(base + part + "-labels-idx1-ubyte.gz"), name + " " + part + " labels");
        return combine(name, im, labels, name + " " + part);
    }

    private static InputStream resource(String path) throws java.io.IOException {
        InputStream in = Datasets.class.getResourceAsStream(path);
        if (in == null) throw new java.io.FileNotFoundException("bundled resource " + path + " is missing from the jar");
        return in;
    }

    public static Dataset files(String name, Path images, Path labels) {
        for (Path p : new Path[] {images, labels}) {
            if (Files.isDirectory(p)) throw new UserError(p + ": a folder, not a dataset file");
            if (!Files.isRegularFile(p)) throw new UserError(p + ": " + (Files.exists(p) ? "not a regular file (a device or a pipe?)" : "no such dataset file"));
        }
        Idx.Images im = Idx.readImages(() -> Files.newInputStream(images), images.toString());
        int[] lb = Idx.readLabels(() -> Files.newInputStream(labels), labels.toString());
        return combine(name, im, lb, images + " / " + labels);
    }

    private static Dataset combine(String name, Idx.Images im, int[] labels, String where) {
        if (labels.length != im.count()) {
            throw new UserError(where + ": " + im.count() + " images but " + labels.length + " labels");
        }
        return new Dataset(name, im.count(), im.rows() * im.cols(), im.pixels(), labels);
    }
}
