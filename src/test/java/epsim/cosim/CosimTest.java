package epsim.cosim;

import epsim.TestSupport;
import epsim.chip.AnalogChip;
import epsim.cosim.ChipServer;
import epsim.math.Topology;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The co-simulation protocol with real external processes: a second epsim, a python3 client. */
class CosimTest {
    @TempDir
    Path dir;

    static String serveCommand(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return "exec:" + java + " -cp " + System.getProperty("java.class.path") + " epsim.cli.Main serve --stdio " + String.join(" ", args);
    }

    @Test
    void execChipGivesTheInProcessBits() throws Exception {
        Path local = dir.resolve("local"), remote = dir.resolve("remote");
        // the default model: noise, quantization and device randomness all cross the protocol
        TestSupport.Run a = TestSupport.cli(TestSupport.trainArgs("--epochs", "2", "--out", local.toString()));
        assertEquals(0, a.exitCode(), a.err());
        TestSupport.Run b = TestSupport.cli(TestSupport.trainArgs("--epochs", "2", "--out", remote.toString(),
                "--chip", serveCommand("--net", "784-40-10", "--seed", "3")));
        assertEquals(0, b.exitCode(), b.err());
        TestSupport.assertSameRun(local, remote);
    }

    /** A tiled chip with resistive wires and digital partial sums behind the protocol: the model crosses it, and so do the bits. */
    @Test
    void aWiredTiledChipOverExecGivesTheInProcessBits() throws Exception {
        Path local = dir.resolve("local"), remote = dir.resolve("remote");
        String[] wired = {"--set", "array.tileRows=256", "--set", "array.tileColumns=32", "--set", "array.rowWireResistance=1.5",
                "--set", "array.columnWireResistance=1.5", "--set", "array.partialSums=digital"};
        String[] localArgs = TestSupport.trainArgs("--epochs", "1", "--out", local.toString());
        TestSupport.Run a = TestSupport.cli(java.util.stream.Stream.concat(java.util.Arrays.stream(localArgs), java.util.Arrays.stream(wired)).toArray(String[]::new));
        assertEquals(0, a.exitCode(), a.err());
        String[] remoteArgs = TestSupport.trainArgs("--epochs", "1", "--out", remote.toString(), "--chip",
                serveCommand("--net", "784-40-10", "--seed", "3", String.join(" ", wired)));
        TestSupport.Run b = TestSupport.cli(remoteArgs);
        assertEquals(0, b.exitCode(), b.err());
        TestSupport.assertSameRun(local, remote);
    }

    @Test
    void clampingRuleOverExecGivesTheInProcessBits() throws Exception {
        // local propagation clamps and releases layers and switches the feedback gain every batch
        Path local = dir.resolve("local"), remote = dir.resolve("remote");
        TestSupport.Run a = TestSupport.cli(TestSupport.trainArgs("--rule", "lagrangian", "--epochs", "1", "--out", local.toString()));
        assertEquals(0, a.exitCode(), a.err());
        TestSupport.Run b = TestSupport.cli(TestSupport.trainArgs("--rule", "lagrangian", "--epochs", "1", "--out", remote.toString(),
                "--chip", serveCommand("--net", "784-40-10", "--seed", "3")));
        assertEquals(0, b.exitCode(), b.err());
        TestSupport.assertSameRun(local, remote);
    }

    @Test
    void tcpChipGivesTheInProcessBits() throws Exception {
        Path local = dir.resolve("local"), remote = dir.resolve("remote");
        TestSupport.Run a = TestSupport.cli(TestSupport.trainArgs("--epochs", "1", "--out", local.toString()));
        assertEquals(0, a.exitCode(), a.err());
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "epsim.cli.Main", "serve",
                "--port", "0", "--once", "--net", "784-40-10", "--seed", "3").start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8));
            Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(err.readLine());
            assertTrue(m.find());
            TestSupport.Run b = TestSupport.cli(TestSupport.trainArgs("--epochs", "1", "--out", remote.toString(),
                    "--chip", "tcp:127.0.0.1:" + m.group(1)));
            assertEquals(0, b.exitCode(), b.err());
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not end after the session (--once)");
        } finally {
            server.destroyForcibly();
        }
        TestSupport.assertSameRun(local, remote);
    }

    @Test
    void pythonClientTrainsAgainstServe() throws Exception {
        String py = python();
        if (py == null) return;
        Path client = TestSupport.root().resolve("docs/examples/ep_client.py");
        String java = ProcessHandle.current().info().command().orElse("java");
        String server = java + " -cp " + System.getProperty("java.class.path") + " epsim.cli.Main serve --stdio --model ideal --net 16-12-4";
        Process p = new ProcessBuilder(py, client.toString(), "--exec", server).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "client timed out");
        assertEquals(0, p.exitValue(), out);
        Matcher m = Pattern.compile("final test accuracy ([0-9.]+)").matcher(out);
        assertTrue(m.find(), out);
        // four classes (chance 25%); the client reaches 100% on this separable task in 3 epochs
        assertTrue(Double.parseDouble(m.group(1)) > 0.8, out);
    }

    @Test
    void malformedMessagesGetErrorsAndTheSessionGoesOn() throws Exception {
        AnalogChip chip = AnalogChip.fabricate(ModelLoader.load("ideal", List.of()), Topology.parse("4-3-2", "net"), 1);
        String big = "{\"op\":\"hello\",\"protocol\":1,\"pad\":\"" + "x".repeat(5000) + "\"}";
        String session = String.join("\n",
                "{\"op\":\"relax\",\"steps\":1}",                       // before hello
                "{\"op\":\"hello\",\"protocol\":1,\"id\":\"a\"}",
                "{not json",
                "[1,2]",
                "{\"id\":3}",                                           // no op
                "{\"op\":\"warp\"}",
                big,                                                    // over the 4096-byte limit
                "{\"op\":\"set_inputs\",\"batch\":1,\"inputs\":[1,2]}", // wrong length
                "{\"op\":\"set_inputs\",\"batch\":1,\"inputs\":{\"f64\":\"!!\"}}",
                "{\"op\":\"read\",\"layer\":9}",
                "{\"op\":\"set_inputs\",\"batch\":1,\"inputs\":[0.1,0.2,0.3,0.4]}",
                "{\"op\":\"relax\",\"steps\":20,\"tolerance\":1e-9,\"id\":11}",
                "{\"op\":\"close\"}", "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ChipServer(chip, "test", 4096).serve(new ByteArrayInputStream(session.getBytes(StandardCharsets.UTF_8)), out);
        List<String> replies = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(13, replies.size(), String.join("\n", replies));
        String[] expected = {"say hello first", null, "not valid JSON", "expected a JSON object", "op: missing", "unknown op",
                "message too long", "inputs: expected 1 x 4 values", "not valid base64", "layer: expected an integer in 0..2", null, null, null};
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == null) {
                assertTrue(replies.get(i).contains("\"ok\":true"), replies.get(i));
            } else {
                assertTrue(replies.get(i).contains("\"ok\":false") && replies.get(i).contains(expected[i]), i + ": " + replies.get(i));
            }
        }
        assertTrue(replies.get(11).contains("\"id\":11") && replies.get(11).contains("\"converged\":true"), replies.get(11));
    }

    @Test
    void aClientThatDisconnectsMidMessageEndsTheSessionCleanly() throws Exception {
        AnalogChip chip = AnalogChip.fabricate(ModelLoader.load("ideal", List.of()), Topology.parse("4-3-2", "net"), 1);
        String cut = "{\"op\":\"hello\",\"protocol\":1}\n{\"op\":\"set_inp";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ChipServer(chip, "test", 4096).serve(new ByteArrayInputStream(cut.getBytes(StandardCharsets.UTF_8)), out);
        assertEquals(1, out.toString(StandardCharsets.UTF_8).lines().count());
    }

    @Test
    void aSilentChipTimesOutWithOneLine() {
        TestSupport.Run run = TestSupport.cli(TestSupport.trainArgs("--epochs", "1", "--out", dir.resolve("r").toString(),
                "--chip", "exec:sleep 30", "--chip-timeout", "1"));
        assertEquals(2, run.exitCode());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("no reply to \"hello\" within 1.0 s"), run.err());
    }

    @Test
    void aDeadChipIsReported() {
        TestSupport.Run run = TestSupport.cli(TestSupport.trainArgs("--epochs", "1", "--out", dir.resolve("r").toString(),
                "--chip", "exec:true"));
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("closed the connection"), run.err());
    }

    @Test
    void tcpServerDropsAnIdleClientAndBindsLoopbackOnly() throws Exception {
        TestSupport.Run remote = TestSupport.cli("serve", "--port", "0", "--bind", "0.0.0.0");
        assertEquals(2, remote.exitCode());
        assertTrue(remote.err().contains("--allow-remote"), remote.err());

        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "epsim.cli.Main", "serve",
                "--port", "0", "--once", "--idle-timeout", "1", "--model", "ideal", "--net", "4-3-2").start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8));
            Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(err.readLine());
            assertTrue(m.find());
            try (Socket s = new Socket("127.0.0.1", Integer.parseInt(m.group(1)))) {
                OutputStream o = s.getOutputStream();
                o.write("{\"op\":\"hello\",\"protocol\":1}\n".getBytes(StandardCharsets.UTF_8));
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                assertTrue(in.readLine().contains("\"ok\":true"));
                // now stall: the server must give up on us after ~1 s and, with --once, exit
                assertTrue(server.waitFor(30, TimeUnit.SECONDS), "server still waiting on an idle client");
                assertEquals(null, in.readLine());
            }
            assertEquals(0, server.exitValue());
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void stdioServerExitsWhenItsClientGoesSilent() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "epsim.cli.Main", "serve",
                "--stdio", "--idle-timeout", "1", "--model", "ideal", "--net", "4-3-2").start();
        try {
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "server still waiting on a silent client");
            assertEquals(3, server.exitValue());
            assertTrue(new String(server.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).contains("no request for"));
        } finally {
            server.destroyForcibly();
        }
    }

    private static String python() throws Exception {
        for (String exe : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(exe, "--version").redirectErrorStream(true).start();
                if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) return exe;
            } catch (java.io.IOException e) {
                // try the next
            }
        }
        if (!TestSupport.inCi()) Assumptions.abort("python3 is not installed");
        assertFalse(true, "python3 is required in CI");
        return null;
    }

}
