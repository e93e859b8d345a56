package epsim.data;

import epsim.common.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A gzip stream (RFC 1952) read strictly: one or more members, each with its CRC-32 and length
 * checked, and nothing else. Java's GZIPInputStream stops quietly at bytes after a member that do
 * not start another one, so a file with garbage appended was taken as a whole dataset; here such
 * bytes are an error naming the file.
 */
final class StrictGzip extends InputStream {
    private static final int FTEXT = 1, FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16;

    private final InputStream raw;
    private final String name;
    private final byte[] in = new byte[1 << 16];
    private int inStart, inEnd;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private long memberBytes;
    private boolean done;

    StrictGzip(InputStream raw, String name) throws IOException {
        this.raw = raw;
        this.name = name;
        header();
    }

    private int nextByte() throws IOException {
        if (inStart == inEnd) {
            inEnd = raw.read(in, 0, in.length);
            inStart = 0;
            if (inEnd <= 0) {
                inEnd = 0;
                return -1;
            }
        }
        return in[inStart++] & 0xff;
    }

    private int required() throws IOException {
        int b = nextByte();
        if (b < 0) throw new UserError(name + ": truncated gzip data");
        return b;
    }

    private void header() throws IOException {
        if (required() != 0x1f || required() != 0x8b) throw new UserError(name + ": not gzip data (bad magic)");
        if (required() != 8) throw new UserError(name + ": corrupt gzip data (unknown compression method)");
        int flags = required();
        if ((flags & ~(FTEXT | FHCRC | FEXTRA | FNAME | FCOMMENT)) != 0) throw new UserError(name + ": corrupt gzip data (reserved flags set)");
        for (int i = 0; i < 6; i++) required(); // time, extra flags, operating system
        if ((flags & FEXTRA) != 0) {
            int length = required() | required() << 8;
            for (int i = 0; i < length; i++) required();
        }
        if ((flags & FNAME) != 0) while (required() != 0) { /* the original file name */ }
        if ((flags & FCOMMENT) != 0) while (required() != 0) { /* a comment */ }
        if ((flags & FHCRC) != 0) {
            required();
            required();
        }
        inflater.reset();
        crc.reset();
        memberBytes = 0;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (!done) {
            try {
                int n = inflater.inflate(b, off, len);
                if (n > 0) {
                    crc.update(b, off, n);
                    memberBytes += n;
                    return n;
                }
            } catch (DataFormatException e) {
                throw new UserError(name + ": corrupt gzip data (" + e.getMessage() + ")");
            }
            if (inflater.finished()) {
                inStart = inEnd - inflater.getRemaining();
                trailer();
            } else if (inflater.needsInput()) {
                if (inStart == inEnd) {
                    inEnd = raw.read(in, 0, in.length);
                    inStart = 0;
                    if (inEnd <= 0) throw new UserError(name + ": truncated gzip data");
                }
                inflater.setInput(in, inStart, inEnd - inStart);
                inStart = inEnd;
            } else if (inflater.needsDictionary()) {
                throw new UserError(name + ": corrupt gzip data (a preset dictionary)");
            }
        }
        return -1;
    }

    /** The member's CRC-32 and length; then the end of the file, or another member and nothing else. */
    private void trailer() throws IOException {
        long storedCrc = 0, storedLength = 0;
        for (int i = 0; i < 4; i++) storedCrc |= (long) required() << (8 * i);
        for (int i = 0; i < 4; i++) storedLength |= (long) required() << (8 * i);
        if (storedCrc != crc.getValue() || storedLength != (memberBytes & 0xffffffffL)) {
            throw new UserError(name + ": corrupt gzip data (CRC or length of a member does not match its content)");
        }
        int next = nextByte();
        if (next < 0) {
            done = true;
            return;
        }
        if (next != 0x1f) throw new UserError(name + ": trailing bytes after the gzip data (not another gzip member)");
        inStart--; // the header reads the magic again
        header();
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        raw.close();
    }
}
