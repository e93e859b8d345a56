package epsim.cosim;

import epsim.TestSupport;
import epsim.chip.ChipOp;
import epsim.rule.Rule;
import epsim.rule.RuleSettings;
import epsim.math.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chip with nothing but the protocol's core (and the ops its rule names): no persist, no
 * epsim model in its handshake. Each rule trains on such a chip, a rule whose ops the chip lacks
 * is refused before any work, and a run checkpoints, resumes and ends on the in-process bits.
 */
class ChipContractTest {
    @TempDir
    Path dir;

    /** The optional ops a rule names are all it sends: each rule trains on a chip with the core and those alone. */
    @Test
    void everyRuleRunsOnTheCoreAndTheOpsItNames() {
        Topology t = Topology.parse("784-12-10", "net");
        for (Rule r : Rule.values()) {
            List<String> ops = new ArrayList<>(List.of("core"));
            ops.addAll(ChipOp.names(RuleSettings.defaults(t).with(epsim.rule.RuleSetting.RULE, r).create(1).chipOps()));
            String chip = CosimTest.serveCommand("--model", "ideal", "--net", "784-12-10", "--ops", String.join(",", ops), "--hello-without-model");
            TestSupport.Run run = TestSupport.cli("train", "--rule", r.label, "--model", "ideal", "--net", "784-12-10", "--train-limit", "40",
                    "--test-limit", "20", "--epochs", "1", "--no-progress", "--out", dir.resolve(r.label).toString(), "--chip", chip);
            assertEquals(0, run.exitCode(), r.label + " on a chip with " + ops + ": " + run.err());
            assertTrue(run.err().contains("does not persist"), run.err());
        }
    }

    @Test
    void aRuleWhoseOpsTheChipLacksIsRefusedBeforeAnyWork() throws Exception {
        Path out = dir.resolve("ghost");
        TestSupport.Run run = TestSupport.cli("train", "--rule", "ghost", "--model", "ideal", "--net", "784-12-10", "--train-limit", "40",
                "--epochs", "1", "--no-progress", "--out", out.toString(),
                "--chip", CosimTest.serveCommand("--model", "ideal", "--net", "784-12-10", "--ops", "core"));
        TestSupport.assertOneLineError(run, "set_ghost_units", "does not implement");
        assertFalse(Files.exists(out.resolve("metrics.csv")), "nothing trained");
    }

    /**
     * The stand-in for a real chip: a TCP server that implements the core and EP's ops, lists
     * them, and sends no model. One epoch, a resume for the second against the same chip (which
     * kept its devices), and the figures are the in-process run's, bit for bit.
     */
    @Test
    void aChipThatCannotPersistCheckpointsResumesAndGivesTheInProcessBits() throws Exception {
        Path local = dir.resolve("local"), remote = dir.resolve("remote");
        assertEquals(0, TestSupport.cli(TestSupport.trainArgs("--epochs", "2", "--out", local.toString())).exitCode());
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "epsim.cli.Main", "serve", "--port", "0",
                "--net", "784-40-10", "--seed", "3", "--ops", "save_state,restore_state", "--hello-without-model").start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8));
            Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(err.readLine());
            assertTrue(m.find());
            String chip = "tcp:127.0.0.1:" + m.group(1);
            TestSupport.Run first = TestSupport.cli(TestSupport.trainArgs("--epochs", "1", "--out", remote.toString(), "--chip", chip));
            assertEquals(0, first.exitCode(), first.err());
            var runJson = new com.fasterxml.jackson.databind.ObjectMapper().readTree(remote.resolve("run.json").toFile());
            assertTrue(runJson.path("chipState").asText().startsWith("kept by the chip"), runJson.toString());
            TestSupport.Run second = TestSupport.cli("train", "--resume", remote.toString(), "--epochs", "2", "--chip", chip, "--no-progress");
            assertEquals(0, second.exitCode(), second.err());
            assertTrue(second.err().contains("continuing on the chip as it is now"), second.err());
        } finally {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        List<String> a = Files.readAllLines(local.resolve("metrics.csv")), b = Files.readAllLines(remote.resolve("metrics.csv"));
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            String[] x = a.get(i).split(","), y = b.get(i).split(",");
            for (int c = 0; c < 6; c++) assertEquals(x[c], y[c], "metrics.csv row " + i + " column " + c + " (all but the seconds and the cost)");
        }
    }

    @Test
    void noCheckpointWritesNone() throws Exception {
        Path out = dir.resolve("nock");
        TestSupport.Run run = TestSupport.cli(TestSupport.trainArgs("--model", "ideal", "--epochs", "1", "--no-checkpoint", "--out", out.toString()));
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.exists(out.resolve("metrics.csv")) && !Files.exists(out.resolve(epsim.train.Checkpoint.FILE)));
        var runJson = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("run.json").toFile());
        assertTrue(runJson.path("chipState").asText().contains("--no-checkpoint"), runJson.toString());
        TestSupport.assertOneLineError(TestSupport.cli("train", "--resume", out.toString()), "no checkpoint");
    }
}
