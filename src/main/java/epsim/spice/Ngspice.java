package epsim.spice;

import epsim.common.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs ngspice in batch mode on a netlist and reads back node voltages. */
public final class Ngspice {
    private static final Pattern VALUE = Pattern.compile("^\\s*([A-Za-z0-9_#.]+)\\s*=\\s*([-+0-9.eE]+)\\s*$");
    static final long TIMEOUT_SECONDS = 120;

    private Ngspice() {}

    /** True when an {@code ngspice} executable runs. */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("ngspice", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** The operating point: every node's voltage (lower-case names). */
    public static Map<String, Double> operatingPoint(String netlist) {
        return solve(netlist, TIMEOUT_SECONDS).voltages();
    }

    /**
     * An operating point and whether Newton's method reached it directly. When it did not,
     * ngspice falls back on gmin or source stepping and finally a pseudo-transient, whose end
     * point can be 1e-3 V short of the solution: solve again from there (.nodeset) to polish it.
     */
    public record OperatingPoint(Map<String, Double> voltages, boolean direct) {}

    public static OperatingPoint solve(String netlist, long timeoutSeconds) {
        String out = run(netlist + ".control\nset numdgt=16\nop\nprint all\n.endc\n.end\n", timeoutSeconds);
        boolean direct = !(out.contains("gmin stepping") || out.contains("source stepping") || out.contains("Transient op"));
        Map<String, Double> v = new HashMap<>();
        for (String line : out.split("\n")) {
            Matcher m = VALUE.matcher(line);
            if (m.matches()) v.put(m.group(1).toLowerCase(), Double.parseDouble(m.group(2)));
        }
        if (v.isEmpty()) throw new UserError("ngspice: no operating point in its output: " + tail(out));
        return new OperatingPoint(v, direct);
    }

    /**
     * A transient from the netlist's .ic, sampled every {@code step} up to {@code stop}: rows of
     * (time, then the given nodes in order), interpolated onto the uniform grid by ngspice.
     */
    public static List<double[]> transientRun(String netlist, double step, double stop, List<String> nodes) {
        try {
            Path data = Files.createTempFile("epsim-tran", ".txt");
            try {
                StringBuilder c = new StringBuilder(".control\nset numdgt=16\nset wr_singlescale\n");
                c.append("tran ").append(Netlist.num(step)).append(' ').append(Netlist.num(stop)).append(" uic\nlinearize\nwrdata ").append(data);
                for (String n : nodes) c.append(" v(").append(n).append(')');
                c.append("\n.endc\n.end\n");
                run(netlist + c, TIMEOUT_SECONDS);
                List<double[]> rows = new ArrayList<>();
                for (String line : Files.readAllLines(data)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length < nodes.size() + 1) continue;
                    double[] r = new double[nodes.size() + 1];
                    for (int i = 0; i < r.length; i++) r[i] = Double.parseDouble(f[i]);
                    rows.add(r);
                }
                if (rows.isEmpty()) throw new UserError("ngspice: the transient produced no data");
                return rows;
            } finally {
                Files.deleteIfExists(data);
            }
        } catch (IOException e) {
            throw new UserError("ngspice: " + e.getMessage());
        }
    }

    private static String run(String deck, long timeoutSeconds) {
        Path file = null, errors = null;
        try {
            file = Files.createTempFile("epsim", ".cir");
            Files.writeString(file, deck, StandardCharsets.US_ASCII);
            String keep = System.getenv("EPSIM_SPICE_KEEP"); // a folder: keep every deck there, for debugging a circuit
            if (keep != null) Files.copy(file, Path.of(keep).resolve(file.getFileName()));
            errors = Files.createTempFile("epsim", ".err");
            Process p;
            try {
                // stderr apart: merged, its notes land in the middle of stdout's value lines
                p = new ProcessBuilder("ngspice", "-b", file.toString()).redirectError(errors.toFile()).start();
            } catch (IOException e) {
                throw new UserError("ngspice: not found (install it: apt-get install -y ngspice)");
            }
            Process running = p;
            java.util.concurrent.CompletableFuture<byte[]> out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return running.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new UserError("ngspice: no result within " + timeoutSeconds + " s (a circuit Newton's method cannot solve?)");
            }
            String text = new String(out.join(), StandardCharsets.UTF_8) + "\n" + Files.readString(errors);
            // ngspice -b exits with 1 even after a clean .control run: judge by what it printed
            if (text.lines().anyMatch(l -> l.strip().startsWith("Error") || l.contains("simulation(s) aborted")
                    || l.contains("Timestep too small") || l.contains("iteration limit reached"))) {
                throw new UserError("ngspice failed: " + tail(text));
            }
            return text;
        } catch (IOException e) {
            throw new UserError("ngspice: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("ngspice: interrupted");
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                    if (errors != null) Files.deleteIfExists(errors);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    private static String tail(String text) {
        String[] lines = text.strip().split("\n");
        StringBuilder s = new StringBuilder();
        for (int i = Math.max(0, lines.length - 3); i < lines.length; i++) s.append(lines[i].strip()).append(i + 1 < lines.length ? " | " : "");
        return s.toString();
    }
}
