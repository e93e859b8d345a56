package epsim.data;

import epsim.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static epsim.TestSupport.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bad dataset paths, corrupt or truncated IDX files and bad training flags: one line, exit 2. */
class DatasetInputTest {
    @TempDir
    Path dir;

    Path images(int count, int rows, int cols, int payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + payload);
        b.putInt(0x803).putInt(count).putInt(rows).putInt(cols);
        Path p = dir.resolve("img-" + count + "-" + payload);
        Files.write(p, b.array());
        return p;
    }

    Path labels(int count, int payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + payload);
        b.putInt(0x801).putInt(count);
        Path p = dir.resolve("lab-" + count + "-" + payload);
        Files.write(p, b.array());
        return p;
    }

    String[] train(String dataset) {
        return new String[] {"train", "--dataset", dataset, "--net", "4-3-2", "--epochs", "1", "--out",
                dir.resolve("out").toString(), "--no-progress"};
    }

    @Test
    void missingFile() throws IOException {
        Path l = labels(2, 2);
        String spec = "idx:" + dir.resolve("nope") + "," + l + "," + l + "," + l;
        assertOneLineError(TestSupport.cli(train(spec)), "nope");
    }

    @Test
    void truncatedImages() throws IOException {
        Path im = images(10, 2, 2, 7), l = labels(10, 10);
        assertOneLineError(TestSupport.cli(train("idx:" + im + "," + l + "," + im + "," + l)), im.toString(), "truncated");
    }

    @Test
    void wrongMagic() throws IOException {
        Path l = labels(3, 3);
        assertOneLineError(TestSupport.cli(train("idx:" + l + "," + l + "," + l + "," + l)), l.toString(), "magic");
    }

    @Test
    void corruptGzip() throws IOException {
        Path good = dir.resolve("g.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(good))) {
            out.write(new byte[1000]);
        }
        byte[] bytes = Files.readAllBytes(good);
        for (int i = 12; i < bytes.length - 8; i++) bytes[i] ^= 0x5a;
        Path bad = dir.resolve("bad.gz");
        Files.write(bad, bytes);
        Path l = labels(3, 3);
        assertOneLineError(TestSupport.cli(train("idx:" + bad + "," + l + "," + bad + "," + l)), bad.toString());
    }

    @Test
    void countsDisagree() throws IOException {
        Path im = images(4, 2, 2, 16), l = labels(3, 3);
        assertOneLineError(TestSupport.cli(train("idx:" + im + "," + l + "," + im + "," + l)), "4 images but 3 labels");
    }

    @Test
    void inputSizeMismatch() throws IOException {
        Path im = images(4, 3, 3, 36), l = labels(4, 4);
        assertOneLineError(TestSupport.cli(train("idx:" + im + "," + l + "," + im + "," + l)), "--net", "9 pixels");
    }

    @Test
    void fashionMissingSaysHowToInstall() {
        assertOneLineError(TestSupport.cli("train", "--dataset", "fashion-mnist", "--data-dir", dir.toString(),
                "--out", dir.resolve("o").toString()), "apt-get install -y dataset-fashion-mnist");
    }

    @Test
    void badFlags() {
        assertOneLineError(TestSupport.cli("train", "--dataset", "cifar", "--out", dir.resolve("o").toString()), "--dataset cifar");
        assertOneLineError(TestSupport.cli("train", "--epochs", "0", "--out", dir.resolve("o").toString()), "--epochs");
        assertOneLineError(TestSupport.cli("train", "--rule", "magic", "--out", dir.resolve("o").toString()), "--rule magic");
        assertOneLineError(TestSupport.cli("train", "--resume", dir.resolve("none").toString()), "no run to resume");
        assertOneLineError(TestSupport.cli("eval", "--checkpoint", dir.toString()), "run.json");
    }

    /** eval on another dataset holds it to the run's network as train does: a label past the outputs is refused, not an internal error. */
    @Test
    void evalRefusesALabelPastTheOutputs() throws IOException {
        Path im = images(4, 2, 2, 16);
        ByteBuffer b = ByteBuffer.allocate(8 + 4);
        b.putInt(0x801).putInt(4).put(new byte[] {0, 1, 1, (byte) 255});
        Path l = dir.resolve("labels-255");
        Files.write(l, b.array());
        Path good = labels(4, 4); // all class 0
        String fine = "idx:" + im + "," + good + "," + im + "," + good;
        assertEquals(0, TestSupport.cli(train(fine)).exitCode());
        assertOneLineError(TestSupport.cli("eval", "--checkpoint", dir.resolve("out").toString(), "--dataset", "idx:" + im + "," + l + "," + im + "," + l),
                "2 outputs for 256 classes");
    }

    /** gzip read strictly: members concatenated are one file, bytes after the last member (here a gzip followed by garbage) are refused. */
    @Test
    void gzipFollowedByGarbageIsRefused() throws IOException {
        java.io.ByteArrayOutputStream imagesRaw = new java.io.ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(16).putInt(0x803).putInt(4).putInt(2).putInt(2);
        imagesRaw.write(header.array());
        imagesRaw.write(new byte[16]);
        byte[] whole = gzip(imagesRaw.toByteArray());
        ByteBuffer lb = ByteBuffer.allocate(12).putInt(0x801).putInt(4);
        byte[] labelsRaw = lb.array();
        // the labels in two gzip members, one after the other: still one file
        byte[] twoMembers = concat(gzip(java.util.Arrays.copyOfRange(labelsRaw, 0, 6)), gzip(java.util.Arrays.copyOfRange(labelsRaw, 6, 12)));
        Path im = dir.resolve("im.gz"), l = dir.resolve("l.gz"), bad = dir.resolve("im-garbage.gz");
        Files.write(im, whole);
        Files.write(l, twoMembers);
        Files.write(bad, concat(whole, "not gzip".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertEquals(0, TestSupport.cli(train("idx:" + im + "," + l + "," + im + "," + l)).exitCode(), "a clean gzip and two members read");
        String[] garbage = train("idx:" + bad + "," + l + "," + bad + "," + l);
        garbage[garbage.length - 2] = dir.resolve("out-garbage").toString();
        assertOneLineError(TestSupport.cli(garbage), bad.toString(), "trailing bytes after the gzip data");
        byte[] flipped = whole.clone();
        flipped[flipped.length - 6] ^= 1; // the stored CRC-32
        Files.write(bad, flipped);
        assertOneLineError(TestSupport.cli(garbage), bad.toString(), "CRC");
    }

    private static byte[] gzip(byte[] data) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(data);
        }
        return b.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
