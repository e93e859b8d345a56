package epsim.common;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes NumPy .npy files (format 1.0): little-endian float64 or int64, C order. Plain enough that
 * anyone can check epsim's numbers with numpy.load, or parse them by hand.
 */
public final class Npy {
    private Npy() {}

    public static void writeDoubles(Path file, double[] data, int... shape) {
        checkShape(data.length, shape);
        ByteBuffer buf = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : data) buf.putDouble(v);
        write(file, "<f8", shape, buf.array());
    }

    public static void writeLongs(Path file, long[] data, int... shape) {
        checkShape(data.length, shape);
        ByteBuffer buf = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : data) buf.putLong(v);
        write(file, "<i8", shape, buf.array());
    }

    private static void checkShape(int length, int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        if (n != length) throw new IllegalArgumentException("shape does not match " + length + " values");
    }

    private static void write(Path file, String dtype, int[] shape, byte[] payload) {
        StringBuilder dims = new StringBuilder();
        for (int s : shape) dims.append(s).append(", ");
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, dims.length() - 2) + ")";
        String header = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64; // the data starts 64-byte aligned, as the format asks
        header = header + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x93);
        out.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
        out.write(1);
        out.write(0);
        int len = header.length();
        out.write(len & 0xff);
        out.write((len >> 8) & 0xff);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        AtomicFiles.write(file, tmp -> Files.write(tmp, out.toByteArray()));
    }
}
