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

    public static void learningCurves(Path file, String title, List<EpochRow> rows) {
        System.setProperty("java.awt.headless", "true");
        double[] epochs = rows.stream().mapToDouble(EpochRow::epoch).toArray();
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title)
                .xAxisTitle("epoch").yAxisTitle("accuracy").build();
        chart.getStyler().setYAxisDecimalPattern("0.000");
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.addSeries("train accuracy", epochs, rows.stream().mapToDouble(EpochRow::trainAccuracy).toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        chart.addSeries("test accuracy", epochs, rows.stream().mapToDouble(EpochRow::testAccuracy).toArray())
                .setMarker(SeriesMarkers.DIAMOND);
        AtomicFiles.write(file, tmp -> {
            try (var out = Files.newOutputStream(tmp)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        });
    }
}
