package epsim.experiment;

import epsim.common.AtomicFiles;
import epsim.cost.EventCost;
import epsim.train.Checkpoint;
import epsim.train.EpochRow;
import epsim.train.Plots;
import epsim.train.TrainConfig;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Several runs side by side (epsim compare): their learning curves overlaid on one scale and a
 * summary table. Each run is read through its checkpoint (checked whole) and its run record.
 */
public final class Comparison {
    private Comparison() {}

    /**
     * One run: its folder, how it is labelled, its finished epochs, its chip's area, its seed and
     * its design (every option but the seed, so that runs of one design on several seeds group).
     */
    public record Run(Path dir, String label, List<EpochRow> history, double areaMm2, long seed, String design, String designLabel) {
        double bestTestAccuracy() {
            return history.stream().mapToDouble(EpochRow::testAccuracy).max().orElse(Double.NaN);
        }

        double seconds() {
            return history.stream().mapToDouble(EpochRow::seconds).sum();
        }
    }

    /**
     * Reads a run folder: its recorded options and its history (both validated), from the
     * checkpoint, or from metrics.csv for a run that wrote none (--no-checkpoint).
     */
    public static Run read(Path dir) {
        TrainConfig c = TrainConfig.read(dir, "no run record (is " + dir + " a run folder?)");
        boolean checkpointed = java.nio.file.Files.isRegularFile(dir.resolve(Checkpoint.FILE));
        List<EpochRow> history = checkpointed ? Checkpoint.read(dir).history() : metrics(dir.resolve("metrics.csv"));
        if (history.isEmpty()) throw new epsim.common.UserError(dir + ": no finished epoch to compare");
        String label = c.runLabel(c.model()), seedSuffix = ", seed " + c.seed();
        String designLabel = label.endsWith(seedSuffix) ? label.substring(0, label.length() - seedSuffix.length()) : label;
        return new Run(dir, label, history, recordedArea(dir), c.seed(), c.withSeed(0).toString(), designLabel);
    }

    /**
     * The chip's area run.json records (final.cost.areaMm2.total), or NaN when it records none (a
     * model without area figures, a run from before areas, or no finished epoch): data, so a value
     * that is not a finite number in [0, 1e12] mm² is refused.
     */
    static double recordedArea(Path dir) {
        Path file = dir.resolve("run.json");
        if (!Files.isRegularFile(file)) return Double.NaN;
        com.fasterxml.jackson.databind.JsonNode area = epsim.common.JsonFields.readFile(file, file.toString()).path("final").path("cost").path("areaMm2").path("total");
        if (area.isMissingNode() || area.isNull()) return Double.NaN;
        if (!area.isNumber() || !Double.isFinite(area.asDouble()) || area.asDouble() < 0 || area.asDouble() > 1e12) {
            throw new epsim.common.UserError(file + ": final.cost.areaMm2.total: expected a finite number in [0, 1e12], got " + area);
        }
        return area.asDouble();
    }

    /** The rows of a metrics.csv (the seven figures and the cost components), each value checked; data, not trusted. */
    static List<EpochRow> metrics(Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) throw new epsim.common.UserError(file.getParent() + ": neither a checkpoint nor a metrics.csv to compare");
        List<String> lines;
        try {
            if (java.nio.file.Files.size(file) > 64L << 20) throw new epsim.common.UserError(file + ": larger than 64 MB, not a metrics.csv");
            lines = java.nio.file.Files.readAllLines(file);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new epsim.common.UserError(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (lines.isEmpty() || !lines.get(0).startsWith(EpochRow.CSV_HEADER)) throw new epsim.common.UserError(file + ": line 1: not a metrics.csv header");
        List<EpochRow> rows = new java.util.ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length < 11 + EpochRow.COST_VALUES) throw new epsim.common.UserError(file + ": line " + (i + 1) + ": too few columns");
            double[] v = new double[7 + EpochRow.COST_VALUES];
            for (int k = 0; k < v.length; k++) {
                String cell = cells[k < 7 ? k : k + 4]; // past the seven figures, the four totals come before the components
                try {
                    v[k] = cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    throw new epsim.common.UserError(file + ": line " + (i + 1) + ", column " + (k + 1) + ": not a number: " + cell);
                }
            }
            EpochRow row = EpochRow.of(v);
            boolean ok = row.epoch() == i && v[0] == i && row.testAccuracy() >= 0 && row.testAccuracy() <= 1 && row.trainAccuracy() >= 0
                    && row.trainAccuracy() <= 1 && Double.isFinite(row.seconds()) && row.seconds() >= 0 && row.costValid();
            if (!ok) throw new epsim.common.UserError(file + ": line " + (i + 1) + ": not an epoch row of this run");
            rows.add(row);
        }
        return rows;
    }

    /** The summary table: one row per run. */
    public static epsim.common.TextTable table(List<Run> runs) {
        epsim.common.TextTable t = new epsim.common.TextTable("run", "final", "best", "epochs", "time", "energy/sample", "area", "what", "folder").textColumns(7, 8);
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            EpochRow last = r.history().get(r.history().size() - 1);
            String energy = last.cost() == null ? "—" : EventCost.si(last.cost().training().energy().total(), "J");
            t.row(String.valueOf(i + 1), String.format(Locale.ROOT, "%.2f%%", 100 * last.testAccuracy()),
                    String.format(Locale.ROOT, "%.2f%%", 100 * r.bestTestAccuracy()), String.valueOf(r.history().size()),
                    String.format(Locale.ROOT, "%.0f s", r.seconds()), energy,
                    Double.isNaN(r.areaMm2()) ? "—" : String.format(Locale.ROOT, "%.3g mm²", r.areaMm2()), r.label(), r.dir().toString());
        }
        return t;
    }

    /**
     * Each design run on two or more seeds, against the first such design, over the seeds both ran:
     * the final test accuracy's per-seed differences (docs/cli.md, compare). Empty when fewer than
     * two designs share two seeds.
     */
    public record Paired(String reference, String design, List<Long> seeds, PairedDifference difference) {}

    public static List<Paired> paired(List<Run> runs) {
        java.util.LinkedHashMap<String, java.util.TreeMap<Long, Run>> designs = new java.util.LinkedHashMap<>();
        // a design given twice on one seed (e.g. a run and its copy) is paired by its first run
        for (Run r : runs) designs.computeIfAbsent(r.design(), k -> new java.util.TreeMap<>()).putIfAbsent(r.seed(), r);
        List<java.util.TreeMap<Long, Run>> multi = designs.values().stream().filter(m -> m.size() >= 2).toList();
        List<Paired> out = new ArrayList<>();
        if (multi.size() < 2) return out;
        java.util.TreeMap<Long, Run> reference = multi.get(0);
        for (java.util.TreeMap<Long, Run> other : multi.subList(1, multi.size())) {
            List<Long> common = reference.keySet().stream().filter(other::containsKey).toList();
            if (common.size() < 2) continue;
            double[] a = new double[common.size()], b = new double[common.size()];
            for (int i = 0; i < common.size(); i++) {
                a[i] = finalAccuracy(reference.get(common.get(i)));
                b[i] = finalAccuracy(other.get(common.get(i)));
            }
            out.add(new Paired(reference.firstEntry().getValue().designLabel(), other.firstEntry().getValue().designLabel(), common, PairedDifference.of(a, b)));
        }
        return out;
    }

    private static double finalAccuracy(Run r) {
        return r.history().get(r.history().size() - 1).testAccuracy();
    }

    /** The paired comparisons as a table: design, seeds, mean difference with its interval, the tests, the verdict. */
    public static epsim.common.TextTable pairedTable(List<Paired> paired) {
        epsim.common.TextTable t = new epsim.common.TextTable("design", "against", "seeds", "final accuracy difference [95% t]", "sd", "sign p", "Wilcoxon p", "verdict")
                .textColumns(0, 1, 7);
        for (Paired p : paired) {
            PairedDifference d = p.difference();
            t.row(p.design(), p.reference(), String.valueOf(d.seeds()), d.describePoints(), String.format(Locale.ROOT, "%.2f", 100 * d.sd()),
                    String.format(Locale.ROOT, "%.3g", d.signP()), Double.isNaN(d.wilcoxonP()) ? "—" : String.format(Locale.ROOT, "%.3g", d.wilcoxonP()), d.verdict());
        }
        return t;
    }

    /** compare-paired.csv: one row per paired comparison. */
    public static String pairedCsv(List<Paired> paired) {
        StringBuilder b = new StringBuilder("design,against,seeds,mean_difference,sd,ci95_low,ci95_high,sign_p,wilcoxon_p,resolved,seeds_needed\n");
        for (Paired p : paired) {
            PairedDifference d = p.difference();
            b.append(String.format(Locale.ROOT, "\"%s\",\"%s\",%d,%.6f,%.6f,%.6f,%.6f,%.6g,%s,%s,%s%n", p.design().replace("\"", "\"\""),
                    p.reference().replace("\"", "\"\""), d.seeds(), d.mean(), d.sd(), d.low(), d.high(), d.signP(),
                    Double.isNaN(d.wilcoxonP()) ? "" : String.format(Locale.ROOT, "%.6g", d.wilcoxonP()), d.resolved(), d.seedsNeeded() < 0 ? "" : String.valueOf(d.seedsNeeded())));
        }
        return b.toString();
    }

    /** compare.csv: the table's figures, one row per run. */
    public static String csv(List<Run> runs) {
        StringBuilder b = new StringBuilder("run,folder,what,epochs,final_test_accuracy,best_test_accuracy,seconds,train_energy_J,area_mm2\n");
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            EpochRow last = r.history().get(r.history().size() - 1);
            b.append(String.format(Locale.ROOT, "%d,\"%s\",\"%s\",%d,%.6f,%.6f,%.3f,%s,%s%n", i + 1, r.dir().toString().replace("\"", "\"\""),
                    r.label().replace("\"", "\"\""), r.history().size(), last.testAccuracy(), r.bestTestAccuracy(), r.seconds(),
                    last.cost() == null ? "" : String.format(Locale.ROOT, "%.6g", last.cost().training().energy().total()),
                    Double.isNaN(r.areaMm2()) ? "" : String.format(Locale.ROOT, "%.6g", r.areaMm2())));
        }
        return b.toString();
    }

    /** compare-accuracy.png (test accuracy in percent) and compare-loss.png (test loss), every run on one scale. */
    public static void plots(Path out, List<Run> runs) {
        Plots.prepare();
        XYChart accuracy = new XYChartBuilder().width(900).height(650).title("test accuracy").xAxisTitle("epoch").yAxisTitle("test accuracy (%)").build();
        XYChart loss = new XYChartBuilder().width(900).height(650).title("test loss").xAxisTitle("epoch").yAxisTitle("test loss").build();
        for (XYChart c : List.of(accuracy, loss)) {
            c.getStyler().setXAxisDecimalPattern("0");
            c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS); // long labels below, not beside, the curves
        }
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            double[] epochs = r.history().stream().mapToDouble(EpochRow::epoch).toArray();
            String name = (i + 1) + ": " + r.label();
            accuracy.addSeries(name, epochs, r.history().stream().mapToDouble(e -> 100 * e.testAccuracy()).toArray()).setMarker(SeriesMarkers.CIRCLE);
            loss.addSeries(name, epochs, r.history().stream().mapToDouble(EpochRow::testLoss).toArray()).setMarker(SeriesMarkers.CIRCLE);
        }
        for (var pair : List.of(List.of("compare-accuracy.png", accuracy), List.of("compare-loss.png", loss))) {
            XYChart chart = (XYChart) pair.get(1);
            AtomicFiles.write(out.resolve((String) pair.get(0)), tmp -> {
                try (var o = Files.newOutputStream(tmp)) {
                    BitmapEncoder.saveBitmap(chart, o, BitmapEncoder.BitmapFormat.PNG);
                }
            });
        }
    }

    public static List<Run> readAll(List<Path> dirs) {
        List<Run> runs = new ArrayList<>();
        for (Path d : dirs) runs.add(read(d));
        return runs;
    }
}
