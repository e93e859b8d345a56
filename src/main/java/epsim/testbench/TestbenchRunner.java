package epsim.testbench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.common.AtomicFiles;
import epsim.common.JsonFields;
import epsim.common.UserError;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Finds testbench files, parses them all (so a bad file fails before any work), runs them. */
public final class TestbenchRunner {
    /** Writes the report; reading goes through {@link JsonFields#readFile}. */
    static final ObjectMapper JSON = new ObjectMapper();

    private TestbenchRunner() {}

    /** Expands directories into their *.json files (sorted); a missing path is a one-line error. */
    public static List<Path> collect(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UserError(p + ": cannot list testbench directory (" + e.getMessage() + ")");
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new UserError(p + ": no such testbench file or directory");
            }
        }
        if (files.isEmpty()) throw new UserError(paths + ": no testbench files (*.json) found");
        return files;
    }

    public static Testbench load(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        JsonNode root = JsonFields.readFile(file, file.toString());
        return Testbench.parse(root, file.toString(), name);
    }

    public static List<Row> run(Testbench tb) {
        return tb.check().run(tb);
    }

    public static String format(Row r) {
        return String.format(Locale.ROOT, "%-4s  %-28s  %-88s  %12s  %s",
                r.verdict(), r.testbench(), r.check(), String.format(Locale.ROOT, "%.6g", r.measured()), r.bound());
    }

    /** Runs every file, printing rows as they come; returns all rows. */
    public static List<Row> runAll(List<Path> files, PrintStream out) {
        List<Testbench> benches = new ArrayList<>();
        for (Path f : files) benches.add(load(f));
        List<Row> rows = new ArrayList<>();
        out.println(String.format(Locale.ROOT, "%-4s  %-28s  %-88s  %12s  %s", "", "testbench", "check", "measured", "bound"));
        for (Testbench tb : benches) {
            for (Row r : run(tb)) {
                rows.add(r);
                out.println(format(r));
            }
        }
        return rows;
    }

    public static void writeReport(Path target, List<Row> rows) {
        ObjectNode root = JSON.createObjectNode();
        long failed = rows.stream().filter(r -> r.verdict() == Row.Verdict.FAIL).count();
        root.put("passed", failed == 0);
        ArrayNode arr = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode o = arr.addObject();
            o.put("testbench", r.testbench());
            o.put("check", r.check());
            o.put("measured", r.measured());
            if (r.bound().min() != null) o.put("min", r.bound().min());
            if (r.bound().max() != null) o.put("max", r.bound().max());
            o.put("verdict", r.verdict().name());
        }
        try {
            AtomicFiles.writeString(target, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
