package epsim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.TestSupport;
import epsim.spice.Ngspice;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files are data: nothing read from a run folder or a model file runs a command (docs/security.md). */
class UntrustedDataTest {
    @TempDir
    Path dir;

    /** A run.json that records an exec: chip is never executed by --resume or eval; --chip on the command line reconnects. */
    @Test
    void aRunFolderNeverStartsACommand() throws Exception {
        Path run = TestSupport.trainedRun(dir.resolve("run"));
        Path marker = dir.resolve("pwned");
        ObjectMapper json = new ObjectMapper();
        ObjectNode record = (ObjectNode) json.readTree(run.resolve("run.json").toFile());
        ((ObjectNode) record.get("options")).put("chip", "exec:touch " + marker);
        ((ObjectNode) record.get("options")).put("epochs", 2);
        Files.writeString(run.resolve("run.json"), json.writeValueAsString(record));

        TestSupport.assertOneLineError(TestSupport.cli("train", "--resume", run.toString(), "--no-progress"), "external chip", "--chip");
        TestSupport.assertOneLineError(TestSupport.cli("eval", "--checkpoint", run.toString()), "external chip", "--chip");
        TestSupport.assertOneLineError(TestSupport.cli("train", "--resume", run.toString(), "--chip", "spice"), "external chip");
        Thread.sleep(200);
        assertFalse(Files.exists(marker), "a command recorded in run.json ran");
    }

    @Test
    void aRunOnTheInProcessChipTakesNoChipOnResume() throws Exception {
        Path run = TestSupport.trainedRun(dir.resolve("run"));
        TestSupport.assertOneLineError(TestSupport.cli("eval", "--checkpoint", run.toString(), "--chip", "exec:true"), "--chip", "in-process");
    }

    /**
     * Text from a model file and a path reaches the netlist only as one sanitised comment line: a
     * hostile name with a .control block does not run its shell command inside ngspice.
     */
    @Test
    void hostileTextNeverBecomesANetlistCard() throws Exception {
        Path marker = dir.resolve("spice-pwned");
        String attack = "x\n.control\nshell touch " + marker + "\n.endc\n* \\";
        Path model = dir.resolve("hostile.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = json.createObjectNode();
        m.put("name", attack);
        m.put("description", attack);
        m.put("base", "ideal");
        m.putObject("neuron").put("transfer", "sigmoid");
        Files.writeString(model, json.writeValueAsString(m));
        Path net = dir.resolve("net.cir");
        TestSupport.Run r = TestSupport.cli("export-spice", "--model", model.toString(), "--net", "4-3-2", "--out", net.toString());
        assertEquals(0, r.exitCode(), r.err());
        // the netlist's one control block is epsim's own (set numdgt, op, print): no card from the model's text
        List<String> lines = Files.readAllLines(net);
        for (String line : lines) assertFalse(line.startsWith("shell"), line);
        int control = lines.indexOf(".control");
        assertEquals(List.of(".control", "set numdgt=16", "op"), lines.subList(control, control + 3));
        assertTrue(lines.get(control + 3).startsWith("print v(") && lines.get(control + 4).equals("quit 0") && lines.get(control + 5).equals(".endc")
                        && lines.get(control + 6).equals(".end"),
                lines.subList(control, lines.size()).toString());
        assertEquals(1, lines.stream().filter(l -> l.startsWith(".control") || l.startsWith(".endc")).count() / 2, "one control block");
        // and a hostile path of a run folder named on the command line
        Path run = dir.resolve("r\n.control\nshell touch " + marker + "\n.endc");
        TestSupport.Run t = TestSupport.cli(TestSupport.trainArgs("--model", model.toString(), "--epochs", "1",
                "--out", run.toString()));
        assertEquals(0, t.exitCode(), t.err());
        Path fromRun = dir.resolve("run.cir");
        r = TestSupport.cli("export-spice", "--checkpoint", run.toString(), "--out", fromRun.toString());
        assertEquals(0, r.exitCode(), r.err());
        if (!Ngspice.available()) {
            assertFalse(TestSupport.inCi(), "ngspice is required in CI (apt-get install -y ngspice)");
            Assumptions.abort("ngspice is not installed");
        }
        for (Path deck : new Path[] {net, fromRun}) {
            Process p = new ProcessBuilder("ngspice", "-b", deck.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("ngspice.log").toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ngspice finished");
            assertEquals(0, p.exitValue(), Files.readString(dir.resolve("ngspice.log")));
        }
        assertFalse(Files.exists(marker), "a .control block from model text ran in ngspice");
    }
}
