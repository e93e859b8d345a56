package epsim.cli;

import epsim.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inputs that must be refused in one line with exit 2, before any work (docs/security.md). */
class RefusedInputsTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void jsonThatTripsTheParsersLimits() throws Exception {
        String[] bodies = {"[".repeat(3000) + "]".repeat(3000), "{\"name\": " + "9".repeat(3000) + "}",
                "{\"name\": \"" + "x".repeat(17 << 20) + "\"}", "{\"name\": \"a\"} trailing", ""};
        for (String body : bodies) {
            Path model = file("m.json", body);
            TestSupport.assertOneLineError(TestSupport.cli("models", "show", model.toString()), model.toString());
            Path bench = file("t.json", body);
            TestSupport.assertOneLineError(TestSupport.cli("testbench", bench.toString()), bench.toString());
        }
    }

    /** Values near the double range are out of the fields' physical ranges; within them, the derived quantities are checked too. */
    @Test
    void derivedQuantitiesMustBeFinite() {
        TestSupport.assertOneLineError(TestSupport.cli("models", "show", "default", "--set", "periphery.dacMin=-1e308",
                "--set", "periphery.dacMax=1e308"), "periphery.dacMin", "[-1000, 1000]");
        TestSupport.assertOneLineError(TestSupport.cli("models", "show", "default", "--set", "device.gRef=1e-320"), "device.gRef", "[0.001, 1e6]");
        // a step too small to program while every field is in its range
        TestSupport.assertOneLineError(TestSupport.cli("models", "show", "default", "--set", "device.gMin=0", "--set", "device.gMax=1e-320",
                "--set", "device.levels=1000000"), "device.levels", "step");
    }

    @Test
    void sizesThatCannotFitAreRefusedWithTheEstimate() throws Exception {
        Path out = dir.resolve("r");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--net", "784-100000-10", "--out", out.toString()), "784-100000-10", "GB");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--batch", "2147483647", "--out", out.toString()), "--batch");
        String[] vary = new String[22];
        for (int i = 0; i < 11; i++) {
            vary[2 * i] = "--vary";
            vary[2 * i + 1] = epsim.model.ModelField.values()[i].key() + "=0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9"; // 11 fields, 10 values each
        }
        String[] args = new String[vary.length + 3];
        args[0] = "sweep";
        System.arraycopy(vary, 0, args, 1, vary.length);
        args[vary.length + 1] = "--out";
        args[vary.length + 2] = dir.resolve("s").toString();
        TestSupport.assertOneLineError(TestSupport.cli(args), "--vary", "points");
        // a small gzip whose header claims two million 28 x 28 images
        Path images = dir.resolve("bomb-images.gz");
        try (DataOutputStream o = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(images)))) {
            o.writeInt(0x803);
            o.writeInt(2_000_000);
            o.writeInt(28);
            o.writeInt(28);
            o.write(new byte[1 << 20]);
        }
        assertTrue(Files.size(images) < 100_000);
        Path labels = dir.resolve("labels.idx");
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(labels))) {
            o.writeInt(0x801);
            o.writeInt(10);
            o.write(new byte[10]);
        }
        String idx = "idx:" + images + "," + labels + "," + images + "," + labels;
        TestSupport.Run r = TestSupport.cli("train", "--dataset", idx, "--out", out.toString());
        TestSupport.assertOneLineError(r, "bomb-images.gz");
        assertTrue(r.err().contains("memory") || r.err().contains("truncated"), r.err());
    }

    /** A NUL character cannot be in a path: one line, not an internal error (found by InputContractTest with -Pfuzz). */
    @Test
    void pathsWithANulCharacter() {
        TestSupport.assertOneLineError(TestSupport.cli("train", "--model", "a\u0000b", "--out", dir.resolve("r").toString()), "--model");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--dataset", "idx:a\u0000,b,c,d", "--out", dir.resolve("r").toString()), "--dataset");
    }

    @Test
    void outMustBeAFolderEpsimCanWrite() throws Exception {
        Path aFile = file("taken", "x");
        TestSupport.assertOneLineError(TestSupport.cli(TestSupport.trainArgs("--out", aFile.toString())), "--out", "is a file");
        TestSupport.assertOneLineError(TestSupport.cli(TestSupport.trainArgs("--out", aFile.resolve("below").toString())), "--out");
        TestSupport.assertOneLineError(TestSupport.cli(TestSupport.trainArgs("--out", "")), "--out");
        TestSupport.assertOneLineError(TestSupport.cli("sweep", "--vary", "device.levels=16", "--out", aFile.toString()), "--out");
    }

    @Test
    void aResumeKeepsTheRecordedOptions() throws Exception {
        Path run = TestSupport.trainedRun(dir.resolve("run"));
        for (String[] option : new String[][] {{"--net", "784-20-10"}, {"--model", "rram"}, {"--lr", "0.5"}, {"--dataset", "fashion-mnist"},
                {"--beta", "0.3"}, {"--seed", "9"}}) {
            TestSupport.assertOneLineError(TestSupport.cli("train", "--resume", run.toString(), option[0], option[1]), option[0]);
        }
        TestSupport.Run more = TestSupport.cli("train", "--resume", run.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, more.exitCode(), more.err());
        assertEquals(3, Files.readAllLines(run.resolve("metrics.csv")).size());
    }

    @Test
    void anEditedModelFileIsDetected() throws Exception {
        Path model = file("chip.json", "{\"name\": \"mine\", \"base\": \"ideal\"}");
        Path run = dir.resolve("edited");
        TestSupport.Run r = TestSupport.cli(TestSupport.trainArgs("--model", model.toString(), "--epochs", "1", "--out", run.toString()));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.readString(run.resolve("run.json")).contains("modelFileSha256"));
        Files.writeString(model, "{\"name\": \"mine\", \"base\": \"ideal\", \"device\": {\"readNoise\": 0.01}}");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--resume", run.toString(), "--epochs", "2"), "changed since the run started");
        TestSupport.assertOneLineError(TestSupport.cli("eval", "--checkpoint", run.toString()), "changed since the run started");
    }

    @Test
    void leftoverTemporaryFilesAreRemovedOnResume() throws Exception {
        Path run = TestSupport.trainedRun(dir.resolve("run"));
        Path leftover = run.resolve(".checkpoint.bin12345.tmp");
        Files.write(leftover, new byte[1000]);
        TestSupport.Run r = TestSupport.cli("train", "--resume", run.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        assertFalse(Files.exists(leftover));
    }

    /** What ended in "internal error": a BPTT reference too long to hold, finite differences whose step leaves no equilibrium. */
    @Test
    void referencesThatCannotBeComputedAreRefused(@org.junit.jupiter.api.io.TempDir Path tmp) {
        TestSupport.assertOneLineError(TestSupport.cli("gradient", "--net", "784-4-10", "--batch", "2", "--gradient-batches", "1",
                "--bptt-steps", "2000000000", "--out", tmp.resolve("a").toString()), "--bptt-steps", "memory");
        TestSupport.assertOneLineError(TestSupport.cli("gradient", "--net", "784-20-10", "--batch", "2", "--gradient-batches", "1",
                "--fd-step", "10", "--out", tmp.resolve("b").toString()), "--fd-step 10");
        org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(tmp.resolve("a")) || java.nio.file.Files.exists(tmp.resolve("b")),
                "nothing written");
    }
}
