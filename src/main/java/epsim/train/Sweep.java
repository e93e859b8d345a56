package epsim.train;

import epsim.chip.AnalogChip;
import epsim.common.AtomicFiles;
import epsim.common.UserError;
import epsim.data.Dataset;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * A design-space sweep: the cross product (or a zipped list) of model-field values, each point a
 * training run and/or a gradient check, run in parallel, written as one CSV row per point plus
 * plots. Shard k of n takes the points whose index is k-1 modulo n; only shard 1 writes the CSV
 * header, so the shards' CSVs concatenate into the whole table.
 */
public final class Sweep {
    public record Axis(String key, List<String> values) {}

    public record Point(int index, List<String> values) {}

    /** One point's figures; {@code cost} is its last epoch's energy and latency (null without training or a cost section). */
    public record Outcome(Point point, double testAccuracy, double trainAccuracy, double gradientCosine, double seconds,
                          EpochRow.EpochCost cost) {}

    /** The axis key that varies the hardware model itself (preset names or files). */
    public static final String MODEL = "model";

    private Sweep() {}

    /** The point's model: a varied 'model' value, else the base one. */
    public static String model(String base, List<Axis> axes, Point p) {
        for (int k = 0; k < axes.size(); k++) if (axes.get(k).key().equals(MODEL)) return p.values().get(k);
        return base;
    }

    /** Parses {@code section.field=v1,v2,...}. */
    public static Axis parseAxis(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) throw new UserError("--vary " + spec + ": expected section.field=v1,v2,... e.g. device.levels=16,64,256");
        String key = spec.substring(0, eq).trim();
        if (!key.equals(MODEL) && !ModelLoader.isField(key)) {
            throw new UserError("--vary " + spec + ": '" + key + "' is neither 'model' nor a hardware-model field (see docs/hardware-models.md)");
        }
        List<String> values = new ArrayList<>();
        for (String v : spec.substring(eq + 1).split(",", -1)) {
            if (v.isBlank()) throw new UserError("--vary " + spec + ": empty value in the list");
            values.add(v.trim());
        }
        return new Axis(key, values);
    }

    /** The most points one sweep holds (each is a training run). */
    public static final int MAX_POINTS = 1_000_000;

    /** All points: the cross product, or (zip) the i-th value of every axis together. */
    public static List<Point> points(List<Axis> axes, boolean zip) {
        List<Point> out = new ArrayList<>();
        if (zip) {
            int n = axes.get(0).values().size();
            for (Axis a : axes) {
                if (a.values().size() != n) throw new UserError("--list: every --vary needs the same number of values (" + n + ")");
            }
            for (int i = 0; i < n; i++) {
                List<String> v = new ArrayList<>();
                for (Axis a : axes) v.add(a.values().get(i));
                out.add(new Point(i, v));
            }
            return out;
        }
        long total = 1;
        for (Axis a : axes) {
            total *= a.values().size();
            if (total > MAX_POINTS) throw new UserError("--vary: more than " + MAX_POINTS + " points; split the sweep into several");
        }
        for (int i = 0; i < total; i++) {
            List<String> v = new ArrayList<>();
            int rest = i;
            for (int k = axes.size() - 1; k >= 0; k--) {
                List<String> vals = axes.get(k).values();
                v.add(0, vals.get(rest % vals.size()));
                rest /= vals.size();
            }
            out.add(new Point(i, v));
        }
        return out;
    }

    /** Overrides of one point: the base --set list, then its varied values. */
    public static List<String> overrides(List<String> base, List<Axis> axes, Point p) {
        List<String> all = new ArrayList<>(base);
        for (int k = 0; k < axes.size(); k++) {
            if (!axes.get(k).key().equals(MODEL)) all.add(axes.get(k).key() + "=" + p.values().get(k));
        }
        return all;
    }

    /**
     * Cosine between the rule's update on the modelled chip and the exact gradient of the loss its
     * circuit minimises ({@link GradientProbe}), at initialisation, on the first {@code batch}
     * training examples.
     */
    public static double gradientCosine(TrainConfig config, HardwareModel model, Dataset train, int batch) {
        AnalogChip chip = AnalogChip.fabricate(model, Topology.parse(config.net(), "--net"), config.seed());
        return GradientProbe.cosine(chip, config.rule().create(config.seed()), train, batch);
    }

    /** Runs the points on {@code threads} threads; {@code done} is told each finished index. */
    public static List<Outcome> run(TrainConfig base, List<Axis> axes, List<Point> points, boolean train, boolean gradient,
                                    int gradientBatch, Path out, int threads, IntConsumer done) throws Exception {
        // validate every point's model before any work
        for (Point p : points) {
            try {
                ModelLoader.load(model(base.model(), axes, p), overrides(base.overrides(), axes, p));
            } catch (UserError e) {
                throw new UserError("--vary: point " + p.index() + " " + p.values() + ": " + e.getMessage());
            }
        }
        Topology t = Topology.parse(base.net(), "--net");
        TrainingData data = TrainingData.load(base, t); // one copy, read by every point
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (Point p : points) {
                futures.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    TrainConfig c = new TrainConfig(model(base.model(), axes, p), overrides(base.overrides(), axes, p), base.net(), base.rule(),
                            base.batch(), base.epochs(), base.seed(), base.dataset(), base.dataDir(), base.trainLimit(), base.testLimit());
                    HardwareModel m = ModelLoader.load(c.model(), c.overrides());
                    double cosine = gradient ? gradientCosine(c, m, data.train(), gradientBatch) : Double.NaN;
                    double testAcc = Double.NaN, trainAcc = Double.NaN;
                    EpochRow.EpochCost cost = null;
                    if (train) {
                        Path dir = out.resolve("points").resolve(String.format(Locale.ROOT, "%04d", p.index()));
                        Files.createDirectories(dir);
                        Trainer.Result r = new Trainer(c, AnalogChip.fabricate(m, t, c.seed()), data, dir, "sweep")
                                .run(null, new Trainer.Listener() {});
                        EpochRow last = r.history().get(r.history().size() - 1);
                        testAcc = last.testAccuracy();
                        trainAcc = last.trainAccuracy();
                        cost = last.cost();
                    }
                    done.accept(p.index());
                    return new Outcome(p, testAcc, trainAcc, cosine, (System.nanoTime() - start) / 1e9, cost);
                }));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof UserError u) throw u;
                    throw e;
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    public static String csv(List<Axis> axes, List<Outcome> outcomes, boolean header) {
        StringBuilder b = new StringBuilder();
        if (header) {
            b.append("index");
            for (Axis a : axes) b.append(',').append(a.key());
            b.append(",test_accuracy,train_accuracy,gradient_cosine,seconds,train_energy_J,train_latency_s,inference_energy_J,inference_latency_s\n");
        }
        for (Outcome o : outcomes) {
            b.append(o.point().index());
            for (String v : o.point().values()) b.append(',').append(v);
            b.append(String.format(Locale.ROOT, ",%.6f,%.6f,%.6f,%.2f", o.testAccuracy(), o.trainAccuracy(), o.gradientCosine(), o.seconds()));
            if (o.cost() == null) {
                b.append(",,,,\n");
            } else {
                b.append(String.format(Locale.ROOT, ",%.6g,%.6g,%.6g,%.6g%n", o.cost().training().energy().total(), o.cost().training().latency().total(),
                        o.cost().inference().energy().total(), o.cost().inference().latency().total()));
            }
        }
        return b.toString();
    }

    /** Accuracy (or, without training, the cosine) against each varied parameter; a heat map for two. */
    public static void plots(Path out, List<Axis> axes, List<Outcome> outcomes) {
        Plots.prepare();
        boolean trained = outcomes.stream().anyMatch(o -> !Double.isNaN(o.testAccuracy()));
        String what = trained ? "test accuracy" : "gradient cosine";
        for (int k = 0; k < axes.size(); k++) {
            XYChart chart = new XYChartBuilder().width(800).height(500).title(what + " vs " + axes.get(k).key())
                    .xAxisTitle(axes.get(k).key() + (numeric(axes.get(k)) ? "" : " (index)")).yAxisTitle(what).build();
            Map<String, List<double[]>> series = new LinkedHashMap<>();
            for (Outcome o : outcomes) {
                StringBuilder label = new StringBuilder();
                for (int j = 0; j < axes.size(); j++) {
                    if (j != k) label.append(label.length() == 0 ? "" : ", ").append(axes.get(j).key()).append('=').append(o.point().values().get(j));
                }
                double y = trained ? o.testAccuracy() : o.gradientCosine();
                if (Double.isNaN(y)) continue; // undefined cosine: left out of the plot, NaN in sweep.csv
                double x = numeric(axes.get(k)) ? Double.parseDouble(o.point().values().get(k))
                        : axes.get(k).values().indexOf(o.point().values().get(k));
                series.computeIfAbsent(label.length() == 0 ? what : label.toString(), s -> new ArrayList<>())
                        .add(new double[] {x, y});
            }
            for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
                List<double[]> pts = e.getValue();
                pts.sort((a, b) -> Double.compare(a[0], b[0]));
                chart.addSeries(e.getKey(), pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray())
                        .setMarker(SeriesMarkers.CIRCLE);
            }
            save(out.resolve("sweep-" + axes.get(k).key().replace('.', '-') + ".png"), chart);
        }
        if (axes.size() == 2) {
            List<String> xs = axes.get(0).values(), ys = axes.get(1).values();
            List<Number[]> cells = new ArrayList<>();
            for (Outcome o : outcomes) {
                if (Double.isNaN(trained ? o.testAccuracy() : o.gradientCosine())) continue;
                cells.add(new Number[] {xs.indexOf(o.point().values().get(0)), ys.indexOf(o.point().values().get(1)),
                        trained ? o.testAccuracy() : o.gradientCosine()});
            }
            HeatMapChart heat = new HeatMapChartBuilder().width(800).height(600).title(what)
                    .xAxisTitle(axes.get(0).key()).yAxisTitle(axes.get(1).key()).build();
            heat.getStyler().setShowValue(true);
            heat.addSeries(what, xs, ys, cells);
            save(out.resolve("sweep-heatmap.png"), heat);
        }
        pareto(out, axes, outcomes);
    }

    /**
     * Test accuracy against energy per training sample, one point per design point, with the
     * Pareto front (no other point is at least as accurate for less energy) joined and marked.
     */
    static void pareto(Path out, List<Axis> axes, List<Outcome> outcomes) {
        List<Outcome> costed = new ArrayList<>();
        for (Outcome o : outcomes) if (o.cost() != null && !Double.isNaN(o.testAccuracy())) costed.add(o);
        if (costed.isEmpty()) return;
        XYChart chart = new XYChartBuilder().width(800).height(500).title("test accuracy vs energy per training sample")
                .xAxisTitle("energy per training sample (J)").yAxisTitle("test accuracy").build();
        double[] x = costed.stream().mapToDouble(o -> o.cost().training().energy().total()).toArray();
        double least = java.util.Arrays.stream(x).min().orElse(1), most = java.util.Arrays.stream(x).max().orElse(1);
        chart.getStyler().setXAxisLogarithmic(least > 0 && most / least > 10); // a log axis labels only its decades
        double[] y = costed.stream().mapToDouble(Outcome::testAccuracy).toArray();
        org.knowm.xchart.XYSeries all = chart.addSeries("design points", x, y);
        all.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        all.setMarker(SeriesMarkers.CIRCLE);
        // each point labelled with its values, a little above its marker
        double low = java.util.Arrays.stream(y).min().orElse(0), high = java.util.Arrays.stream(y).max().orElse(1);
        double lift = 0.03 * Math.max(high - low, 1e-3);
        for (Outcome o : costed) {
            chart.addAnnotation(new org.knowm.xchart.AnnotationText(String.join(", ", o.point().values()),
                    o.cost().training().energy().total(), o.testAccuracy() + lift, false));
        }
        List<Outcome> front = paretoFront(costed);
        chart.addSeries("Pareto front", front.stream().mapToDouble(o -> o.cost().training().energy().total()).toArray(),
                front.stream().mapToDouble(Outcome::testAccuracy).toArray()).setMarker(SeriesMarkers.DIAMOND);
        save(out.resolve("sweep-pareto.png"), chart);
    }

    /** The points no other point dominates (as accurate or more for no more energy, better in one), by increasing energy. */
    static List<Outcome> paretoFront(List<Outcome> costed) {
        List<Outcome> sorted = new ArrayList<>(costed);
        sorted.sort((a, b) -> a.cost().training().energy().total() != b.cost().training().energy().total()
                ? Double.compare(a.cost().training().energy().total(), b.cost().training().energy().total())
                : Double.compare(b.testAccuracy(), a.testAccuracy()));
        List<Outcome> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (Outcome o : sorted) {
            if (o.testAccuracy() > best) {
                front.add(o);
                best = o.testAccuracy();
            }
        }
        return front;
    }

    private static boolean numeric(Axis a) {
        for (String v : a.values()) {
            try {
                Double.parseDouble(v);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    private static void save(Path file, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        AtomicFiles.write(file, tmp -> {
            try (var o = Files.newOutputStream(tmp)) {
                BitmapEncoder.saveBitmap(chart, o, BitmapEncoder.BitmapFormat.PNG);
            }
        });
    }
}
