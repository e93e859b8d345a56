package epsim.cosim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import epsim.TestSupport;
import epsim.chip.AnalogChip;
import epsim.math.Topology;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Binary frames (docs/cosim-protocol.md): agreed in the handshake, exact both ways, and every
 * malformed header, block or reference answered with an error, never a hang or a wrong value.
 */
class BinaryFramesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX = 1 << 16;

    @TempDir
    Path dir;

    /** The replies epsim serve writes for {@code input} (each a line, then its block when it has one). */
    private static List<MessageReader.Message> serve(byte[] input) throws Exception {
        AnalogChip chip = AnalogChip.fabricate(ModelLoader.load("ideal", List.of()), new Topology(4, 3, 2), 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ChipServer(chip, "test", MAX, 600).serve(new ByteArrayInputStream(input), out);
        MessageReader reader = new MessageReader(new ByteArrayInputStream(out.toByteArray()), MAX, false);
        List<MessageReader.Message> replies = new ArrayList<>();
        for (MessageReader.Message m; (m = reader.next()) != null; ) replies.add(m);
        return replies;
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Object p : parts) b.writeBytes(p instanceof byte[] a ? a : p.toString().getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    private static byte[] doubles(double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) b.putDouble(x);
        return b.array();
    }

    private static final String HELLO = "{\"op\":\"hello\",\"protocol\":1,\"frames\":true}\n";

    @Test
    void inputsInABlockReadBackInABlockBitForBit() throws Exception {
        double[] x = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0 / 3};
        List<MessageReader.Message> r = serve(bytes(HELLO, "{\"frames\":64,\"op\":\"set_inputs\",\"batch\":2,\"inputs\":{\"frame\":[0,8]}}\n", doubles(x),
                "{\"op\":\"read\",\"layer\":0,\"encoding\":\"frame\"}\n", "{\"op\":\"read\",\"layer\":0,\"encoding\":\"f64\"}\n"));
        assertTrue(JSON.readTree(r.get(0).line()).path("frames").asBoolean(), "the server agrees when offered");
        assertTrue(JSON.readTree(r.get(1).line()).path("ok").asBoolean(), r.get(1).line());
        JsonNode framed = JSON.readTree(r.get(2).line());
        assertEquals(64, framed.path("frames").asInt(), "the block's size leads the line: " + r.get(2).line());
        double[] a = Wire.doubles(framed.get("values"), "values", r.get(2).block()), b = Wire.doubles(JSON.readTree(r.get(3).line()).get("values"), "values");
        assertArrayEquals(b, a, 0.0);
        assertEquals(8, a.length);
    }

    @Test
    void withoutTheOfferTheHandshakeSaysNothingOfFrames() throws Exception {
        List<MessageReader.Message> r = serve(bytes("{\"op\":\"hello\",\"protocol\":1}\n"));
        assertTrue(JSON.readTree(r.get(0).line()).path("frames").isMissingNode(), r.get(0).line());
    }

    @Test
    void badReferencesAreRefusedAndTheSessionGoesOn() throws Exception {
        List<MessageReader.Message> r = serve(bytes(HELLO,
                "{\"frames\":8,\"op\":\"set_inputs\",\"batch\":2,\"inputs\":{\"frame\":[0,8]}}\n", doubles(0.5),   // 8 values in 8 bytes
                "{\"frames\":8,\"op\":\"set_inputs\",\"batch\":1,\"inputs\":{\"frame\":[-8,1]}}\n", doubles(0.5),
                "{\"frames\":8,\"op\":\"set_inputs\",\"batch\":1,\"inputs\":{\"frame\":[0.5,1]}}\n", doubles(0.5),
                "{\"op\":\"set_inputs\",\"batch\":1,\"inputs\":{\"frame\":[0,4]}}\n",                                // no block at all
                "{\"op\":\"counters\"}\n"));
        for (int i = 1; i <= 4; i++) {
            JsonNode e = JSON.readTree(r.get(i).line());
            assertFalse(e.path("ok").asBoolean(true), r.get(i).line());
            assertTrue(e.path("error").asText().contains("inputs"), "the error names the field: " + e);
        }
        assertTrue(JSON.readTree(r.get(5).line()).path("ok").asBoolean(), "the session goes on: " + r.get(5).line());
    }

    @Test
    void aBadHeaderOrAnOversizedBlockEndsTheSessionWithOneError() throws Exception {
        for (String header : List.of("{\"frames\":x,\"op\":\"reset\"}\n", "{\"frames\":-1,\"op\":\"reset\"}\n", "{\"frames\":" + (MAX + 1) + ",\"op\":\"reset\"}\n",
                "{\"frames\":1234567890123456,\"op\":\"reset\"}\n")) {
            List<MessageReader.Message> r = serve(bytes(HELLO, header, "{\"op\":\"reset\"}\n"));
            assertEquals(2, r.size(), "hello, then one error, then the end: " + header);
            JsonNode e = JSON.readTree(r.get(1).line());
            assertFalse(e.path("ok").asBoolean(true));
            assertTrue(e.path("error").asText().contains("session ends"), e.toString());
        }
        // a block cut short by the end of the stream: no reply, no hang
        assertEquals(1, serve(bytes(HELLO, "{\"frames\":16,\"op\":\"reset\"}\n", doubles(0.5))).size());
    }

    /** Training over exec: with frames and against a chip that does not agree to them gives the same bits, and run.json says which. */
    @Test
    void framedAndUnframedRunsAreTheSameRun() throws Exception {
        Path framed = dir.resolve("framed"), plain = dir.resolve("plain");
        String[] net = {"--net", "784-40-10"};
        TestSupport.Run a = TestSupport.cli(TestSupport.trainArgs("--model", "default", "--epochs", "1", "--out", framed.toString(),
                "--chip", CosimTest.serveCommand("--model", "default", net[0], net[1])));
        assertEquals(0, a.exitCode(), a.err());
        TestSupport.Run b = TestSupport.cli(TestSupport.trainArgs("--model", "default", "--epochs", "1", "--out", plain.toString(),
                "--chip", CosimTest.serveCommand("--model", "default", net[0], net[1], "--no-frames")));
        assertEquals(0, b.exitCode(), b.err());
        TestSupport.assertSameRun(framed, plain);
        assertEquals("binary frames", JSON.readTree(framed.resolve("run.json").toFile()).at("/protocol/arrays").asText());
        assertEquals("base64 f64", JSON.readTree(plain.resolve("run.json").toFile()).at("/protocol/arrays").asText());
    }
}
