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
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * What a run needs to continue bit for bit: the devices and the chip's random streams, the
 * rule's and the data order's random state, where in which epoch it stopped, the epoch's
 * running sums and the finished epochs' rows. Binary, big-endian, written atomically, ending with
 * a CRC-32C of everything before it: a changed or damaged byte is refused, never resumed from.
 * Every field read back is validated as the command line validates it (the device states against
 * the chip, on restore).
 *
 * @param epoch        the epoch in progress or next to run (1-based)
 * @param batchIndex   batches of that epoch already done (0: the epoch has not started)
 * @param dataOrder    data-order stream state at the start of that epoch
 * @param chip         the chip's devices and random streams; null when the chip keeps its own
 *                     state (an external chip that cannot persist: a resume continues on it as it is)
 */
public record Checkpoint(int epoch, int batchIndex, long[] dataOrder, long[] ruleRandom, PersistedChip chip,
                         RunningSums sums, List<EpochRow> history) {
    private static final long MAGIC = 0x455053494D434B35L; // "EPSIMCK5": CK4 with the chip's transfer schedule after its devices
    private static final long CK4 = 0x455053494D434B34L; // "EPSIMCK4": CK3 with a trailing CRC-32C (still read: no transfer schedule)
    private static final long UNCHECKED = 0x455053494D434B33L; // "EPSIMCK3": the same content without the checksum (still read)
    private static final long OLDER = 0x455053494D434B32L; // "EPSIMCK2": random streams before the ziggurat Gaussian
    public static final String FILE = "checkpoint.bin";

    /** Sums over the batches of the epoch in progress. */
    public record RunningSums(double loss, long correct, long freeSteps, long batches, long seen, double seconds) {
        public static final RunningSums ZERO = new RunningSums(0, 0, 0, 0, 0, 0);
    }

    public void write(Path dir) {
        AtomicFiles.write(dir.resolve(FILE), tmp -> {
            CRC32C crc = new CRC32C();
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                 DataOutputStream out = new DataOutputStream(new CheckedOutputStream(file, crc))) {
                out.writeLong(MAGIC);
                out.writeInt(epoch);
                out.writeInt(batchIndex);
                longs(out, dataOrder);
                longs(out, ruleRandom);
                if (chip == null) { // the chip keeps its own state: empty streams and no devices say so
                    longs(out, new long[0]);
                    longs(out, new long[0]);
                    out.writeDouble(0);
                    out.writeInt(0);
                } else {
                    longs(out, chip.noiseState());
                    longs(out, chip.writeState());
                    out.writeDouble(chip.time());
                    out.writeInt(chip.devices().length);
                    for (double[][] device : chip.devices()) {
                        out.writeInt(device.length);
                        for (double[] a : device) doubles(out, a);
                    }
                }
                long[] schedule = chip == null ? new long[0] : chip.transferSchedule();
                out.writeInt(schedule.length);
                for (long t : schedule) out.writeLong(t);
                out.writeDouble(sums.loss());
                out.writeLong(sums.correct());
                out.writeLong(sums.freeSteps());
                out.writeLong(sums.batches());
                out.writeLong(sums.seen());
                out.writeDouble(sums.seconds());
                out.writeInt(history.size());
                for (EpochRow r : history) doubles(out, r.values());
                out.flush();
                new DataOutputStream(file).writeInt((int) crc.getValue());
            }
        });
    }

    public static Checkpoint read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) throw new UserError(file + ": no checkpoint to resume from");
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read checkpoint (" + e.getMessage() + ")");
        }
        CRC32C crc = new CRC32C();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc))) {
            Reader r = new Reader(in, size, file);
            long magic = in.readLong();
            if (magic == OLDER) throw new UserError(file + ": checkpoint from an older epsim whose random streams differ; start the run again");
            if (magic != MAGIC && magic != CK4 && magic != UNCHECKED) throw new UserError(file + ": not an epsim checkpoint");
            int epoch = in.readInt(), batchIndex = in.readInt();
            long[] data = r.longs(), rule = r.longs(), noise = r.longs(), writes = r.longs();
            boolean chipless = noise.length == 0 && writes.length == 0; // the chip kept its own state
            for (long[] stream : chipless ? new long[][] {data} : new long[][] {data, noise, writes}) {
                if (stream.length != 4) throw r.corrupt("random state");
            }
            if (rule.length != 0 && rule.length != 4) throw r.corrupt("rule's random state");
            double time = in.readDouble();
            int arrays = r.count(12);
            if (chipless && (arrays != 0 || time != 0)) throw r.corrupt("chip state");
            if (!chipless && arrays == 0) throw r.corrupt("device state");
            double[][][] devices = new double[arrays][][];
            for (int i = 0; i < arrays; i++) {
                int parts = in.readInt();
                if (parts < 1 || parts > 3) throw r.corrupt("device state");
                devices[i] = new double[parts][];
                for (int j = 0; j < parts; j++) devices[i][j] = r.doubles();
            }
            long[] schedule = new long[magic == MAGIC ? r.count(8) : 0];
            for (int i = 0; i < schedule.length; i++) schedule[i] = in.readLong();
            if (chipless && schedule.length != 0) throw r.corrupt("transfer schedule");
            RunningSums sums = new RunningSums(in.readDouble(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readDouble());
            int rows = r.count(60);
            List<EpochRow> history = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                double[] row = r.doubles();
                if (!EpochRow.validLength(row.length)) throw r.corrupt("history row " + (i + 1));
                history.add(EpochRow.of(row));
            }
            if (magic != UNCHECKED) {
                int computed = (int) crc.getValue();
                int stored = new DataInputStream(raw).readInt();
                if (stored != computed) throw new UserError(file + ": damaged checkpoint (its checksum does not match its content)");
            }
            if (raw.read() != -1) throw r.corrupt("trailing bytes");
            Checkpoint cp = new Checkpoint(epoch, batchIndex, data, rule, chipless ? null : new PersistedChip(devices, noise, writes, time, schedule), sums,
                    history);
            cp.validate(file);
            return cp;
        } catch (EOFException e) {
            throw new UserError(file + ": truncated checkpoint");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read checkpoint (" + e.getMessage() + ")");
        }
    }

    /** Refuses values no run can have written: they would otherwise be copied into metrics.csv. */
    private void validate(Path file) {
        String bad = null;
        if (epoch < 1) bad = "epoch " + epoch;
        else if (batchIndex < 0) bad = "batch index " + batchIndex;
        else if (history.size() != epoch - 1) bad = history.size() + " finished epochs before epoch " + epoch;
        else if (!EpochRow.lossValue(sums.loss()) || sums.correct() < 0 || sums.freeSteps() < 0 || sums.batches() < 0
                || sums.seen() < sums.correct() || sums.batches() != batchIndex || !(sums.seconds() >= 0) || !Double.isFinite(sums.seconds())) {
            bad = "running sums";
        } else if (chip != null && (!Double.isFinite(chip.time()) || chip.time() < 0)) {
            bad = "chip time " + chip.time();
        }
        for (int i = 0; bad == null && i < history.size(); i++) {
            if (!history.get(i).plausible(i + 1)) bad = "history row " + (i + 1);
        }
        if (bad != null) throw new UserError(file + ": corrupt checkpoint (" + bad + ")");
    }

    /** Reads lengths no larger than what the rest of the file can hold, so a damaged length never allocates gigabytes. */
    private static final class Reader {
        final DataInputStream in;
        final long size;
        final Path file;

        Reader(DataInputStream in, long size, Path file) {
            this.in = in;
            this.size = size;
            this.file = file;
        }

        UserError corrupt(String what) {
            return new UserError(file + ": corrupt checkpoint (" + what + ")");
        }

        /** A count of items each taking at least {@code bytesEach} bytes of the file. */
        int count(int bytesEach) throws IOException {
            int n = in.readInt();
            if (n < 0 || (long) n * bytesEach > size) throw corrupt("a count of " + n);
            return n;
        }

        long[] longs() throws IOException {
            int n = in.readInt();
            if (n < 0 || n > 64) throw corrupt("random state");
            long[] a = new long[n];
            for (int i = 0; i < n; i++) a[i] = in.readLong();
            return a;
        }

        double[] doubles() throws IOException {
            int n = count(8);
            double[] a = new double[n];
            for (int i = 0; i < n; i++) a[i] = in.readDouble();
            return a;
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
}
