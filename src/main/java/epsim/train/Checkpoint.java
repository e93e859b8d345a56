package epsim.train;

import epsim.chip.PersistedChip;
import epsim.common.AtomicFiles;
import epsim.common.UserError;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run needs to continue bit for bit: the devices and the chip's random streams, the
 * rule's and the data order's random state, where in which epoch it stopped, the epoch's
 * running sums and the finished epochs' rows. Binary, big-endian, written atomically.
 *
 * @param epoch        the epoch in progress or next to run (1-based)
 * @param batchIndex   batches of that epoch already done (0: the epoch has not started)
 * @param dataOrder    data-order stream state at the start of that epoch
 */
public record Checkpoint(int epoch, int batchIndex, long[] dataOrder, long[] ruleRandom, PersistedChip chip,
                         RunningSums sums, List<EpochRow> history) {
    private static final long MAGIC = 0x455053494D434B33L; // "EPSIMCK3"
    private static final long OLDER = 0x455053494D434B32L; // "EPSIMCK2": random streams before the ziggurat Gaussian
    public static final String FILE = "checkpoint.bin";

    /** Sums over the batches of the epoch in progress. */
    public record RunningSums(double loss, long correct, long freeSteps, long batches, long seen, double seconds) {
        public static final RunningSums ZERO = new RunningSums(0, 0, 0, 0, 0, 0);
    }

    public void write(Path dir) {
        AtomicFiles.write(dir.resolve(FILE), tmp -> {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                out.writeLong(MAGIC);
                out.writeInt(epoch);
                out.writeInt(batchIndex);
                longs(out, dataOrder);
                longs(out, ruleRandom);
                longs(out, chip.noiseState());
                longs(out, chip.writeState());
                out.writeDouble(chip.time());
                out.writeInt(chip.devices().length);
                for (double[][] device : chip.devices()) {
                    out.writeInt(device.length);
                    for (double[] a : device) doubles(out, a);
                }
                out.writeDouble(sums.loss());
                out.writeLong(sums.correct());
                out.writeLong(sums.freeSteps());
                out.writeLong(sums.batches());
                out.writeLong(sums.seen());
                out.writeDouble(sums.seconds());
                out.writeInt(history.size());
                for (EpochRow r : history) doubles(out, r.values());
            }
        });
    }

    public static Checkpoint read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) throw new UserError(file + ": no checkpoint to resume from");
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            long magic = in.readLong();
            if (magic == OLDER) throw new UserError(file + ": checkpoint from an older epsim whose random streams differ; start the run again");
            if (magic != MAGIC) throw new UserError(file + ": not an epsim checkpoint");
            int epoch = in.readInt(), batchIndex = in.readInt();
            long[] data = longs(in), rule = longs(in), noise = longs(in), writes = longs(in);
            for (long[] stream : new long[][] {data, noise, writes}) {
                if (stream.length != 4) throw new UserError(file + ": corrupt checkpoint (random state)");
            }
            if (rule.length != 0 && rule.length != 4) throw new UserError(file + ": corrupt checkpoint (rule's random state)");
            double time = in.readDouble();
            int arrays = in.readInt();
            if (arrays < 0 || arrays > 10_000) throw new UserError(file + ": corrupt checkpoint (device array count)");
            double[][][] devices = new double[arrays][][];
            for (int i = 0; i < arrays; i++) {
                int parts = in.readInt();
                if (parts < 1 || parts > 2) throw new UserError(file + ": corrupt checkpoint (device state)");
                devices[i] = new double[parts][];
                for (int j = 0; j < parts; j++) devices[i][j] = doubles(in);
            }
            RunningSums sums = new RunningSums(in.readDouble(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readDouble());
            int rows = in.readInt();
            if (rows < 0 || rows > 1_000_000) throw new UserError(file + ": corrupt checkpoint (history)");
            List<EpochRow> history = new ArrayList<>();
            for (int i = 0; i < rows; i++) history.add(EpochRow.of(doubles(in)));
            if (in.read() != -1) throw new UserError(file + ": corrupt checkpoint (trailing bytes)");
            return new Checkpoint(epoch, batchIndex, data, rule, new PersistedChip(devices, noise, writes, time), sums, history);
        } catch (EOFException e) {
            throw new UserError(file + ": truncated checkpoint");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read checkpoint (" + e.getMessage() + ")");
        }
    }

    private static void longs(DataOutputStream out, long[] a) throws IOException {
        out.writeInt(a.length);
        for (long v : a) out.writeLong(v);
    }

    private static void doubles(DataOutputStream out, double[] a) throws IOException {
        out.writeInt(a.length);
        for (double v : a) out.writeDouble(v);
    }

    private static long[] longs(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 64) throw new IOException("corrupt random state");
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = in.readLong();
        return a;
    }

    private static double[] doubles(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 200_000_000) throw new IOException("corrupt array length " + n);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = in.readDouble();
        return a;
    }
}
