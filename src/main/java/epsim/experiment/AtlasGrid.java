package epsim.experiment;

import epsim.common.AtomicFiles;
import epsim.common.UserError;
import org.apache.commons.math3.stat.StatUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The atlas's second edition (docs/atlas.md, scripts/atlas2.sh): per rule one sweep over a grid
 * (e.g. levels x asymmetry x update mode) and seeds, read from {@code DIR/RULE/sweep.csv}. The
 * last varied key before the seed is the table's columns (the update mode); the other keys make its
 * rows. Every cell is the mean and sample deviation over the seeds; every comparison is paired by
 * seed ({@link PairedDifference}): each column against the one before it, and each row's values of
 * the key varied last among the rows (the asymmetry) against its first value, column by column.
 */
public final class AtlasGrid {
    /** Larger than any sweep.csv of a grid epsim runs (a few thousand points of a few hundred bytes). */
    static final long MAX_BYTES = 64L << 20;

    /** One rule's grid: rows (values of the row keys), columns, and per row, column and seed the test accuracy (NaN: failed or missing). */
    public record Grid(String rule, List<String> rowKeys, List<List<String>> rows, String columnKey, List<String> columns, List<String> seeds,
                       double[][][] accuracy) {
        double[] seedsOf(int row, int column) {
            return accuracy[row][column];
        }
    }

    private AtlasGrid() {}

    /** Reads {@code dir/RULE/sweep.csv} for every rule given (every subfolder holding one, by name, when none is). */
    public static List<Grid> read(Path dir, List<String> rules) {
        if (!Files.isDirectory(dir)) throw new UserError("atlas: " + dir + ": not a folder");
        List<String> names = !rules.isEmpty() ? rules
                : Atlas.subfolders(dir).stream().filter(r -> Files.isRegularFile(dir.resolve(r).resolve("sweep.csv"))).toList();
        if (names.isEmpty()) throw new UserError("atlas: " + dir + ": no RULE/sweep.csv inside");
        List<Grid> out = new ArrayList<>();
        for (String r : names) out.add(readOne(r, dir.resolve(r).resolve("sweep.csv")));
        return out;
    }

    static Grid readOne(String rule, Path file) {
        List<String> lines = Atlas.tableLines(file, MAX_BYTES, "sweep table");
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        int seedAt = header.indexOf("seed"), accAt = header.indexOf("test_accuracy");
        if (header.isEmpty() || !header.get(0).equals("index") || seedAt < 3 || accAt != seedAt + 1) {
            throw new UserError("atlas: " + file + ":1: expected a sweep table varying at least two keys and the seed (index,KEY,...,KEY,seed,test_accuracy,...)");
        }
        List<String> rowKeys = header.subList(1, seedAt - 1);
        String columnKey = header.get(seedAt - 1);
        Map<List<String>, Integer> rowIndex = new LinkedHashMap<>();
        List<String> columns = new ArrayList<>(), seeds = new ArrayList<>();
        record Point(List<String> row, String column, String seed, double accuracy) {}
        List<Point> points = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isEmpty()) continue;
            String[] cells = lines.get(i).split(",", header.size()); // the last field, the error, may hold commas (quoted)
            if (cells.length != header.size()) throw new UserError("atlas: " + file + ":" + (i + 1) + ": " + cells.length + " cells, the header has " + header.size());
            List<String> row = List.of(Arrays.copyOfRange(cells, 1, seedAt - 1));
            rowIndex.putIfAbsent(row, rowIndex.size());
            if (!columns.contains(cells[seedAt - 1])) columns.add(cells[seedAt - 1]);
            if (!seeds.contains(cells[seedAt])) seeds.add(cells[seedAt]);
            double a;
            try {
                a = cells[accAt].isEmpty() ? Double.NaN : Double.parseDouble(cells[accAt]);
            } catch (NumberFormatException e) {
                throw new UserError("atlas: " + file + ":" + (i + 1) + ": test_accuracy " + cells[accAt] + " is not a number");
            }
            if (!Double.isNaN(a) && !(a >= 0 && a <= 1)) throw new UserError("atlas: " + file + ":" + (i + 1) + ": test_accuracy " + a + " outside [0, 1]");
            points.add(new Point(row, cells[seedAt - 1], cells[seedAt], a));
        }
        double[][][] acc = new double[rowIndex.size()][columns.size()][seeds.size()];
        for (double[][] r : acc) for (double[] c : r) Arrays.fill(c, Double.NaN);
        for (Point p : points) acc[rowIndex.get(p.row)][columns.indexOf(p.column)][seeds.indexOf(p.seed)] = p.accuracy;
        return new Grid(rule, rowKeys, new ArrayList<>(rowIndex.keySet()), columnKey, columns, seeds, acc);
    }

    /** The tables: per rule its grid of means and spreads, then the paired differences between columns and against the first row value. */
    public static String markdown(List<Grid> grids) {
        StringBuilder md = new StringBuilder();
        for (Grid g : grids) {
            md.append("\n#### ").append(g.rule).append("\n\n");
            md.append("Test accuracy (sweep.csv's: the last epoch's, or with evalAfter or evalRepeats the mean of those tests), mean ± sd over seeds ").append(String.join(", ", g.seeds)).append("; each column against the one before it, ")
                    .append("paired by seed: the mean difference and its 95% t interval, in points (**bold**: resolved).\n\n");
            md.append("| ").append(String.join(" | ", g.rowKeys));
            for (int c = 0; c < g.columns.size(); c++) {
                md.append(" | ").append(g.columnKey).append(" ").append(g.columns.get(c));
                if (c > 0) md.append(" | ").append(g.columns.get(c)).append(" − ").append(g.columns.get(c - 1));
            }
            md.append(" |\n|").append("---|".repeat(g.rowKeys.size() + 2 * g.columns.size() - 1)).append("\n");
            for (int r = 0; r < g.rows.size(); r++) {
                md.append("| ").append(String.join(" | ", g.rows.get(r)));
                for (int c = 0; c < g.columns.size(); c++) {
                    md.append(" | ").append(cell(g.seedsOf(r, c)));
                    if (c > 0) md.append(" | ").append(difference(g.seedsOf(r, c - 1), g.seedsOf(r, c)));
                }
                md.append(" |\n");
            }
            String asymmetry = g.rowKeys.get(g.rowKeys.size() - 1);
            List<String> firsts = new ArrayList<>();
            for (List<String> row : g.rows) if (!firsts.contains(row.get(row.size() - 1))) firsts.add(row.get(row.size() - 1));
            if (firsts.size() > 1) {
                md.append("\nThe effect of ").append(asymmetry).append(" (each value against ").append(firsts.get(0))
                        .append(", the other keys and the seed the same), by ").append(g.columnKey).append(":\n\n| ");
                md.append(String.join(" | ", g.rowKeys));
                for (String c : g.columns) md.append(" | ").append(c);
                md.append(" |\n|").append("---|".repeat(g.rowKeys.size() + g.columns.size())).append("\n");
                for (int r = 0; r < g.rows.size(); r++) {
                    List<String> row = g.rows.get(r);
                    if (row.get(row.size() - 1).equals(firsts.get(0))) continue;
                    int ref = referenceRow(g, row, firsts.get(0));
                    if (ref < 0) continue;
                    md.append("| ").append(String.join(" | ", row));
                    for (int c = 0; c < g.columns.size(); c++) md.append(" | ").append(difference(g.seedsOf(ref, c), g.seedsOf(r, c)));
                    md.append(" |\n");
                }
            }
        }
        md.append(pooled(grids));
        return md.toString();
    }

    /**
     * Every rule's (rule, seed) pairs pooled, where the grids share their rows and columns: for each
     * row, each column against the one before it and against the first column, over all of them.
     * The pairs come from different rules, so the interval answers "on these rules", not one rule.
     */
    static String pooled(List<Grid> grids) {
        if (grids.size() < 2) return "";
        Grid first = grids.get(0);
        for (Grid g : grids) if (!g.rows.equals(first.rows) || !g.columns.equals(first.columns) || !g.rowKeys.equals(first.rowKeys)) return "";
        StringBuilder md = new StringBuilder("\n#### All " + grids.size() + " rules pooled\n");
        List<int[]> pairs = new ArrayList<>();
        for (int c = 1; c < first.columns.size(); c++) {
            pairs.add(new int[] {c - 1, c});
            if (c > 1) pairs.add(new int[] {0, c});
        }
        if (!pairs.isEmpty()) {
            md.append("\nEach rule's seeds paired as above, the pairs of every rule together (").append(grids.size() * first.seeds.size())
                    .append(" pairs a cell): the mean difference and its 95% t interval, in points (**bold**: resolved).\n\n| ")
                    .append(String.join(" | ", first.rowKeys));
            for (int[] p : pairs) md.append(" | ").append(first.columns.get(p[1])).append(" − ").append(first.columns.get(p[0]));
            md.append(" |\n|").append("---|".repeat(first.rowKeys.size() + pairs.size())).append("\n");
            for (int r = 0; r < first.rows.size(); r++) {
                md.append("| ").append(String.join(" | ", first.rows.get(r)));
                for (int[] p : pairs) md.append(" | ").append(difference(pooledSeeds(grids, r, p[0]), pooledSeeds(grids, r, p[1])));
                md.append(" |\n");
            }
        }
        String last = first.rowKeys.get(first.rowKeys.size() - 1), reference = first.rows.get(0).get(first.rowKeys.size() - 1);
        StringBuilder effect = new StringBuilder();
        for (int r = 0; r < first.rows.size(); r++) {
            List<String> row = first.rows.get(r);
            if (row.get(row.size() - 1).equals(reference)) continue;
            int ref = referenceRow(first, row, reference);
            if (ref < 0) continue;
            effect.append("| ").append(String.join(" | ", row));
            for (int c = 0; c < first.columns.size(); c++) effect.append(" | ").append(difference(pooledSeeds(grids, ref, c), pooledSeeds(grids, r, c)));
            effect.append(" |\n");
        }
        if (effect.length() > 0) {
            md.append("\nThe effect of ").append(last).append(" (each value against ").append(reference).append("), all rules pooled, by ")
                    .append(first.columnKey).append(":\n\n| ").append(String.join(" | ", first.rowKeys));
            for (String c : first.columns) md.append(" | ").append(c);
            md.append(" |\n|").append("---|".repeat(first.rowKeys.size() + first.columns.size())).append("\n").append(effect);
        }
        return md.toString();
    }

    /** Row r, column c of every grid, their seeds one after another (a NaN where a point failed). */
    private static double[] pooledSeeds(List<Grid> grids, int r, int c) {
        return grids.stream().flatMapToDouble(g -> Arrays.stream(g.accuracy[r][c])).toArray();
    }

    /** The row with the same values as {@code row} but the last, which is {@code first}; -1 if the grid has none. */
    private static int referenceRow(Grid g, List<String> row, String first) {
        List<String> want = new ArrayList<>(row);
        want.set(want.size() - 1, first);
        return g.rows.indexOf(want);
    }

    /** Every cell and every paired difference, one line each, for a reader's own analysis. */
    public static String csv(List<Grid> grids) {
        StringBuilder out = new StringBuilder("rule,row,column,seeds,mean,sd,against,difference,low,high,sign_p,seeds_needed\n");
        for (Grid g : grids) {
            for (int r = 0; r < g.rows.size(); r++) {
                String row = String.join(" ", g.rows.get(r));
                for (int c = 0; c < g.columns.size(); c++) {
                    double[] s = finite(g.seedsOf(r, c));
                    out.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%.6f,%.6f", g.rule, row, g.columns.get(c), s.length, mean(s), sd(s)));
                    PairedDifference d = c > 0 ? paired(g.seedsOf(r, c - 1), g.seedsOf(r, c)) : null;
                    if (d == null) out.append(",,,,,,\n");
                    else out.append(String.format(Locale.ROOT, ",%s,%.6f,%.6f,%.6f,%.4f,%d\n", g.columns.get(c - 1), d.mean(), d.low(), d.high(), d.signP(), d.seedsNeeded()));
                }
            }
        }
        return out.toString();
    }

    /** Writes DIR/atlas2.md and DIR/atlas2.csv; with {@code into}, also puts the tables between its {@code <!-- markers:begin -->} and {@code :end} markers. */
    public static void write(Path dir, List<Grid> grids, Path into, String markers) {
        String md = markdown(grids);
        AtomicFiles.writeString(dir.resolve("atlas2.md"), "# The atlas, second edition\n" + md);
        AtomicFiles.writeString(dir.resolve("atlas2.csv"), csv(grids));
        if (into != null) Atlas.into(into, md + "\n", markers);
    }

    /** The paired comparison of b against a over the seeds both measured, or null with fewer than two. */
    static PairedDifference paired(double[] a, double[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) n++;
        if (n < 2) return null;
        double[] x = new double[n], y = new double[n];
        for (int i = 0, j = 0; i < a.length; i++) {
            if (Double.isNaN(a[i]) || Double.isNaN(b[i])) continue;
            x[j] = a[i];
            y[j++] = b[i];
        }
        return PairedDifference.of(x, y);
    }

    private static String difference(double[] a, double[] b) {
        PairedDifference d = paired(a, b);
        if (d == null) return "—";
        String text = String.format(Locale.ROOT, "%+.1f [%+.1f, %+.1f]", 100 * d.mean(), 100 * d.low(), 100 * d.high());
        return d.resolved() ? "**" + text + "**" : text;
    }

    private static String cell(double[] seeds) {
        double[] s = finite(seeds);
        if (s.length == 0) return "—";
        String text = String.format(Locale.ROOT, "%.1f ± %.1f", 100 * mean(s), 100 * sd(s));
        return s.length < seeds.length ? text + " (" + s.length + " of " + seeds.length + " seeds)" : text;
    }

    private static double[] finite(double[] v) {
        return Arrays.stream(v).filter(x -> !Double.isNaN(x)).toArray();
    }

    /** The plain sum over n (NaN when empty): the published tables' roundings were made with it. */
    private static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : Arrays.stream(v).sum() / v.length;
    }

    /** The sample deviation; 0 for fewer than two seeds, so that such a cell still reads "± 0.0". */
    private static double sd(double[] v) {
        return v.length < 2 ? 0 : Math.sqrt(StatUtils.variance(v));
    }
}
