package epsim.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import epsim.math.Topology;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads ScalingBenchmark's JMH JSON, writes the time per training step against the number of
 * synapses as a PNG (with the least-squares line through the origin of the one-hidden-layer
 * points) and prints each point's time per synapse and a two-term fit
 * time = a synapses + b operations over all points.
 *
 * <p>The operations of one step at batch B with T = 20 + 4 + 4 relaxation steps: the input
 * crossbar (S_1 synapses) is used twice per training step (its drive once, since the input is
 * clamped, and one Hebbian product of the phase difference), every other crossbar S_k 2T times
 * (bottom-up and top-down at every relaxation step) plus two Hebbian products:
 * B (2 S_1 + sum_k (2T + 2) S_k). The cost is linear in the synapses of a one-hidden-layer
 * network, whose top crossbar is small, and in these operations for any depth.
 * Usage: {@code java -cp target/benchmarks.jar epsim.bench.ScalingPlot jmh.json out.png}.
 */
public final class ScalingPlot {
    private static final int BATCH = 20, STEPS = 20 + 4 + 4;

    public static void main(String[] args) throws IOException {
        JsonNode runs = new ObjectMapper().readTree(Files.readAllBytes(Path.of(args[0])));
        List<double[]> one = new ArrayList<>(), deep = new ArrayList<>();
        for (JsonNode r : runs) {
            if (!r.get("benchmark").asText().contains("ScalingBenchmark")) continue;
            String net = r.get("params").get("net").asText();
            Topology t = Topology.parse(net, "net");
            double synapses = 0, operations = 0;
            for (int k = 0; k < t.weightLayers(); k++) {
                double s = (double) t.size(k) * t.size(k + 1);
                synapses += s;
                operations += BATCH * (k == 0 ? 2 : 2 * STEPS + 2) * s;
            }
            double ms = r.get("primaryMetric").get("score").asDouble();
            (t.weightLayers() == 2 ? one : deep).add(new double[] {synapses, ms, operations});
            System.out.printf("  %-20s %9.0f synapses %6.0f M ops/step  %8.2f ms/step  %6.2f ns per synapse  %5.3f ns per op%n",
                    net, synapses, operations / 1e6, ms, ms * 1e6 / synapses, ms * 1e6 / operations);
        }
        double sxy = 0, sxx = 0;
        for (double[] p : one) { // weighted by 1 / time^2: least relative error, so the small nets count
            double w = 1 / (p[1] * p[1]);
            sxy += w * p[0] * p[1];
            sxx += w * p[0] * p[0];
        }
        double slope = sxy / sxx;
        System.out.printf("  one hidden layer, least relative squares through the origin: %.2f ns per synapse%n", slope * 1e6);
        // two-term least squares over every point: per-synapse work (programming, reading the
        // devices, the input crossbar) and per-operation work (the crossbars at every relaxation step)
        List<double[]> all = new ArrayList<>(one);
        all.addAll(deep);
        double s11 = 0, s12 = 0, s22 = 0, s1y = 0, s2y = 0;
        for (double[] p : all) {
            double w = 1 / (p[1] * p[1]);
            s11 += w * p[0] * p[0];
            s12 += w * p[0] * p[2];
            s22 += w * p[2] * p[2];
            s1y += w * p[0] * p[1];
            s2y += w * p[2] * p[1];
        }
        double det = s11 * s22 - s12 * s12, a = (s1y * s22 - s2y * s12) / det, b = (s11 * s2y - s12 * s1y) / det;
        System.out.printf("  all points, least relative squares, time = a synapses + b operations: a = %.2f ns per synapse, b = %.3f ns per operation%n", a * 1e6, b * 1e6);
        for (double[] p : all) System.out.printf("    %9.0f synapses: measured %7.2f ms, fit %7.2f ms%n", p[0], p[1], a * p[0] + b * p[2]);
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("EP training step, ideal model, batch 20, T1 20, T2 4")
                .xAxisTitle("synapses").yAxisTitle("ms per training step").build();
        add(chart, "one hidden layer, 100-4000 neurons", one).setMarker(SeriesMarkers.CIRCLE);
        if (!deep.isEmpty()) add(chart, "2 and 3 hidden layers of 500", deep).setMarker(SeriesMarkers.DIAMOND);
        double maxX = one.stream().mapToDouble(p -> p[0]).max().orElse(1);
        chart.addSeries("linear fit, one hidden layer", new double[] {0, maxX}, new double[] {0, slope * maxX}).setMarker(SeriesMarkers.NONE);
        try (var out = Files.newOutputStream(Path.of(args[1]))) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static XYSeries add(XYChart chart, String name, List<double[]> points) {
        return chart.addSeries(name, points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray());
    }
}
