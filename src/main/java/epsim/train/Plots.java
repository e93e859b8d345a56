package epsim.train;

import epsim.common.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Learning curves as a PNG (XChart, headless). */
public final class Plots {
    private Plots() {}

    /**
     * Renders a small chart into memory once, so that AWT's fonts and disposer are set up before
     * any Ctrl-C: during JVM shutdown AWT refuses to start.
     */
    public static void prepare() {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(10).height(10).build();
        chart.addSeries("s", new double[] {0, 1}, new double[] {0, 1});
        try {
            BitmapEncoder.saveBitmap(chart, java.io.OutputStream.nullOutputStream(), BitmapEncoder.BitmapFormat.PNG);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Train and test accuracy (percent, left axis) and train and test loss (right axis) per epoch. */
    public static void learningCurves(Path file, String title, List<EpochRow> rows) {
        System.setProperty("java.awt.headless", "true");
        double[] epochs = rows.stream().mapToDouble(EpochRow::epoch).toArray();
        XYChart chart = new XYChartBuilder().width(900).height(550).title(title).xAxisTitle("epoch").build();
        chart.setYAxisGroupTitle(0, "accuracy (%)");
        chart.setYAxisGroupTitle(1, "loss (per example)");
        chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.addSeries("train accuracy", epochs, rows.stream().mapToDouble(r -> 100 * r.trainAccuracy()).toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        chart.addSeries("test accuracy", epochs, rows.stream().mapToDouble(r -> 100 * r.testAccuracy()).toArray())
                .setMarker(SeriesMarkers.DIAMOND);
        chart.addSeries("train loss", epochs, rows.stream().mapToDouble(EpochRow::trainLoss).toArray())
                .setMarker(SeriesMarkers.NONE).setYAxisGroup(1);
        chart.addSeries("test loss", epochs, rows.stream().mapToDouble(EpochRow::testLoss).toArray())
                .setMarker(SeriesMarkers.NONE).setYAxisGroup(1);
        save(file, chart);
    }

    /** The tracked gradient probe ({@code --track-gradient}): cosine to the exact gradient per epoch, with 95% intervals. */
    public static void gradientCurves(Path file, String title, List<EpochRow> rows) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(550).title(title).xAxisTitle("epoch")
                .yAxisTitle("cosine(update, exact gradient)").build();
        chart.getStyler().setYAxisDecimalPattern("0.00");
        chart.getStyler().setXAxisDecimalPattern("0");
        int series = rows.get(rows.size() - 1).gradient().length / 2;
        for (int k = 0; k < series; k++) {
            List<EpochRow> measured = new java.util.ArrayList<>();
            for (EpochRow r : rows) if (r.gradient() != null && !Double.isNaN(r.gradient()[2 * k])) measured.add(r);
            if (measured.isEmpty()) continue;
            final int at = 2 * k;
            chart.addSeries(k == 0 ? "all layers" : "layer " + k, measured.stream().mapToDouble(EpochRow::epoch).toArray(),
                    measured.stream().mapToDouble(r -> r.gradient()[at]).toArray(),
                    measured.stream().mapToDouble(r -> Double.isNaN(r.gradient()[at + 1]) ? 0 : r.gradient()[at + 1]).toArray())
                    .setMarker(SeriesMarkers.CIRCLE);
        }
        save(file, chart);
    }

    /** Writes {@code chart} as a PNG, atomically. */
    public static void save(Path file, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        AtomicFiles.write(file, tmp -> {
            try (var out = Files.newOutputStream(tmp)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        });
    }
}
