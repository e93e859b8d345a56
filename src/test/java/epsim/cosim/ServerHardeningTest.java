package epsim.cosim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import epsim.TestSupport;
import epsim.chip.AnalogChip;
import epsim.chip.PersistedChip;
import epsim.math.Topology;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One request never ends the server, work is bounded, sessions do not leak into each other (docs/cosim-protocol.md). */
class ServerHardeningTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static ChipServer server(String model, String net, double requestSeconds) {
        AnalogChip chip = AnalogChip.fabricate(ModelLoader.load(model, List.of("neuron.transfer=sigmoid")), Topology.parse(net, "net"), 1);
        ChipServer s = new ChipServer(chip, "test", 1 << 28, requestSeconds);
        assertOk(s.handle("{\"op\":\"hello\",\"protocol\":1}"));
        return s;
    }

    private static JsonNode assertOk(JsonNode reply) {
        assertTrue(reply.path("ok").asBoolean(), reply.toString());
        return reply;
    }

    private static void assertError(JsonNode reply, String mustContain) {
        assertFalse(reply.path("ok").asBoolean(true), reply.toString());
        assertTrue(reply.path("error").asText().contains(mustContain), reply.toString());
    }

    private static void assertStillServes(ChipServer s) {
        assertOk(s.handle("{\"op\":\"set_inputs\",\"batch\":1,\"inputs\":[0.1,0.2,0.3,0.4]}"));
        assertOk(s.handle("{\"op\":\"relax\",\"steps\":5}"));
    }

    /** A state no chip can have is refused whole: random states of zero words, a device programmed after the chip's present. */
    @Test
    void aRestoreOfAnImpossibleStateIsRefused() throws Exception {
        ChipServer s = server("pcm", "4-3-2", 600);
        JsonNode weightsBefore = assertOk(s.handle("{\"op\":\"read_weights\"}"));
        PersistedChip p = Wire.persisted(assertOk(s.handle("{\"op\":\"persist\"}")).get("chip"), "chip");
        double[][][] future = p.devices().clone();
        double[] times = future[0][1].clone();
        times[0] = p.time() + 1;
        future[0] = new double[][] {future[0][0], times};
        for (PersistedChip bad : List.of(new PersistedChip(p.devices(), new long[4], p.writeState(), p.time()),
                new PersistedChip(p.devices(), p.noiseState(), new long[4], p.time()), new PersistedChip(future, p.noiseState(), p.writeState(), p.time()))) {
            String request = JSON.writeValueAsString(JSON.createObjectNode().put("op", "restore").set("chip", Wire.persisted(bad)));
            JsonNode reply = s.handle(request);
            assertFalse(reply.path("ok").asBoolean(true), reply.toString());
            assertTrue(reply.path("error").asText().matches(".*(all four words are 0|outside the chip's past).*"), reply.toString());
        }
        assertEquals(weightsBefore.get("w"), assertOk(s.handle("{\"op\":\"read_weights\"}")).get("w"), "nothing was restored");
        assertError(s.handle("{\"op\":\"read_weights\"}{\"op\":\"relax\",\"steps\":1}"), "");
        assertStillServes(s);
    }

    /** A restore whose device arrays do not fit (here: the drift times of pcm) is refused whole; the server goes on. */
    @Test
    void aWronglySizedRestoreIsRefused() throws Exception {
        ChipServer s = server("pcm", "4-3-2", 600);
        JsonNode persisted = assertOk(s.handle("{\"op\":\"persist\"}")).get("chip");
        JsonNode weightsBefore = assertOk(s.handle("{\"op\":\"read_weights\"}"));
        PersistedChip p = Wire.persisted(persisted, "chip");
        double[][][] d = p.devices();
        d[0] = new double[][] {d[0][0], new double[2]}; // programming times of 2 devices for 12
        String bad = JSON.writeValueAsString(JSON.createObjectNode().put("op", "restore").set("chip",
                Wire.persisted(new PersistedChip(d, p.noiseState(), p.writeState(), p.time()))));
        assertError(s.handle(bad), "checkpoint");
        assertEquals(weightsBefore.get("w"), assertOk(s.handle("{\"op\":\"read_weights\"}")).get("w"), "nothing was restored");
        assertStillServes(s);
    }

    /** A long line of empty objects is refused before a tree is built (no heap exhausted), and the server goes on. */
    @Test
    void aBallooningRequestIsRefusedBeforeParsing() {
        ChipServer s = server("ideal", "4-3-2", 600);
        String balloon = "{\"op\":\"set_inputs\",\"batch\":1,\"inputs\":[" + "{},".repeat(5_000_000) + "{}]}";
        long start = System.nanoTime();
        assertError(s.handle(balloon), "arrays and objects");
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "refused quickly");
        String numbers = "{\"op\":\"set_inputs\",\"batch\":1,\"inputs\":[" + "0,".repeat(3_000_000) + "0]}";
        assertError(s.handle(numbers), "values");
        assertError(s.handle("[".repeat(50) + "]".repeat(50)), "nested deeper");
        assertStillServes(s);
    }

    /** Work is bounded: a step count beyond the limit is refused, a relaxation past the time limit stops with an error. */
    @Test
    void workIsBounded() {
        ChipServer s = server("default", "784-500-10", 0.5);
        assertError(s.handle("{\"op\":\"relax\",\"steps\":2147483647}"), "steps: expected an integer in 0.." + ChipServer.MAX_RELAX_STEPS);
        StringBuilder x = new StringBuilder("{\"op\":\"set_inputs\",\"batch\":20,\"inputs\":[");
        for (int i = 0; i < 20 * 784; i++) x.append(i == 0 ? "" : ",").append("0.5");
        assertOk(s.handle(x.append("]}").toString()));
        long start = System.nanoTime();
        assertError(s.handle("{\"op\":\"relax\",\"steps\":10000000}"), "time limit");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 10, "stopped after " + seconds + " s");
        assertOk(s.handle("{\"op\":\"relax\",\"steps\":3}"));
    }

    /** A diverged state never goes out as NaN or Infinity: the request fails naming the cause. */
    @Test
    void nonFiniteValuesAreAnErrorNotAString() {
        ChipServer s = server("ideal", "4-3-3-2", 600);
        assertOk(s.handle("{\"op\":\"set_inputs\",\"batch\":1,\"inputs\":[0.1,0.2,0.3,0.4]}"));
        assertOk(s.handle("{\"op\":\"set_feedback_gain\",\"gain\":1e308}"));
        assertOk(s.handle("{\"op\":\"set_nudge\",\"beta\":1e308,\"target\":[1e300,1e300]}"));
        JsonNode relax = s.handle("{\"op\":\"relax\",\"steps\":50}");
        JsonNode read = s.handle("{\"op\":\"read\",\"layer\":2}");
        for (JsonNode r : new JsonNode[] {relax, read}) {
            assertFalse(r.toString().contains("NaN") || r.toString().contains("Infinity"), r.toString());
        }
        assertError(read, "diverged");
        JsonNode zero = assertOk(s.handle("{\"op\":\"relax\",\"steps\":0}"));
        assertTrue(zero.get("last_change").isNull(), zero.toString());
    }

    /** An f64 array of a 784-4000-10 chip's weights (25 MB, one 33 MB base64 string) reads back: the parser's limit is the line's. */
    @Test
    void largeArraysFitTheDocumentedLimit() throws Exception {
        double[] w = new double[784 * 4000];
        for (int i = 0; i < w.length; i++) w[i] = i * 1e-6;
        String line = JSON.writeValueAsString(JSON.createObjectNode().set("values", Wire.array(w, Wire.Encoding.F64)));
        assertTrue(line.length() > 20_000_000, "longer than the parser's default string limit");
        double[] back = Wire.doubles(Wire.JSON.readTree(line).get("values"), "values");
        assertEquals(w.length, back.length);
        assertEquals(w[w.length - 1], back[back.length - 1], 0.0);
    }

    /** One TCP client at a time: a second gets "busy" at once; the next session starts from the defined circuit state. */
    @Test
    void busyClientsAndFreshSessions() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "epsim.cli.Main", "serve",
                "--port", "0", "--idle-timeout", "30", "--model", "ideal", "--net", "4-3-2").start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8));
            Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(err.readLine());
            assertTrue(m.find());
            int port = Integer.parseInt(m.group(1));
            String fresh;
            try (Session first = new Session(port)) {
                first.ok("{\"op\":\"hello\",\"protocol\":1}");
                fresh = first.ok("{\"op\":\"set_inputs\",\"batch\":1,\"inputs\":[0.1,0.2,0.3,0.4]}")
                        + first.ok("{\"op\":\"relax\",\"steps\":200,\"tolerance\":1e-12}") + first.ok("{\"op\":\"read\",\"layer\":2}");
                long start = System.nanoTime();
                try (Session second = new Session(port)) {
                    String busy = second.in.readLine();
                    assertTrue(busy.contains("busy"), busy);
                }
                assertTrue(System.nanoTime() - start < 5_000_000_000L, "busy at once, not after the idle timeout");
                first.ok("{\"op\":\"set_feedback_gain\",\"gain\":0}");
                first.ok("{\"op\":\"clamp\",\"layer\":1,\"values\":[1,1,1]}");
                first.ok("{\"op\":\"set_ghost_units\",\"enabled\":true}");
                first.ok("{\"op\":\"close\"}");
            }
            Thread.sleep(200);
            try (Session third = new Session(port)) {
                third.ok("{\"op\":\"hello\",\"protocol\":1}");
                String relaxFirst = third.send("{\"op\":\"relax\",\"steps\":1}");
                assertTrue(relaxFirst.contains("set the inputs first"), relaxFirst);
                String again = third.ok("{\"op\":\"set_inputs\",\"batch\":1,\"inputs\":[0.1,0.2,0.3,0.4]}")
                        + third.ok("{\"op\":\"relax\",\"steps\":200,\"tolerance\":1e-12}") + third.ok("{\"op\":\"read\",\"layer\":2}");
                assertEquals(fresh, again, "the second session starts where a fresh server does (no clamps, gain 1, no ghosts)");
            }
        } finally {
            server.destroyForcibly();
        }
    }

    /** A client that sends large requests and never reads the replies is idle: its session ends after the idle timeout, and the next client is served. */
    @Test
    void aClientThatDoesNotReadIsIdle() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "epsim.cli.Main", "serve",
                "--port", "0", "--idle-timeout", "2", "--model", "ideal", "--net", "784-200-10").start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8));
            Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(err.readLine());
            assertTrue(m.find());
            int port = Integer.parseInt(m.group(1));
            try (Session greedy = new Session(port)) {
                greedy.ok("{\"op\":\"hello\",\"protocol\":1}");
                // about 4 MB of replies each, never read: the socket's buffers fill and the server's write blocks
                for (int i = 0; i < 40; i++) greedy.out.write("{\"op\":\"read_weights\",\"encoding\":\"json\"}\n".getBytes(StandardCharsets.UTF_8));
                greedy.out.flush();
                long start = System.nanoTime();
                String reply = null;
                while (System.nanoTime() - start < 20_000_000_000L) {
                    try (Session next = new Session(port)) {
                        reply = next.send("{\"op\":\"hello\",\"protocol\":1}");
                        if (reply != null && !reply.contains("busy")) break;
                    }
                    Thread.sleep(250);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                assertTrue(reply != null && reply.contains("\"ok\":true"), "the next client is served: " + reply);
                assertTrue(seconds < 10, "served " + seconds + " s after the greedy client stopped reading (idle timeout 2 s)");
            }
        } finally {
            server.destroyForcibly();
        }
    }

    private static final class Session implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final BufferedReader in;

        Session(int port) throws Exception {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            out = socket.getOutputStream();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        String send(String request) throws Exception {
            out.write((request + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return in.readLine();
        }

        String ok(String request) throws Exception {
            String reply = send(request);
            assertTrue(reply.contains("\"ok\":true"), reply);
            return reply;
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    /** A fake chip whose replies go wrong in the ways a buggy driver's do. */
    private Path fakeChip(String onRelax, String onRead) throws Exception {
        // the model as a string literal that Python parses with json.loads (a JSON true is not Python's True)
        String model = "json.loads(" + JSON.writeValueAsString(JSON.writeValueAsString(ModelLoader.toJson(ModelLoader.load("ideal", List.of())))) + ")";
        Path script = dir.resolve("fake.py");
        Files.writeString(script, String.join("\n",
                "import base64, json, struct, sys",
                "for line in sys.stdin:",
                "    r = json.loads(line)",
                "    op = r['op']",
                "    out = {'id': r.get('id'), 'ok': True}",
                "    if op == 'hello': out.update({'protocol': 1, 'topology': [784, 40, 10], 'transfer': 'hardSigmoid', 'model': " + model + "})",
                "    elif op == 'relax': " + onRelax,
                "    elif op == 'read': " + onRead,
                "    elif op == 'save_state': out['state'] = 1",
                "    print(json.dumps(out), flush=True)", ""));
        return script;
    }

    @Test
    void malformedRepliesAreOneLineErrors() throws Exception {
        String python = TestSupport.python();
        if (python == null) return; // TestSupport.python fails under CI when missing
        String goodRelax = "out.update({'steps': 3, 'converged': True, 'last_change': 0})";
        String goodRead = "out['values'] = [0.5] * (20 * (784 if r['layer'] == 0 else 40 if r['layer'] == 1 else 10))";
        String[][] cases = {
                {"out.update({'steps': 'lots', 'converged': True, 'last_change': 0})", goodRead, "relax\": steps"},
                {goodRelax, "out['values'] = [0.5] * 3", "3 values, expected"},
                {goodRelax, "out['values'] = 'x'", "values"},
                {goodRelax, "out['values'] = [0.5] * (20 * 784) if r['layer'] == 0 else [float('nan')] * (20 * (40 if r['layer'] == 1 else 10))",
                        "not valid JSON"},
                {goodRelax, "n = 20 * (784 if r['layer'] == 0 else 40 if r['layer'] == 1 else 10); "
                        + "out['values'] = {'f64': base64.b64encode(struct.pack('<%dd' % n, *([float('nan')] * n))).decode()}", "not finite"},
                {goodRelax, "out['values'] = [{}] * 3000000", "refused"},
                // an "ok" that is a string, not true; two replies on one line (the second would have been dropped)
                {goodRelax + "; out['ok'] = 'true'", goodRead, "\"ok\": true or false"},
                {goodRelax + "; print(json.dumps(out), end='')", goodRead, "not JSON"},
                // a handshake of another protocol, or with a transfer curve epsim does not know
                {goodRelax, goodRead + "\n    if op == 'hello': out['protocol'] = 2", "protocol is 2"},
                {goodRelax, goodRead + "\n    if op == 'hello': out['transfer'] = 'cubic'", "transfer"}};
        int i = 0;
        for (String[] c : cases) {
            Path fake = fakeChip(c[0], c[1]);
            TestSupport.Run run = TestSupport.cli(TestSupport.trainArgs("--epochs", "1", "--out", dir.resolve("r" + i++).toString(),
                    "--chip", "exec:" + python + " " + fake, "--chip-timeout", "10"));
            TestSupport.assertOneLineError(run, "--chip", c[2]);
        }
    }

    /** A chip that floods its output without a newline gets the size-limit error, not the heap (limit lowered to 1 MB here). */
    @Test
    void aFloodingChipGetsTheSizeLimit() throws Exception {
        String python = TestSupport.python();
        if (python == null) return; // TestSupport.python fails under CI when missing
        Path fake = fakeChip("out.update({'steps': 3, 'converged': True, 'last_change': 0})",
                "sys.stdout.write('x' * (3 << 20)); sys.stdout.flush(); continue");
        RemoteChip chip = RemoteChip.connect("exec:" + python + " " + fake, 20, 1 << 20);
        try {
            chip.setInputs(new double[784], 1);
            epsim.common.UserError e = org.junit.jupiter.api.Assertions.assertThrows(epsim.common.UserError.class, () -> chip.read(1));
            assertTrue(e.getMessage().contains("a reply is longer than 1048576 bytes"), e.getMessage());
        } finally {
            chip.close();
        }
    }

    /** --chip-timeout is the whole wait, and when the run ends the chip's process and everything it started end too. */
    @Test
    void timeoutsAreKeptAndChipProcessesEnd() throws Exception {
        String marker = "epsim-test-sleeper-" + ProcessHandle.current().pid();
        long start = System.nanoTime();
        TestSupport.Run run = TestSupport.cli(TestSupport.trainArgs("--epochs", "1", "--out", dir.resolve("t").toString(),
                "--chip", "exec:sh -c 'sleep 300; echo " + marker + "' & sleep 301", "--chip-timeout", "3"));
        double seconds = (System.nanoTime() - start) / 1e9;
        TestSupport.assertOneLineError(run, "no reply to \"hello\" within 3.0 s");
        assertTrue(seconds < 8, "the run ended after " + seconds + " s with --chip-timeout 3");
        Thread.sleep(500);
        boolean alive = ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(marker));
        assertFalse(alive, "the chip's children were left running");
    }
}
