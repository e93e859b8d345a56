package epsim.cli;

import epsim.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad model files, testbench files and flags: one line naming what and where, exit code 2. */
class InputValidationTest {
    @TempDir
    Path dir;


    private Path modelWith(String from, String to) throws IOException {
        String text = Files.readString(TestSupport.root().resolve("hardware-models/default.json"));
        assertTrue(text.contains(from), from);
        Path p = dir.resolve("bad.json");
        Files.writeString(p, text.replace(from, to));
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown key|\"readNoise\": 0.001|\"readNoise\": 0.001, \"colour\": 1|device.colour",
            "wrong type|\"levels\": 128|\"levels\": \"many\"|device.levels",
            "NaN|\"gRef\": 5.0|\"gRef\": NaN|device.gRef",
            "gMin above gMax|\"gMin\": 0.5|\"gMin\": 20.0|device.gMax",
            "negative noise|\"writeNoise\": 0.2|\"writeNoise\": -0.1|device.writeNoise",
            "zero levels|\"levels\": 128|\"levels\": 0|device.levels",
            "dt above tau|\"dt\": 1e-06|\"dt\": 5.0e-6|neuron.dt",
            "unknown transfer|\"hardSigmoid\"|\"relu\"|neuron.transfer",
            "missing field|\"adcBits\": 8|\"adcBit\": 8|periphery.adcBit",
            "not JSON|\"neuron\": {|\"neuron\" {|not valid JSON"})
    void badModelFile(String what, String from, String to, String field) throws IOException {
        Path p = modelWith(from, to);
        TestSupport.assertOneLineError(TestSupport.cli("models", "show", p.toString()), p.toString(), field);
    }

    @Test
    void badOverride() {
        TestSupport.assertOneLineError(TestSupport.cli("models", "show", "ideal", "--set", "device.levels=0"), "--set device.levels=0");
        TestSupport.assertOneLineError(TestSupport.cli("models", "show", "ideal", "--set", "device.nope=3"), "device.nope");
        TestSupport.assertOneLineError(TestSupport.cli("models", "show", "nosuchmodel"), "nosuchmodel");
    }

    @Test
    void overrideApplies() {
        TestSupport.Run run = TestSupport.cli("models", "show", "ideal", "--set", "device.levels=64");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("\"levels\" : 64"), run.out());
    }

    private Path testbenchWith(String from, String to) throws IOException {
        String text = Files.readString(TestSupport.root().resolve("testbenches/ep-symmetric-vs-implicit.json"));
        assertTrue(text.contains(from), from);
        Path p = dir.resolve("tb.json");
        Files.writeString(p, text.replace(from, to));
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown check|\"rule-vs-implicit\"|\"rule-vs-magic\"|check",
            "bad net|\"12-10-8-4\"|\"12-x-4\"|net",
            "bad beta|\"beta\": 0.001|\"beta\": -1|rule.beta",
            "unknown field|\"seed\": 2|\"seed\": 2, \"colour\": 1|colour",
            "bad bound|\"min\": 0.9999|\"min\": \"high\"|bounds.cosine.min",
            "bad nudging|\"symmetric\"|\"sideways\"|rule.nudging",
            "bad model|\"model\": \"ideal\"|\"model\": \"nosuch\"|nosuch",
            "unknown rule|\"name\": \"ep\"|\"name\": \"magic\"|rule.name",
            "bad gamma|\"beta\": 0.001|\"beta\": 0.001, \"gamma\": -1|rule.gamma",
            "bad bp loss|\"beta\": 0.001|\"beta\": 0.001, \"bpLoss\": \"l1\"|rule.bpLoss"})
    void badTestbenchFile(String what, String from, String to, String field) throws IOException {
        Path p = testbenchWith(from, to);
        TestSupport.assertOneLineError(TestSupport.cli("testbench", p.toString()), p.toString(), field);
    }

    @Test
    void missingTestbenchPath() {
        TestSupport.assertOneLineError(TestSupport.cli("testbench", dir.resolve("none.json").toString()), "none.json");
    }

    @Test
    void badFlags() {
        TestSupport.assertOneLineError(TestSupport.cli("gradient", "--out", dir.toString(), "--net", "10-0-2"), "--net");
        TestSupport.assertOneLineError(TestSupport.cli("gradient", "--out", dir.toString(), "--beta", "-2", "--net", "4-3-2"), "--beta");
        TestSupport.assertOneLineError(TestSupport.cli("gradient", "--out", dir.toString(), "--batch", "banana"), "--batch");
        TestSupport.assertOneLineError(TestSupport.cli("testbench", "--no-such-flag"), "--no-such-flag");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--rule", "magic", "--out", dir.resolve("r").toString()), "--rule");
        TestSupport.assertOneLineError(TestSupport.cli("gradient", "--out", dir.toString(), "--rule", "chl", "--net", "4-3-2"), "--rule chl");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--rule", "chl", "--gamma", "0", "--out", dir.resolve("r").toString()), "--gamma");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--rule", "gaitprop", "--ortho", "-1", "--out", dir.resolve("r").toString()), "--ortho");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--rule", "lagrangian", "--saddle-steps", "0", "--out", dir.resolve("r").toString()), "--saddle-steps");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--rule", "bp", "--bp-loss", "l1", "--out", dir.resolve("r").toString()), "--bp-loss");
        TestSupport.assertOneLineError(TestSupport.cli("gradient", "--out", dir.toString(), "--lr", "0.1,0.2,0.3", "--net", "4-3-2"), "--lr");
    }

    /** Inputs that were taken silently or answered with a misleading message (the third hardening round). */
    @Test
    void silentlyAcceptedInputIsRefused() throws Exception {
        TestSupport.assertOneLineError(TestSupport.cli("train", "--net", "784-5-10-", "--out", dir.resolve("n").toString()), "--net", "layer 3");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--lr", "0.1,", "--net", "784-5-10", "--out", dir.resolve("l").toString()), "--lr 0.1,");
        TestSupport.assertOneLineError(TestSupport.cli("sweep", "--vary", "device.levels=16", "--vary", "device.levels=64", "--net", "784-5-10",
                "--out", dir.resolve("v").toString()), "device.levels is varied by another --vary");
        TestSupport.assertOneLineError(TestSupport.cli("sweep", "--vary", "device.gammaUp+device.gammaDown=0,1", "--vary", "device.gammaUp=0.5",
                "--net", "784-5-10", "--out", dir.resolve("w").toString()), "device.gammaUp is varied by another --vary");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--probe-examples", "consecutive", "--net", "784-5-10",
                "--out", dir.resolve("p").toString()), "--probe-examples", "--track-gradient");
        TestSupport.assertOneLineError(TestSupport.cli("sweep", "--vary", "device.levels=16", "--kind", "train", "--gradient-settings", "training",
                "--net", "784-5-10", "--out", dir.resolve("k").toString()), "--gradient-settings");
        Path bad = dir.resolve("latin1.json");
        Files.write(bad, new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xff, '"', '}'});
        TestSupport.assertOneLineError(TestSupport.cli("models", "show", bad.toString()), "not UTF-8");
        Path folder = Files.createDirectories(dir.resolve("folder"));
        TestSupport.assertOneLineError(TestSupport.cli("train", "--dataset", "idx:" + folder + "," + folder + "," + folder + "," + folder,
                "--net", "4-3-2", "--out", dir.resolve("d").toString()), "a folder, not a dataset file");
        Path run = TestSupport.trainedRun(dir.resolve("run"));
        TestSupport.assertOneLineError(TestSupport.cli("export-spice", "--checkpoint", run.toString(), "--net", "784-10-10",
                "--out", dir.resolve("x.cir").toString()), "--net", "the run's");
        Path runJson = run.resolve("run.json");
        Files.writeString(runJson, Files.readString(runJson).replaceFirst("\"set\" : \\[ \\]", "\"set\" : [ \"device.readNoise=0.01\" ]"));
        TestSupport.assertOneLineError(TestSupport.cli("train", "--resume", run.toString(), "--epochs", "2"), "not the one the run started with");
        TestSupport.assertOneLineError(TestSupport.cli("eval", "--checkpoint", run.toString()), "not the one the run started with");
        TestSupport.assertOneLineError(TestSupport.cli("export-spice", "--checkpoint", run.toString(), "--out", dir.resolve("y.cir").toString()),
                "not the one the run started with");
    }
}
