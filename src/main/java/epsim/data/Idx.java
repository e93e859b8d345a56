package epsim.data;

import epsim.common.MemoryBudget;
import epsim.common.UserError;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipException;

/**
 * IDX files (the MNIST format), raw or gzip-compressed: big-endian magic 0x00000803 for
 * unsigned-byte images (count, rows, cols) and 0x00000801 for labels (count). Magic numbers,
 * dimensions and lengths are checked; a corrupt or truncated file is a one-line error.
 */
public final class Idx {
    private Idx() {}

    public interface Source {
        InputStream open() throws IOException;
    }

    static InputStream decompressed(Source source, String name) throws IOException {
        InputStream raw = new BufferedInputStream(source.open());
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) return new BufferedInputStream(new StrictGzip(raw, name), 1 << 16);
        return raw;
    }

    /** Reads an image file into pixels in [0, 1]; returns {count, rows, cols} via the record. */
    public static Images readImages(Source source, String name) {
        try (DataInputStream in = new DataInputStream(decompressed(source, name))) {
            int magic = header(in, name);
            if (magic != 0x00000803) {
                throw new UserError(name + ": not an IDX image file (magic 0x" + Integer.toHexString(magic)
                        + ", expected 0x803 for unsigned-byte images with 3 dimensions)");
            }
            int count = in.readInt(), rows = in.readInt(), cols = in.readInt();
            if (count <= 0 || rows <= 0 || cols <= 0 || (long) rows * cols > 1 << 24 || (long) count * rows * cols > Integer.MAX_VALUE) {
                throw new UserError(name + ": implausible IDX dimensions " + count + " x " + rows + " x " + cols);
            }
            int pixels = rows * cols;
            // the images become doubles (8 bytes a pixel); checked before reading, and read as they
            // come, so a header that claims more than the file holds costs nothing
            MemoryBudget.require(9.0 * count * pixels, name + ": " + count + " images of " + rows + " x " + cols);
            byte[] bytes = readExactly(in, count * pixels, name, "image data of " + count + " x " + rows + " x " + cols);
            if (in.read() != -1) throw new UserError(name + ": trailing bytes after " + count + " images");
            double[] images = new double[bytes.length];
            for (int i = 0; i < bytes.length; i++) images[i] = (bytes[i] & 0xff) / 255.0;
            return new Images(count, rows, cols, images);
        } catch (IOException e) {
            throw ioError(name, e);
        }
    }

    public static int[] readLabels(Source source, String name) {
        try (DataInputStream in = new DataInputStream(decompressed(source, name))) {
            int magic = header(in, name);
            if (magic != 0x00000801) {
                throw new UserError(name + ": not an IDX label file (magic 0x" + Integer.toHexString(magic)
                        + ", expected 0x801 for unsigned-byte labels)");
            }
            int count = in.readInt();
            if (count <= 0) throw new UserError(name + ": implausible label count " + count);
            byte[] bytes = readExactly(in, count, name, count + " labels");
            if (in.read() != -1) throw new UserError(name + ": trailing bytes after " + count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) labels[i] = bytes[i] & 0xff;
            return labels;
        } catch (IOException e) {
            throw ioError(name, e);
        }
    }

    public record Images(int count, int rows, int cols, double[] pixels) {}

    private static int header(DataInputStream in, String name) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new UserError(name + ": empty or truncated IDX file (no header)");
        }
    }

    /** Exactly {@code length} bytes, gathered as they arrive (no allocation of what the header only claims). */
    private static byte[] readExactly(DataInputStream in, int length, String name, String what) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) throw new UserError(name + ": truncated IDX file (" + what + " need " + length + " bytes, found " + bytes.length + ")");
        return bytes;
    }

    private static UserError ioError(String name, IOException e) {
        if (e instanceof EOFException) return new UserError(name + ": truncated IDX file (header cut short)");
        if (e instanceof ZipException) return new UserError(name + ": corrupt gzip data (" + e.getMessage() + ")");
        if (e instanceof java.nio.file.NoSuchFileException) return new UserError(name + ": no such file");
        return new UserError(name + ": cannot read (" + e.getMessage() + ")");
    }
}
