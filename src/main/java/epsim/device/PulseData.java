package epsim.device;

import epsim.common.UserError;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measured (or simulated) pulse data: conductance read after every identical programming pulse,
 * ramp by ramp (docs/hardware-models.md). The file is data, not trusted: every row is checked and a
 * bad one is a one-line error naming the file and the line.
 *
 * <p>The layout is `epsim devices pulse`'s pulses.csv: a header {@code device,ramp,pulse,polarity,
 * conductance_uS}, then one row per read; within a device's ramp the rows run in pulse order, pulse
 * 0 being the read before the ramp's first pulse and each later row's polarity that of the pulse
 * just applied (up or down).
 */
public final class PulseData {
    private PulseData() {}

    /** One pulse's step on one device, µS. */
    public record Step(int device, boolean up, double before, double after) {
        public double size() {
            return up ? after - before : before - after;
        }
    }

    /** The most rows a file may hold: bounds the memory and the fit's time. */
    static final int MAX_ROWS = 5_000_000;

    /** The steps of {@code file}, in file order per ramp. */
    public static List<Step> read(Path file) {
        String where = file.toString();
        if (!Files.isRegularFile(file)) throw new UserError(where + ": not a file");
        Map<String, double[]> last = new LinkedHashMap<>(); // per device and ramp: {pulse, conductance}
        List<Step> steps = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null || !header.strip().equals("device,ramp,pulse,polarity,conductance_uS")) {
                throw new UserError(where + ": line 1: expected the header device,ramp,pulse,polarity,conductance_uS (the layout of 'epsim devices pulse')");
            }
            String line;
            int number = 1;
            while ((line = in.readLine()) != null) {
                number++;
                if (number > MAX_ROWS) throw new UserError(where + ": more than " + MAX_ROWS + " rows");
                if (line.isBlank()) continue;
                String[] f = line.split(",", -1);
                if (f.length != 5) throw new UserError(where + ": line " + number + ": expected 5 comma-separated fields, got " + f.length);
                int device = integer(f[0], where, number, "device"), ramp = integer(f[1], where, number, "ramp"), pulse = integer(f[2], where, number, "pulse");
                String polarity = f[3].strip();
                if (!polarity.equals("up") && !polarity.equals("down")) throw new UserError(where + ": line " + number + ": polarity: expected up or down");
                double g;
                try {
                    g = Double.parseDouble(f[4].strip());
                } catch (NumberFormatException e) {
                    throw new UserError(where + ": line " + number + ": conductance_uS: not a number");
                }
                if (!Double.isFinite(g) || g < 0 || g > 1e6) throw new UserError(where + ": line " + number + ": conductance_uS: expected a finite number in [0, 1e6] µS");
                String key = device + "/" + ramp;
                double[] previous = last.get(key);
                if (previous == null) {
                    if (pulse != 0) throw new UserError(where + ": line " + number + ": device " + device + " ramp " + ramp + " starts at pulse " + pulse + ", expected 0 (the read before its first pulse)");
                } else {
                    if (pulse != (int) previous[0] + 1) throw new UserError(where + ": line " + number + ": device " + device + " ramp " + ramp + ": pulse " + pulse + " after pulse " + (int) previous[0]);
                    steps.add(new Step(device, polarity.equals("up"), previous[1], g));
                }
                last.put(key, new double[] {pulse, g});
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserError(where + ": cannot read (" + e.getMessage() + ")");
        }
        if (steps.isEmpty()) throw new UserError(where + ": no pulses (every ramp needs its read before the first pulse and at least one more)");
        return steps;
    }

    /** The most columns (ramps) a wide file may hold. */
    static final int MAX_COLUMNS = 10_000;

    /**
     * The steps of a pair of wide files, the layout measurement scripts write (and CrossSim's
     * lookup-table example uses): a header row naming the ramps, then one row per pulse, each column
     * one ramp of one device read after every pulse, {@code upFile} the ramps of identical up pulses
     * and {@code downFile} those of down pulses. Empty cells (a ramp shorter than the others) and
     * zeros are skipped. Values are conductances in siemens ({@code readVolts} 0) or currents in
     * amperes at the read voltage {@code readVolts}; every ramp is taken to come from one device.
     */
    public static List<Step> readWide(Path upFile, Path downFile, double readVolts) {
        if (!(readVolts >= 0) || !Double.isFinite(readVolts) || readVolts > 1e3) throw new UserError("read voltage " + readVolts + ": expected 0 (values in siemens) or a voltage in (0, 1000] V");
        List<Step> steps = new ArrayList<>();
        for (Path file : new Path[] {upFile, downFile}) {
            boolean up = file == upFile;
            String where = file.toString();
            if (!Files.isRegularFile(file)) throw new UserError(where + ": not a file");
            List<List<Double>> ramps = new ArrayList<>();
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String header = in.readLine();
                if (header == null) throw new UserError(where + ": empty file");
                int columns = header.split(",", -1).length;
                if (columns > MAX_COLUMNS) throw new UserError(where + ": line 1: " + columns + " columns; at most " + MAX_COLUMNS + " ramps");
                for (int c = 0; c < columns; c++) ramps.add(new ArrayList<>());
                String line;
                int number = 1;
                while ((line = in.readLine()) != null) {
                    number++;
                    if ((long) number * columns > MAX_ROWS) throw new UserError(where + ": more than " + MAX_ROWS + " values");
                    if (line.isBlank()) continue;
                    String[] f = line.split(",", -1);
                    if (f.length > columns) throw new UserError(where + ": line " + number + ": " + f.length + " fields, the header names " + columns + " ramps");
                    for (int c = 0; c < f.length; c++) {
                        String cell = f[c].strip();
                        if (cell.isEmpty()) continue;
                        double v;
                        try {
                            v = Double.parseDouble(cell);
                        } catch (NumberFormatException e) {
                            throw new UserError(where + ": line " + number + ", column " + (c + 1) + ": not a number");
                        }
                        double micro = (readVolts > 0 ? v / readVolts : v) * 1e6;
                        if (!Double.isFinite(micro) || micro < 0 || micro > 1e6) {
                            throw new UserError(where + ": line " + number + ", column " + (c + 1) + ": " + cell + " is not a conductance in [0, 1 S]"
                                    + (readVolts > 0 ? " at " + readVolts + " V" : ""));
                        }
                        if (micro > 0) ramps.get(c).add(micro);
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new UserError(where + ": cannot read (" + e.getMessage() + ")");
            }
            for (List<Double> ramp : ramps) {
                for (int k = 1; k < ramp.size(); k++) steps.add(new Step(0, up, ramp.get(k - 1), ramp.get(k)));
            }
        }
        if (steps.isEmpty()) throw new UserError(upFile + ", " + downFile + ": no pulses (every ramp needs two reads or more)");
        return steps;
    }

    private static int integer(String text, String where, int line, String field) {
        try {
            int v = Integer.parseInt(text.strip());
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new UserError(where + ": line " + line + ": " + field + ": expected an integer >= 0");
        }
    }
}
