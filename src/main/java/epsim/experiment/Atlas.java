package epsim.experiment;

import epsim.common.AtomicFiles;
import epsim.common.UserError;
import epsim.train.Plots;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The robustness atlas (docs/atlas.md, scripts/atlas.sh): for each family of one varied
 * non-ideality and each rule, the sweeps' summaries over seeds, read from
 * {@code DIR/FAMILY/RULE/train/sweep-summary.csv} (test accuracy, and the cosine on the trained chip
 * where it was probed) and {@code DIR/FAMILY/RULE/gradient/sweep-summary.csv} (the cosine at
 * initialisation). A family's first value is its reference (the chip with that non-ideality off);
 * a rule tolerates the harshest value up to which every value keeps its mean accuracy within
 * {@link #TOLERANCE} of the reference's.
 */
public final class Atlas {
    /** Two points of test accuracy: the yardstick, about 2.5 standard deviations of one seed's accuracy on 2,000 test examples at 90%. */
    public static final double TOLERANCE = 0.02;

    /** One value of a family for one rule: means and sample deviations over the seeds (NaN where not measured). */
    public record Cell(String value, int seeds, double accuracy, double accuracySd, double cosineInit, double cosineInitSd,
                       double cosineTrained, double cosineTrainedSd) {}

    public record Curve(String rule, List<Cell> cells) {
        /** Index of the harshest value tolerated (0: none beyond the reference). */
        public int tolerated() {
            double ref = cells.get(0).accuracy;
            int last = 0;
            for (int i = 1; i < cells.size(); i++) {
                if (!(cells.get(i).accuracy >= ref - TOLERANCE)) break; // NaN (a failed point) is not within
                last = i;
            }
            return last;
        }
    }

    public record Family(String name, String key, List<String> values, List<Curve> curves) {
        /** Whether any rule's update was probed at initialisation (a gradient sweep ran). */
        public boolean probed() {
            return curves.stream().anyMatch(c -> c.cells.stream().anyMatch(x -> !Double.isNaN(x.cosineInit)));
        }
    }

    private Atlas() {}

    /** The families under {@code dir} (all, in name order, when {@code families} is empty), each with its rules (the same). */
    public static List<Family> read(Path dir, List<String> families, List<String> rules) {
        if (!Files.isDirectory(dir)) throw new UserError("atlas: " + dir + ": not a folder");
        List<String> names = families.isEmpty() ? subfolders(dir) : families;
        List<Family> out = new ArrayList<>();
        for (String f : names) {
            Path fd = dir.resolve(f);
            if (!Files.isDirectory(fd)) throw new UserError("atlas: " + fd + ": no such family folder");
            List<Curve> curves = new ArrayList<>();
            String key = null;
            List<String> values = null;
            for (String r : rules.isEmpty() ? subfolders(fd) : rules) {
                Path train = fd.resolve(r).resolve("train").resolve("sweep-summary.csv");
                if (!Files.isRegularFile(train)) continue; // a family need not hold every rule (the ghost-crossbar ones hold ghost units only)
                Summary t = Summary.read(train);
                Path g = fd.resolve(r).resolve("gradient").resolve("sweep-summary.csv");
                Summary init = Files.isRegularFile(g) ? Summary.read(g) : null;
                if (key == null) {
                    key = t.key;
                    values = t.values;
                } else if (!key.equals(t.key) || !values.equals(t.values)) {
                    throw new UserError("atlas: " + train + ": varies " + t.key + "=" + t.values + ", the family's other rules " + key + "=" + values);
                }
                if (init != null && (!init.key.equals(t.key) || !init.values.equals(t.values))) {
                    throw new UserError("atlas: " + g + ": varies " + init.key + "=" + init.values + ", its training sweep " + t.key + "=" + t.values);
                }
                List<Cell> cells = new ArrayList<>();
                for (int i = 0; i < t.values.size(); i++) {
                    double[] a = t.rows.get(i);
                    double[] c = init == null ? new double[] {0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN} : init.rows.get(i);
                    cells.add(new Cell(t.values.get(i), (int) a[0], a[1], a[2], c[5], c[6], a[5], a[6]));
                }
                curves.add(new Curve(r, cells));
            }
            if (curves.isEmpty()) {
                if (families.isEmpty()) continue; // discovered: a folder that holds no family (plots copied here, say)
                throw new UserError("atlas: " + fd + ": no rule folder with train/sweep-summary.csv");
            }
            out.add(new Family(f, key, values, curves));
        }
        if (out.isEmpty()) throw new UserError("atlas: " + dir + ": no family folders");
        return out;
    }

    /** The folders in {@code dir}, by name. */
    static List<String> subfolders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UserError("atlas: " + dir + ": " + e.getMessage());
        }
    }

    /** One sweep-summary.csv: the varied key, its values in order, and per value {seeds, acc mean, sd, train acc mean, sd, cosine mean, sd}. */
    record Summary(String key, List<String> values, List<double[]> rows) {
        private static final List<String> COLUMNS = List.of("seeds", "test_accuracy_mean", "test_accuracy_sd", "train_accuracy_mean",
                "train_accuracy_sd", "gradient_cosine_mean", "gradient_cosine_sd");
        /** A summary holds one row per value of one axis: far below this. */
        private static final long MAX_BYTES = 1 << 20;

        static Summary read(Path file) {
            List<String> lines = tableLines(file, MAX_BYTES, "sweep summary");
            List<String> header = Arrays.asList(lines.get(0).split(",", -1));
            if (header.size() < 2 || !header.get(1).equals("seeds")) {
                throw new UserError("atlas: " + file + ":1: expected the header of a sweep summary with one varied key besides the seed (KEY,seeds,...)");
            }
            int[] at = new int[COLUMNS.size()];
            for (int c = 0; c < at.length; c++) {
                at[c] = header.indexOf(COLUMNS.get(c));
                if (at[c] < 0) throw new UserError("atlas: " + file + ":1: no column " + COLUMNS.get(c));
            }
            List<String> values = new ArrayList<>();
            List<double[]> rows = new ArrayList<>();
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).isEmpty()) continue;
                String[] cells = lines.get(i).split(",", -1);
                if (cells.length != header.size()) throw new UserError("atlas: " + file + ":" + (i + 1) + ": " + cells.length + " cells, the header has " + header.size());
                if (values.contains(cells[0])) throw new UserError("atlas: " + file + ":" + (i + 1) + ": value " + cells[0] + " twice");
                values.add(cells[0]);
                double[] row = new double[at.length];
                for (int c = 0; c < at.length; c++) {
                    try {
                        row[c] = Double.parseDouble(cells[at[c]]);
                    } catch (NumberFormatException e) {
                        throw new UserError("atlas: " + file + ":" + (i + 1) + ": " + COLUMNS.get(c) + " '" + cells[at[c]] + "' is not a number");
                    }
                    if (Double.isInfinite(row[c])) throw new UserError("atlas: " + file + ":" + (i + 1) + ": " + COLUMNS.get(c) + " is infinite");
                }
                rows.add(row);
            }
            return new Summary(header.get(0), values, rows);
        }
    }

    /** The tolerance table, then for each family its plots ({@code images}: the PNGs' folder, relative to the Markdown) and its full table. */
    public static String markdown(List<Family> families, String images) {
        StringBuilder b = new StringBuilder();
        List<String> rules = new ArrayList<>();
        for (Family f : families) for (Curve c : f.curves) if (!rules.contains(c.rule)) rules.add(c.rule);
        b.append("### Tolerance: the harshest value within ").append(pct(TOLERANCE)).append(" points of the family's reference\n\n");
        b.append("| rule |");
        for (Family f : families) b.append(' ').append(f.name).append(" (ref. ").append(f.values.get(0)).append(") |");
        b.append("\n|---|");
        for (Family ignored : families) b.append("---|");
        b.append('\n');
        for (String r : rules) {
            b.append("| ").append(r).append(" |");
            for (Family f : families) {
                Curve c = f.curves.stream().filter(x -> x.rule.equals(r)).findFirst().orElse(null);
                if (c == null) {
                    b.append(" |");
                    continue;
                }
                int t = c.tolerated();
                String cell = t == c.cells.size() - 1 && t > 0 ? "all (" + f.values.get(t) + ")" : t == 0 ? "none (" + f.values.get(1) + " fails)" : f.values.get(t);
                b.append(' ').append(cell).append(", ").append(pct(c.cells.get(0).accuracy)).append("% |");
            }
            b.append('\n');
        }
        b.append("\nEach cell: the tolerated value, then the reference's mean test accuracy.\n");
        for (Family f : families) {
            b.append("\n### ").append(f.name).append(" (`").append(f.key).append("`)\n\n");
            b.append("![").append(f.name).append(": test accuracy](").append(images).append("/atlas-").append(f.name).append(".png)\n");
            if (f.probed()) b.append("![").append(f.name).append(": gradient cosine](").append(images).append("/atlas-").append(f.name).append("-cosine.png)\n");
            b.append('\n');
            boolean trainedCosine = f.curves.stream().anyMatch(c -> c.cells.stream().anyMatch(x -> !Double.isNaN(x.cosineTrained)));
            b.append("Test accuracy, mean ± sd over seeds (%), / cosine to the exact gradient at initialisation")
                    .append(trainedCosine ? " / after training" : "").append(":\n\n| rule |");
            for (String v : f.values) b.append(' ').append(v).append(" |");
            b.append("\n|---|");
            for (String ignored : f.values) b.append("---|");
            b.append('\n');
            for (Curve c : f.curves) {
                b.append("| ").append(c.rule).append(" |");
                for (Cell x : c.cells) {
                    b.append(' ').append(pct(x.accuracy)).append(" ± ").append(pct(x.accuracySd)).append(" / ").append(num(x.cosineInit));
                    if (trainedCosine) b.append(" / ").append(num(x.cosineTrained));
                    b.append(" |");
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    private static String pct(double x) {
        return Double.isNaN(x) ? "—" : String.format(Locale.ROOT, "%.1f", 100 * x);
    }

    private static String num(double x) {
        return Double.isNaN(x) ? "—" : String.format(Locale.ROOT, "%.2f", x);
    }

    /** Per family: atlas-FAMILY.png (accuracy) and atlas-FAMILY-cosine.png, one line per rule, error bars of one sd over seeds. */
    public static void plots(Path dir, List<Family> families) {
        Plots.prepare();
        for (Family f : families) {
            XYChart accuracy = chart(f, "test accuracy (%)", x -> 100 * x.accuracy, x -> 100 * x.accuracySd);
            if (!accuracy.getSeriesMap().isEmpty()) Plots.save(dir.resolve("atlas-" + f.name + ".png"), accuracy);
            if (f.probed()) Plots.save(dir.resolve("atlas-" + f.name + "-cosine.png"), chart(f, "cosine to the exact gradient at initialisation",
                    Cell::cosineInit, Cell::cosineInitSd));
        }
    }

    private static XYChart chart(Family f, String what, java.util.function.ToDoubleFunction<Cell> y, java.util.function.ToDoubleFunction<Cell> sd) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(f.name + ": " + what)
                .xAxisTitle(f.key + " (reference first, then harsher)").yAxisTitle(what).build();
        // the categorical axis spans its positions whatever the data (XChart's own tick search does not end on a one-point range)
        chart.getStyler().setXAxisMin(-0.25);
        chart.getStyler().setXAxisMax(f.values.size() - 0.75);
        chart.setCustomXAxisTickLabelsFormatter(x -> {
            long i = Math.round(x);
            return Math.abs(x - i) < 1e-6 && i >= 0 && i < f.values.size() ? f.values.get((int) i) : "";
        });
        for (Curve c : f.curves) {
            List<double[]> pts = new ArrayList<>();
            for (int i = 0; i < c.cells.size(); i++) {
                double v = y.applyAsDouble(c.cells.get(i)), e = sd.applyAsDouble(c.cells.get(i));
                if (!Double.isNaN(v)) pts.add(new double[] {i, v, Double.isNaN(e) ? 0 : e});
            }
            if (pts.isEmpty()) continue;
            chart.addSeries(c.rule, pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray(),
                    pts.stream().mapToDouble(p -> p[2]).toArray()).setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    /** The lines of a sweep's table ({@code what}, for the errors): a header and at least one row, the file no larger than {@code maxBytes}. */
    static List<String> tableLines(Path file, long maxBytes, String what) {
        List<String> lines;
        try {
            if (!Files.isRegularFile(file)) throw new UserError("atlas: " + file + ": no such " + what);
            if (Files.size(file) > maxBytes) throw new UserError("atlas: " + file + ": larger than " + maxBytes + " bytes; not a " + what);
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UserError("atlas: " + file + ": " + e.getMessage());
        }
        if (lines.size() < 2) throw new UserError("atlas: " + file + ": no rows");
        return lines;
    }

    /** Markers between which {@link #into} puts the generated Markdown. */
    public static final String BEGIN = "<!-- atlas:begin -->", END = "<!-- atlas:end -->";

    /** {@code doc} with everything between its atlas markers replaced by {@code generated}, written atomically. */
    public static void into(Path doc, String generated) {
        into(doc, generated, "atlas");
    }

    /** {@code doc} with everything between its {@code <!-- name:begin -->} and {@code <!-- name:end -->} markers replaced by {@code generated}. */
    static void into(Path doc, String generated, String name) {
        String begin = "<!-- " + name + ":begin -->", end = "<!-- " + name + ":end -->";
        String text;
        try {
            text = Files.readString(doc);
        } catch (IOException e) {
            throw new UserError("atlas: --into " + doc + ": " + e.getMessage());
        }
        int a = text.indexOf(begin), z = text.indexOf(end);
        if (a < 0 || z < a) throw new UserError("atlas: --into " + doc + ": no " + begin + " ... " + end + " markers");
        AtomicFiles.writeString(doc, text.substring(0, a + begin.length()) + "\n" + generated + text.substring(z));
    }
}
