package epsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.chip.AnalogChip;
import epsim.common.UserError;
import epsim.cosim.ChipServer;
import epsim.data.Idx;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelField;
import epsim.model.ModelLoader;
import epsim.train.Checkpoint;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The input contract, on generated inputs (jqwik): a model file, a flag, an IDX header, a
 * checkpoint byte or a protocol message is either accepted and works, or refused in one line
 * (exit 2, or an error reply) with no stack trace, no file outside --out, and a server that
 * still answers. Tries per property: 60 in the ordinary build, more with -Pfuzz (docs/security.md).
 */
class InputContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;
    private static Path checkpointRun;
    private static byte[] checkpoint;
    private static Set<String> rootFiles;

    @BeforeContainer
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("epsim-contract");
        checkpointRun = dir.resolve("run");
        TestSupport.Run r = TestSupport.cli("train", "--net", "784-4-10", "--train-limit", "40", "--test-limit", "20", "--epochs", "1",
                "--model", "pcm", "--no-progress", "--out", checkpointRun.toString());
        assertEquals(0, r.exitCode(), r.err());
        checkpoint = Files.readAllBytes(checkpointRun.resolve(Checkpoint.FILE));
        rootFiles = listing(TestSupport.root());
    }

    @AfterContainer
    static void nothingWrittenOutsideTheFoldersNamed() throws Exception {
        assertEquals(rootFiles, listing(TestSupport.root()), "files appeared in the project folder");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) Files.deleteIfExists(p);
        }
    }

    private static Set<String> listing(Path p) throws Exception {
        try (Stream<Path> s = Files.list(p)) {
            return s.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static void assertOneLine(String message) {
        assertFalse(message == null || message.isBlank(), "a message");
        assertFalse(message.contains("\n"), () -> "one line: " + message);
        assertFalse(message.contains("Exception") || message.contains("\tat "), () -> "no stack trace: " + message);
    }

    // ---- model files -------------------------------------------------------------------------

    @Provide
    Arbitrary<String> jsonValues() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("1e308", "-1e308", "1e-320", "4.9e-324", "0", "-0.0", "NaN", "Infinity", "-Infinity", "1e400",
                        "2147483648", "-1", "true", "null", "\"ideal\"", "\"rails\"", "\"x\\ny\"", "[]", "{}", "[1,2]",
                        "9".repeat(3000), "[".repeat(5000) + "]".repeat(5000), "\"" + "a".repeat(100_000) + "\""),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.strings().ofMaxLength(20).map(s -> JSON.getNodeFactory().textNode(s).toString()));
    }

    /** Any one field of the default model set to any value: refused in one line naming the file, or a chip that runs and stays finite. */
    @Property
    void modelFiles(@ForAll("fields") ModelField field, @ForAll("jsonValues") String value,
                    @ForAll("transfers") String transfer) throws Exception {
        String text = Files.readString(TestSupport.root().resolve("hardware-models/default.json"));
        ObjectNode model = (ObjectNode) JSON.readTree(text);
        // an optional field the default model leaves out (adcNoise, writeNoiseMicrosiemens, ghost.crossbar) gets a
        // placeholder for the value to replace, so that every field is really exercised (a missing one would only be refused)
        ObjectNode section = model.has(field.section) ? (ObjectNode) model.get(field.section) : model.putObject(field.section);
        if (!section.has(field.name)) {
            if (field == ModelField.WRITE_NOISE_US) section.remove(ModelField.WRITE_NOISE.name); // the write noise has one form per file
            section.put(field.name, 0);
        }
        String json = JSON.writeValueAsString(model);
        String marker = "\"" + field.name + "\":";
        int at = json.indexOf(marker, json.indexOf("\"" + field.section + "\":"));
        assertTrue(at >= 0, field.key() + " is not in the generated model");
        int end = at + marker.length();
        int stop = end;
        while (json.charAt(stop) != ',' && json.charAt(stop) != '}') stop++;
        Path file = dir.resolve("model.json");
        Files.writeString(file, json.substring(0, end) + value + json.substring(stop));
        HardwareModel m;
        try {
            // a smooth curve does not clip the state, so an overflow would show as NaN
            m = ModelLoader.load(file.toString(), field == ModelField.TRANSFER ? List.of() : List.of("neuron.transfer=" + transfer));
        } catch (UserError e) {
            assertOneLine(e.getMessage());
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            return;
        }
        AnalogChip chip = AnalogChip.fabricate(m, new Topology(4, 3, 2), 1);
        chip.setInputs(new double[] {0.1, 0.5, 0.9, 1}, 1);
        chip.relax(20, 0);
        LayerParams delta = new LayerParams(chip.topology());
        Arrays.fill(delta.w[0], 0.05);
        chip.program(delta);
        chip.relax(20, 0);
        for (double v : chip.read(2)) assertTrue(Double.isFinite(v), field.key() + "=" + value + " gave a non-finite output");
        for (double v : chip.readWeights().flatten()) assertTrue(Double.isFinite(v), field.key() + "=" + value + " gave a non-finite weight");
    }

    @Provide
    Arbitrary<String> transfers() {
        return Arbitraries.of("hardSigmoid", "sigmoid", "tanh");
    }

    @Provide
    Arbitrary<ModelField> fields() {
        return Arbitraries.of(ModelField.class);
    }

    // ---- flags -------------------------------------------------------------------------------

    @Provide
    Arbitrary<String> flagValues() {
        return Arbitraries.oneOf(
                Arbitraries.of("0", "-1", "1e308", "NaN", "Infinity", "2147483647", "2147483648", "", " ", "abc", "1,2,3", "784-0-10",
                        "784-100000-10", "784--10", "-5", "0.5", "1e-320", "1/0", "3/2", "/", "..", "/dev/null"),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.strings().ofMaxLength(12));
    }

    /** Any flag of train with any value: one line and exit 2 (the dataset is missing on purpose, so nothing trains). */
    @Property
    void trainFlags(@ForAll("trainFlagNames") String flag, @ForAll("flagValues") String value) {
        Path out = dir.resolve("flags");
        TestSupport.Run r = TestSupport.cli("train", flag, value, "--dataset", "idx:/nonexistent/a,/nonexistent/b,/nonexistent/c,/nonexistent/d",
                "--out", out.toString(), "--no-progress");
        assertEquals(2, r.exitCode(), () -> flag + " " + value + ": " + r.err());
        assertOneLine(r.err().strip());
    }

    @Provide
    Arbitrary<String> trainFlagNames() {
        return Arbitraries.of("--net", "--batch", "--epochs", "--seed", "--lr", "--beta", "--free-steps", "--nudge-steps", "--tolerance",
                "--read-averages", "--gamma", "--ortho", "--saddle-steps", "--saddle-rate", "--penalty", "--bp-loss", "--rule",
                "--nudging", "--train-limit", "--test-limit", "--model", "--set", "--chip-timeout");
    }

    // ---- IDX headers -------------------------------------------------------------------------

    /** Any IDX image header with a little data: read, or refused in one line; never an allocation of what the header only claims. */
    @Property
    void idxHeaders(@ForAll("magics") int magic, @ForAll int count, @ForAll @IntRange(min = -5, max = 70000) int rows,
                    @ForAll @IntRange(min = -5, max = 70000) int cols, @ForAll @IntRange(max = 4096) int dataBytes) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        out.write(new byte[dataBytes]);
        byte[] file = bytes.toByteArray();
        try {
            Idx.Images images = Idx.readImages(() -> new java.io.ByteArrayInputStream(file), "images.idx");
            assertEquals((long) images.count() * images.rows() * images.cols(), dataBytes);
        } catch (UserError e) {
            assertOneLine(e.getMessage());
        }
    }

    @Provide
    Arbitrary<Integer> magics() {
        return Arbitraries.oneOf(Arbitraries.just(0x803), Arbitraries.just(0x801), Arbitraries.integers());
    }

    // ---- checkpoints -------------------------------------------------------------------------

    /** Every change of one byte of a checkpoint is refused in one line: its checksum covers every byte. */
    @Property
    void checkpointByteFlips(@ForAll @IntRange(min = 0) int position, @ForAll @IntRange(min = 1, max = 255) int xor) throws Exception {
        byte[] damaged = checkpoint.clone();
        int at = position % damaged.length;
        damaged[at] ^= (byte) xor;
        Path run = dir.resolve("flipped");
        Files.createDirectories(run);
        Files.copy(checkpointRun.resolve("run.json"), run.resolve("run.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(run.resolve(Checkpoint.FILE), damaged);
        TestSupport.Run r = TestSupport.cli("eval", "--checkpoint", run.toString(), "--test-limit", "5");
        assertEquals(2, r.exitCode(), () -> "byte " + at + " ^ " + xor + " accepted: " + r.out());
        assertOneLine(r.err().strip());
    }

    // ---- protocol messages -------------------------------------------------------------------

    private static final ChipServer SERVER = server();

    private static ChipServer server() {
        AnalogChip chip = AnalogChip.fabricate(ModelLoader.load("pcm", List.of()), new Topology(4, 3, 2), 1);
        ChipServer s = new ChipServer(chip, "test", 1 << 20, 5);
        s.handle("{\"op\":\"hello\",\"protocol\":1}");
        return s;
    }

    @Provide
    Arbitrary<String> requests() {
        Arbitrary<String> ops = Arbitraries.of("hello", "set_inputs", "set_nudge", "set_feedback_gain", "clamp", "set_ghost_units",
                "reset", "relax", "read", "read_ghost", "program", "read_weights", "save_state", "restore_state", "drop_state",
                "persist", "restore", "advance_time", "warp");
        Arbitrary<String> keys = Arbitraries.of("batch", "inputs", "beta", "target", "gain", "layer", "values", "enabled", "steps",
                "tolerance", "population", "encoding", "delta", "state", "chip", "seconds", "protocol", "id");
        Arbitrary<String> values = Arbitraries.oneOf(jsonValues().filter(v -> v.length() < 1000), Arbitraries.of("[0.1,0.2,0.3,0.4]",
                "{\"f64\":\"AAAAAAAA0D8=\"}", "{\"w\":[[1]],\"b\":[[1]]}", "{\"devices\":[[[1]]],\"noise\":[1,2,3,4],\"writes\":[1,2,3,4],\"time\":0}",
                "1", "4", "2", "\"f32\""));
        Arbitrary<String> field = Combinators.combine(keys, values).as((k, v) -> "\"" + k + "\":" + v);
        return Combinators.combine(ops, field.list().ofMaxSize(4)).as((op, fs) ->
                "{\"op\":\"" + op + "\"" + fs.stream().map(f -> "," + f).collect(Collectors.joining()) + "}");
    }

    private static boolean finiteNumbers(JsonNode n) {
        if (n.isNumber()) return Double.isFinite(n.asDouble());
        for (JsonNode child : n) if (!finiteNumbers(child)) return false;
        return true;
    }

    /** Any request is answered (ok or an error, one line, never NaN), and the server serves the next one. */
    @Property
    void protocolMessages(@ForAll("requests") String request) {
        JsonNode reply = SERVER.handle(request);
        assertTrue(reply.has("ok"), reply.toString());
        assertTrue(finiteNumbers(reply), reply.toString());
        if (!reply.get("ok").asBoolean()) assertOneLine(reply.get("error").asText());
        assertTrue(SERVER.handle("{\"op\":\"set_inputs\",\"batch\":1,\"inputs\":[0.1,0.2,0.3,0.4]}").get("ok").asBoolean(), "still serving");
        assertTrue(SERVER.handle("{\"op\":\"relax\",\"steps\":2}").get("ok").asBoolean(), "still serving");
    }
}
