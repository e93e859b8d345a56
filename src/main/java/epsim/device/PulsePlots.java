package epsim.device;

import epsim.common.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A pulse response as PNGs (XChart, headless): conductance against pulse number, and the step against conductance. */
public final class PulsePlots {
    private PulsePlots() {}

    /** Conductance after every pulse of the first {@code shown} devices, their pulses numbered one after another. */
    public static void ramps(Path file, String title, List<PulseResponse.Pulse> pulses, int shown) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("pulse").yAxisTitle("conductance (µS)").build();
        chart.getStyler().setXAxisDecimalPattern("0");
        for (int d = 0; d < shown; d++) {
            final int device = d;
            List<PulseResponse.Pulse> own = pulses.stream().filter(p -> p.device() == device).toList();
            if (own.isEmpty()) break;
            double[] x = new double[own.size() + 1], y = new double[own.size() + 1];
            y[0] = own.get(0).before();
            for (int k = 0; k < own.size(); k++) {
                x[k + 1] = k + 1;
                y[k + 1] = own.get(k).after();
            }
            chart.addSeries("device " + d, x, y).setMarker(SeriesMarkers.NONE);
        }
        save(file, chart);
    }

    /** Mean step up and down (magnitudes) per conductance bin, with the cycle-to-cycle standard deviation as error bars. */
    public static void steps(Path file, String title, List<PulseResponse.Bin> bins) {
        fit(file, title, bins, null);
    }

    /** {@link #steps}, and with {@code fit} (may be null) its fitted curves beside the measured steps. */
    public static void fit(Path file, String title, List<PulseResponse.Bin> bins, DeviceFit.Fit fit) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("conductance before the pulse (µS)")
                .yAxisTitle("step size (µS)").build();
        for (boolean up : new boolean[] {true, false}) {
            List<PulseResponse.Bin> seen = bins.stream().filter(b -> (up ? b.countUp() : b.countDown()) >= 2).toList();
            if (seen.isEmpty()) continue;
            String name = fit == null ? (up ? "up (potentiation)" : "down (depression)") : "measured " + (up ? "up" : "down");
            chart.addSeries(name, seen.stream().mapToDouble(PulseResponse.Bin::center).toArray(),
                    seen.stream().mapToDouble(b -> up ? b.meanUp() : b.meanDown()).toArray(),
                    seen.stream().mapToDouble(b -> up ? b.stdUp() : b.stdDown()).toArray()).setMarker(up ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
            if (fit == null) continue;
            double[] g = new double[101], step = new double[101];
            for (int k = 0; k <= 100; k++) {
                g[k] = fit.gMin() + k * (fit.gMax() - fit.gMin()) / 100;
                step[k] = fit.meanStep(g[k], up);
            }
            chart.addSeries("fitted " + (up ? "up" : "down") + " (" + fit.response().jsonName + ")", g, step).setMarker(SeriesMarkers.NONE);
        }
        save(file, chart);
    }

    private static void save(Path file, XYChart chart) {
        AtomicFiles.write(file, tmp -> {
            try (var out = Files.newOutputStream(tmp)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        });
    }
}
