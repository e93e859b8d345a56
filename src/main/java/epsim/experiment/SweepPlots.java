package epsim.experiment;

import epsim.train.Plots;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's plots: the figure against each varied parameter (one series per value of the others,
 * error bars over seeds when a seed axis varies), a heat map for two axes, and accuracy against
 * energy with its Pareto front.
 */
public final class SweepPlots {
    private SweepPlots() {}

    /** Accuracy (or, without training, the cosine) against each varied parameter; a heat map for two. */
    public static void draw(Path out, List<SweepGrid.Axis> axes, List<SweepOutcome> outcomes) {
        List<SweepReport.Group> seeds = SweepReport.acrossSeeds(axes, outcomes);
        if (seeds != null) {
            plotsAcrossSeeds(out, axes, outcomes, seeds);
            return;
        }
        Plots.prepare();
        boolean trained = outcomes.stream().anyMatch(o -> !Double.isNaN(o.testAccuracy()));
        String what = trained ? "test accuracy" : "gradient cosine";
        for (int k = 0; k < axes.size(); k++) {
            XYChart chart = chart(what, axes.get(k));
            Map<String, List<double[]>> series = new LinkedHashMap<>();
            for (SweepOutcome o : outcomes) {
                String label = seriesLabel(axes, o.point().values(), k);
                double y = trained ? o.testAccuracy() : o.gradientCosine();
                if (Double.isNaN(y)) continue; // undefined cosine: left out of the plot, NaN in sweep.csv
                double x = numeric(axes.get(k)) ? Double.parseDouble(o.point().values().get(k))
                        : axes.get(k).values().indexOf(o.point().values().get(k));
                series.computeIfAbsent(label.isEmpty() ? what : label, s -> new ArrayList<>()).add(new double[] {x, y});
            }
            for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
                List<double[]> pts = e.getValue();
                pts.sort((a, b) -> Double.compare(a[0], b[0]));
                style(chart.addSeries(e.getKey(), pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray()),
                        axes.get(k));
            }
            Plots.save(out.resolve("sweep-" + axes.get(k).key().replace('.', '-') + ".png"), chart);
        }
        if (axes.size() == 2) {
            List<String> xs = axes.get(0).values(), ys = axes.get(1).values();
            List<Number[]> cells = new ArrayList<>();
            for (SweepOutcome o : outcomes) {
                if (Double.isNaN(trained ? o.testAccuracy() : o.gradientCosine())) continue;
                cells.add(new Number[] {xs.indexOf(o.point().values().get(0)), ys.indexOf(o.point().values().get(1)),
                        trained ? o.testAccuracy() : o.gradientCosine()});
            }
            HeatMapChart heat = new HeatMapChartBuilder().width(800).height(600).title(what)
                    .xAxisTitle(axes.get(0).key()).yAxisTitle(axes.get(1).key()).build();
            heat.getStyler().setShowValue(true);
            heat.getStyler().setHeatMapValueDecimalPattern("0.000"); // 0.853, not .853
            // light colours, so that the black values stay readable on every cell
            heat.getStyler().setRangeColors(new java.awt.Color[] {new java.awt.Color(0xF7, 0xFB, 0xFF), new java.awt.Color(0xC6, 0xDB, 0xEF),
                    new java.awt.Color(0x9E, 0xCA, 0xE1)});
            heat.getStyler().setValueFontColor(java.awt.Color.BLACK);
            heat.addSeries(what, xs, ys, cells);
            Plots.save(out.resolve("sweep-heatmap.png"), heat);
        }
        pareto(out, axes, outcomes);
    }

    /**
     * A design on the Pareto plots: its label, energy per training sample, test accuracy (a mean
     * over seeds, with their standard deviation, 0 for one seed) and area ({@code NaN}: none).
     */
    record DesignPoint(String label, double energy, double accuracy, double accuracySd, double area, SweepOutcome outcome) {
        static DesignPoint of(SweepOutcome o) {
            return new DesignPoint(String.join(", ", o.point().values()), o.cost().training().energy().total(), o.testAccuracy(), 0, o.areaMm2(), o);
        }
    }

    /**
     * The designs the Pareto plots compare: each point, or with a seed axis each combination of
     * the other values, at its means over the seeds (one seed's luck is not a design).
     */
    static List<DesignPoint> designs(List<SweepGrid.Axis> axes, List<SweepOutcome> costed) {
        List<SweepReport.Group> groups = SweepReport.acrossSeeds(axes, costed);
        List<DesignPoint> out = new ArrayList<>();
        if (groups == null) {
            for (SweepOutcome o : costed) out.add(DesignPoint.of(o));
            return out;
        }
        List<String> figures = List.of(SweepReport.FIGURES);
        int accuracy = figures.indexOf("test_accuracy"), energy = figures.indexOf("train_energy_J"), area = figures.indexOf("area_mm2");
        for (SweepReport.Group g : groups) {
            double sd = g.sd()[accuracy];
            out.add(new DesignPoint(g.values().isEmpty() ? "all" : String.join(", ", g.values()) + " (" + g.seeds() + " seeds)", g.mean()[energy],
                    g.mean()[accuracy], Double.isNaN(sd) ? 0 : sd, g.mean()[area], null));
        }
        return out;
    }

    /**
     * Test accuracy against energy per training sample, one point per design (the mean over its
     * seeds, with error bars of one standard deviation, when seeds vary), with the Pareto front (no
     * other design is at least as accurate for less energy) joined and marked.
     */
    static void pareto(Path out, List<SweepGrid.Axis> axes, List<SweepOutcome> outcomes) {
        List<SweepOutcome> costed = new ArrayList<>();
        for (SweepOutcome o : outcomes) if (o.cost() != null && !Double.isNaN(o.testAccuracy())) costed.add(o);
        if (costed.isEmpty()) return;
        List<DesignPoint> designs = designs(axes, costed);
        boolean seeds = SweepReport.seedAxis(axes) >= 0;
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("test accuracy vs energy per training sample" + (seeds ? " (means over seeds, +- sd)" : ""))
                .xAxisTitle("energy per training sample (J)").yAxisTitle("test accuracy").build();
        double[] x = designs.stream().mapToDouble(DesignPoint::energy).toArray();
        double least = java.util.Arrays.stream(x).min().orElse(1), most = java.util.Arrays.stream(x).max().orElse(1);
        chart.getStyler().setXAxisLogarithmic(least > 0 && most / least > 10); // a log axis labels only its decades
        double[] y = designs.stream().mapToDouble(DesignPoint::accuracy).toArray();
        org.knowm.xchart.XYSeries all = seeds ? chart.addSeries("designs", x, y, designs.stream().mapToDouble(DesignPoint::accuracySd).toArray())
                : chart.addSeries("design points", x, y);
        all.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        all.setMarker(SeriesMarkers.CIRCLE);
        // each point labelled with its values, a little above its marker
        double low = java.util.Arrays.stream(y).min().orElse(0), high = java.util.Arrays.stream(y).max().orElse(1);
        double lift = 0.03 * Math.max(high - low, 1e-3);
        for (DesignPoint d : designs) chart.addAnnotation(new org.knowm.xchart.AnnotationText(d.label(), d.energy(), d.accuracy() + lift, false));
        List<DesignPoint> front = paretoFrontOf(designs);
        chart.addSeries("Pareto front", front.stream().mapToDouble(DesignPoint::energy).toArray(),
                front.stream().mapToDouble(DesignPoint::accuracy).toArray()).setMarker(SeriesMarkers.DIAMOND);
        Plots.save(out.resolve("sweep-pareto.png"), chart);
        paretoArea(out, designs, seeds);
    }

    /**
     * Test accuracy against the chip's area, the designs on the front over all three objectives
     * marked (no other is at least as accurate for no more energy and no more area, better in
     * one): a design can trade energy for area, so this front holds designs the energy plot hides.
     */
    static void paretoArea(Path out, List<DesignPoint> designs, boolean seeds) {
        List<DesignPoint> withArea = new ArrayList<>();
        for (DesignPoint d : designs) if (!Double.isNaN(d.area())) withArea.add(d);
        if (withArea.isEmpty()) return;
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("test accuracy vs chip area (front over accuracy, energy and area" + (seeds ? "; means over seeds" : "") + ")")
                .xAxisTitle("area (mm²)").yAxisTitle("test accuracy").build();
        chart.getStyler().setXAxisDecimalPattern("0.####"); // areas of nearby designs differ in the third or fourth decimal
        double[] x = withArea.stream().mapToDouble(DesignPoint::area).toArray(), y = withArea.stream().mapToDouble(DesignPoint::accuracy).toArray();
        org.knowm.xchart.XYSeries all = seeds ? chart.addSeries("designs", x, y, withArea.stream().mapToDouble(DesignPoint::accuracySd).toArray())
                : chart.addSeries("design points", x, y);
        all.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        all.setMarker(SeriesMarkers.CIRCLE);
        List<DesignPoint> front = paretoFront3Of(withArea);
        org.knowm.xchart.XYSeries f = chart.addSeries("front (accuracy, energy, area)", front.stream().mapToDouble(DesignPoint::area).toArray(),
                front.stream().mapToDouble(DesignPoint::accuracy).toArray());
        f.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        f.setMarker(SeriesMarkers.DIAMOND);
        Plots.save(out.resolve("sweep-pareto-area.png"), chart);
    }

    /** {@link #paretoFront3Of} of single points. */
    static List<SweepOutcome> paretoFront3(List<SweepOutcome> points) {
        return paretoFront3Of(points.stream().map(DesignPoint::of).toList()).stream().map(DesignPoint::outcome).toList();
    }

    /** The designs no other dominates in accuracy (higher is better), energy and area (lower is better), in input order. */
    static List<DesignPoint> paretoFront3Of(List<DesignPoint> designs) {
        List<DesignPoint> front = new ArrayList<>();
        for (DesignPoint a : designs) {
            boolean dominated = false;
            for (DesignPoint b : designs) {
                if (a == b) continue;
                boolean noWorse = b.accuracy() >= a.accuracy() && b.energy() <= a.energy() && b.area() <= a.area();
                boolean better = b.accuracy() > a.accuracy() || b.energy() < a.energy() || b.area() < a.area();
                if (noWorse && better) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) front.add(a);
        }
        return front;
    }

    /** {@link #paretoFrontOf} of single points. */
    static List<SweepOutcome> paretoFront(List<SweepOutcome> costed) {
        return paretoFrontOf(costed.stream().map(DesignPoint::of).toList()).stream().map(DesignPoint::outcome).toList();
    }

    /** The designs no other dominates (as accurate or more for no more energy, better in one), by increasing energy. */
    static List<DesignPoint> paretoFrontOf(List<DesignPoint> designs) {
        List<DesignPoint> sorted = new ArrayList<>(designs);
        sorted.sort((a, b) -> a.energy() != b.energy() ? Double.compare(a.energy(), b.energy()) : Double.compare(b.accuracy(), a.accuracy()));
        List<DesignPoint> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (DesignPoint d : sorted) {
            if (d.accuracy() > best) {
                front.add(d);
                best = d.accuracy();
            }
        }
        return front;
    }

    /** With a seed axis: the mean against each other varied parameter, with error bars of one standard deviation across seeds. */
    private static void plotsAcrossSeeds(Path out, List<SweepGrid.Axis> axes, List<SweepOutcome> outcomes, List<SweepReport.Group> groups) {
        Plots.prepare();
        boolean trained = outcomes.stream().anyMatch(o -> !Double.isNaN(o.testAccuracy()));
        int figure = trained ? 0 : 2;
        String what = (trained ? "test accuracy" : "gradient cosine") + ", mean +- sd over seeds";
        List<SweepGrid.Axis> rest = new ArrayList<>();
        for (SweepGrid.Axis a : axes) if (!a.key().equals(epsim.train.RunSetting.SEED.key)) rest.add(a);
        if (rest.isEmpty()) return; // only seeds varied: sweep-summary.csv holds the one mean and deviation
        for (int k = 0; k < rest.size(); k++) {
            XYChart chart = chart(what, rest.get(k));
            Map<String, List<double[]>> series = new LinkedHashMap<>();
            for (SweepReport.Group g : groups) {
                String label = seriesLabel(rest, g.values(), k);
                double y = g.mean()[figure], e = g.sd()[figure];
                if (Double.isNaN(y)) continue;
                double x = numeric(rest.get(k)) ? Double.parseDouble(g.values().get(k)) : rest.get(k).values().indexOf(g.values().get(k));
                series.computeIfAbsent(label.isEmpty() ? what : label, s -> new ArrayList<>()).add(new double[] {x, y, Double.isNaN(e) ? 0 : e});
            }
            for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
                List<double[]> pts = e.getValue();
                pts.sort((a, b) -> Double.compare(a[0], b[0]));
                style(chart.addSeries(e.getKey(), pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray(),
                        pts.stream().mapToDouble(p -> p[2]).toArray()), rest.get(k));
            }
            Plots.save(out.resolve("sweep-" + rest.get(k).key().replace('.', '-') + ".png"), chart);
        }
        pareto(out, axes, outcomes);
    }

    /**
     * A plot of {@code what} against axis {@code a}: a categorical axis (presets, files, rule
     * names) labelled with its values, a positive numeric one spanning a decade or more (levels)
     * on a log scale.
     */
    private static XYChart chart(String what, SweepGrid.Axis a) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(what + " vs " + a.key()).xAxisTitle(a.key()).yAxisTitle(what).build();
        if (!numeric(a)) {
            chart.setCustomXAxisTickLabelsFormatter(x -> {
                long i = Math.round(x);
                return Math.abs(x - i) < 1e-6 && i >= 0 && i < a.values().size() ? a.values().get((int) i) : "";
            });
        } else {
            double least = a.values().stream().mapToDouble(Double::parseDouble).min().orElse(1);
            double most = a.values().stream().mapToDouble(Double::parseDouble).max().orElse(1);
            chart.getStyler().setXAxisLogarithmic(least > 0 && most / least >= 10);
        }
        return chart;
    }

    /**
     * Circles joined by lines along a numeric axis; points alone along a categorical one (presets,
     * rules, files), where a line between two categories would suggest values between them.
     */
    private static void style(org.knowm.xchart.XYSeries series, SweepGrid.Axis a) {
        series.setMarker(SeriesMarkers.CIRCLE);
        if (!numeric(a)) series.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
    }

    /** The series a point belongs to in the plot against axis k: the values of every other axis. */
    private static String seriesLabel(List<SweepGrid.Axis> axes, List<String> values, int k) {
        StringBuilder label = new StringBuilder();
        for (int j = 0; j < axes.size(); j++) {
            if (j != k) label.append(label.length() == 0 ? "" : ", ").append(axes.get(j).key()).append('=').append(values.get(j));
        }
        return label.toString();
    }

    private static boolean numeric(SweepGrid.Axis a) {
        for (String v : a.values()) {
            try {
                Double.parseDouble(v);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }
}
