package epsim.cosim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads protocol messages from a stream: a JSON line, and, when the line begins with
 * {@code {"frames":N}, the N bytes of binary block that follow its newline (docs/cosim-protocol.md,
 * "Binary frames"). A line or a block longer than {@code maxBytes} is not kept: a long line is
 * skipped to its newline and reported, a block's declared size over the limit ends the stream (its
 * bytes cannot be skipped safely), so that no peer can make the reader hold more than the limit.
 * A long line is reported as soon as it passes the limit, or (for a server, which answers and goes
 * on) read to its newline and skipped.
 */
final class MessageReader {
    /** One message: its JSON text and its binary block (null without one). */
    record Message(String line, byte[] block) {}

    /** What {@link #next} reports instead of a message. */
    enum Trouble { END, LINE_TOO_LONG, BLOCK_TOO_LONG, BAD_FRAMES }

    static final String FRAMES_PREFIX = "{\"frames\":";

    private final InputStream in;
    private final int maxBytes;
    /** Whether a long line is read to its newline and skipped (a server answers it and goes on) or reported at once (a host ends). */
    private final boolean skipLongLines;
    private final byte[] buf = new byte[1 << 16];
    private int start, end;
    private Trouble trouble;

    MessageReader(InputStream in, int maxBytes, boolean skipLongLines) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.skipLongLines = skipLongLines;
    }

    /** Why the last {@link #next} returned null. */
    Trouble trouble() {
        return trouble;
    }

    /**
     * The next message, or null with {@link #trouble} set: END at the end of the stream,
     * LINE_TOO_LONG for a line over the limit (skipped; reading may go on), BLOCK_TOO_LONG or
     * BAD_FRAMES for a frames header that is over the limit or not a whole number (reading cannot go on).
     */
    Message next() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean oversized = false;
        while (true) {
            if (start == end && !fill()) {
                trouble = Trouble.END;
                return null;
            }
            int nl = -1;
            for (int i = start; i < end; i++) {
                if (buf[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int stop = nl < 0 ? end : nl;
            if (!oversized) {
                line.write(buf, start, stop - start);
                if (line.size() > maxBytes) {
                    oversized = true;
                    line.reset();
                    if (!skipLongLines) {
                        trouble = Trouble.LINE_TOO_LONG;
                        return null;
                    }
                }
            }
            start = nl < 0 ? end : nl + 1;
            if (nl < 0) continue;
            if (oversized) {
                trouble = Trouble.LINE_TOO_LONG;
                return null;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            if (!text.startsWith(FRAMES_PREFIX)) return new Message(text, null);
            long size = declaredSize(text);
            if (size < 0) {
                trouble = Trouble.BAD_FRAMES;
                return null;
            }
            if (size > maxBytes) {
                trouble = Trouble.BLOCK_TOO_LONG;
                return null;
            }
            byte[] block = new byte[(int) size];
            int have = 0;
            while (have < block.length) {
                if (start == end && !fill()) {
                    trouble = Trouble.END;
                    return null;
                }
                int n = Math.min(block.length - have, end - start);
                System.arraycopy(buf, start, block, have, n);
                have += n;
                start += n;
            }
            return new Message(text, block);
        }
    }

    /** N of a line that begins {"frames":N followed by ',' or '}', or -1 when N is not a whole number of at most 12 digits. */
    static long declaredSize(String text) {
        int i = FRAMES_PREFIX.length(), j = i;
        while (j < text.length() && j - i <= 12 && Character.isDigit(text.charAt(j))) j++;
        if (j == i || j - i > 12 || j >= text.length() || (text.charAt(j) != ',' && text.charAt(j) != '}')) return -1;
        return Long.parseLong(text.substring(i, j));
    }

    private boolean fill() throws IOException {
        int n = in.read(buf);
        if (n < 0) return false;
        start = 0;
        end = n;
        return true;
    }
}
