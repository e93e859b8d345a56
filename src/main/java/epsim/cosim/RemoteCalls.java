package epsim.cosim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.common.UserError;

/**
 * The host's side of the protocol's request and reply: numbered requests, each reply awaited
 * within the timeout, refused when it is too large, not JSON, not an object, an error (unless the
 * op is optional) or of another id, and every round trip timed per op.
 */
final class RemoteCalls {
    private final String spec;
    private final LineChannel channel;
    private final double timeoutSeconds;
    private long nextId = 1;
    /** Per op: calls and nanoseconds of round trip (the request's encoding, the wire, the chip's work and the reply's decoding). */
    private final java.util.Map<String, long[]> roundTrips = new java.util.TreeMap<>();
    // what a reply may hold before its tree is built (a handshake is small; afterwards the chip's sizes bound it)
    private Wire.ShapeLimit replyShape = new Wire.ShapeLimit(100_000, 10_000);
    /** Whether the chip agreed to binary frames in its handshake (docs/cosim-protocol.md, "Binary frames"). */
    private boolean frames;
    /** The binary block of the last reply (null: it had none), which {@link #values} reads frame references from. */
    private byte[] replyBlock;

    RemoteCalls(String spec, LineChannel channel, double timeoutSeconds) {
        this.spec = spec;
        this.channel = channel;
        this.timeoutSeconds = timeoutSeconds;
    }

    double timeoutSeconds() {
        return timeoutSeconds;
    }

    /** Bounds the replies from now on (the chip's sizes, once its handshake gave them). */
    void limitReplies(Wire.ShapeLimit limit) {
        replyShape = limit;
    }

    /** From now on, large arrays travel in binary frames (the chip's handshake agreed). */
    void useFrames() {
        frames = true;
    }

    boolean frames() {
        return frames;
    }

    /** A block for the arrays of one request when frames are in use, else null (they go as base64 f64). */
    Wire.Frames block() {
        return frames ? new Wire.Frames() : null;
    }

    /** How a request's arrays travel: into its block, or as base64 f64 without one (exact either way). */
    static Wire.Encoding encoding(Wire.Frames block) {
        return block == null ? Wire.Encoding.F64 : Wire.Encoding.FRAME;
    }

    /** An array of a request, as {@link #encoding} says. */
    static JsonNode array(double[] values, Wire.Frames block) {
        return Wire.array(values, encoding(block), block);
    }

    /** The encoding the host asks replies' arrays in. */
    String replyEncoding() {
        return frames ? "frame" : "f64";
    }

    /** Per op: calls and seconds of round trip so far. */
    java.util.Map<String, double[]> roundTrips() {
        java.util.Map<String, double[]> out = new java.util.LinkedHashMap<>();
        roundTrips.forEach((op, t) -> out.put(op, new double[] {t[0], t[1] / 1e9}));
        return out;
    }

    UserError fail(String what) {
        return new UserError("--chip " + spec + ": " + what);
    }


    ObjectNode request(String op) {
        ObjectNode o = Wire.NODES.objectNode();
        o.put("id", nextId++);
        o.put("op", op);
        return o;
    }


    /**
     * Sends a request and waits for its reply, both within the timeout: a peer that stops reading
     * (so that the write blocks) is ended when the time is up, as is one that never answers.
     */
    JsonNode call(ObjectNode request) {
        return call(request, timeoutSeconds);
    }


    JsonNode call(ObjectNode request, double seconds) {
        return call(request, seconds, false);
    }


    /** @param refusable an error reply is returned (the op is optional) instead of ending the run */
    JsonNode call(ObjectNode request, double seconds, boolean refusable) {
        return call(request, null, seconds, refusable);
    }

    /** {@link #call(ObjectNode)} of a request whose arrays are in {@code block} (null: none). */
    JsonNode call(ObjectNode request, Wire.Frames block) {
        return call(request, block, timeoutSeconds, false);
    }

    private JsonNode call(ObjectNode request, Wire.Frames block, double seconds, boolean refusable) {
        String op = request.get("op").asText();
        String reply;
        long start = System.nanoTime();
        try {
            MessageReader.Message m = channel.exchange(Wire.message(request, block), seconds);
            reply = m.line();
            replyBlock = m.block();
        } catch (LineChannel.Broken e) {
            throw fail(e.timeout && !e.getMessage().startsWith("the chip was ended") ? "no reply to \"" + op + "\" within " + seconds + " s" : e.getMessage());
        }
        JsonNode r;
        try {
            replyShape.check(reply);
            r = Wire.JSON.readTree(reply);
        } catch (Wire.BadMessage e) {
            throw fail("a reply to \"" + op + "\" is refused: " + e.getMessage());
        } catch (JsonProcessingException e) {
            throw fail("a reply is not JSON: " + Wire.abbreviate(reply));
        }
        if (r == null || !r.isObject()) throw fail("a reply is not a JSON object");
        long[] t = roundTrips.computeIfAbsent(op, k -> new long[2]);
        t[0]++;
        t[1] += System.nanoTime() - start;
        if (!r.has("ok") || !r.get("ok").isBoolean()) throw fail("a reply to \"" + op + "\" has no \"ok\": true or false");
        if (!Wire.ok(r) && !refusable) throw fail(r.path("error").asText("error without a message"));
        if (r.path("id").asLong(-1) != request.get("id").asLong()) throw fail("reply id " + r.path("id") + " does not match request " + request.get("id"));
        return r;
    }


    double[] values(JsonNode r, String field) {
        return decoded(r.get(field), field);
    }

    /** Element {@code i} of the array of arrays {@code list} of the last reply, named {@code field} in errors. */
    double[] values(JsonNode list, int i, String field) {
        return decoded(list.get(i), field);
    }

    /** An array of the last reply, frame references read from its block; a malformed one ends the run in one line. */
    private double[] decoded(JsonNode node, String field) {
        try {
            return Wire.doubles(node, field, replyBlock);
        } catch (Wire.BadMessage e) {
            throw fail("reply " + e.getMessage());
        }
    }

    /** Layer parameters of the last reply ({@code field} of {@code r}), frame references read from its block. */
    epsim.math.LayerParams params(JsonNode node, epsim.math.Topology t, String field) {
        return Wire.params(node, t, field, replyBlock);
    }

    /** Says goodbye (briefly), then ends the connection and the chip's process with every process it started. */
    void close() {
        if (!channel.ended()) {
            try {
                call(request("close"), Math.min(timeoutSeconds, 2));
            } catch (UserError ignored) {
                // closing a peer that already went away is not an error
            }
        }
        channel.close();
    }
}
