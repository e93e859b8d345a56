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

    /**
     * The first device's measured pulses beside the same pulse sequence replayed on one device of
     * the fitted model (seed {@code seed}): at most {@code limit} pulses, half up and half down, the replay restarting from
     * the measured conductance wherever a new ramp starts (a read that is not the last one's).
     */
    public static void replay(Path file, String title, List<PulseData.Step> steps, epsim.model.HardwareModel.Device fitted, long seed, int limit) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("pulse").yAxisTitle("conductance (µS)").build();
        chart.getStyler().setXAxisDecimalPattern("0");
        int device = steps.get(0).device();
        // both polarities: the first half of the limit in up pulses, the second in down pulses, each in file order
        List<PulseData.Step> own = new java.util.ArrayList<>(steps.stream().filter(s -> s.device() == device && s.up()).limit(limit / 2).toList());
        own.addAll(steps.stream().filter(s -> s.device() == device && !s.up()).limit(limit / 2).toList());
        PulsedDevices replay = new PulsedDevices(fitted, 1, epsim.common.Rng.stream(seed, "fabrication"));
        epsim.common.Rng pulses = epsim.common.Rng.stream(seed, "replay");
        double[] x = new double[own.size()], measured = new double[own.size()], model = new double[own.size()];
        double last = Double.NaN;
        for (int k = 0; k < own.size(); k++) {
            PulseData.Step s = own.get(k);
            if (s.before() != last) replay.force(0, s.before(), 0);
            replay.pulse(0, s.up(), 1, pulses);
            x[k] = k + 1;
            measured[k] = s.after();
            model[k] = replay.programmed(0);
            last = s.after();
        }
        chart.addSeries("measured (device " + device + ")", x, measured).setMarker(SeriesMarkers.NONE);
        chart.addSeries("the same pulses on the fitted model", x, model).setMarker(SeriesMarkers.NONE);
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
