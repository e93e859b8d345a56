package epsim.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import epsim.chip.Topology;
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
 * Reads ScalingBenchmark's JMH JSON and writes the time per training step against the number of
 * synapses as a PNG, with the least-squares line through the origin of the one-hidden-layer
 * points, and prints each point's time per synapse (constant if the cost is linear).
 * Usage: {@code java -cp target/benchmarks.jar epsim.bench.ScalingPlot jmh.json out.png}.
 */
public final class ScalingPlot {
    public static void main(String[] args) throws IOException {
        JsonNode runs = new ObjectMapper().readTree(Files.readAllBytes(Path.of(args[0])));
        List<double[]> one = new ArrayList<>(), deep = new ArrayList<>();
        for (JsonNode r : runs) {
            if (!r.get("benchmark").asText().contains("ScalingBenchmark")) continue;
            String net = r.get("params").get("net").asText();
            Topology t = Topology.parse(net, "net");
            double synapses = 0;
            for (int k = 0; k < t.weightLayers(); k++) synapses += (double) t.size(k) * t.size(k + 1);
            double ms = r.get("primaryMetric").get("score").asDouble();
            (t.weightLayers() == 2 ? one : deep).add(new double[] {synapses, ms});
            System.out.printf("  %-20s %9.0f synapses  %8.2f ms/step  %6.2f ns per synapse%n", net, synapses, ms, ms * 1e6 / synapses);
        }
        double sxy = 0, sxx = 0;
        for (double[] p : one) {
            sxy += p[0] * p[1];
            sxx += p[0] * p[0];
        }
        double slope = sxy / sxx;
        System.out.printf("  least squares through the origin (one hidden layer): %.2f ns per synapse%n", slope * 1e6);
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("EP training step, ideal model, batch 20, T1 20, T2 4")
                .xAxisTitle("synapses").yAxisTitle("ms per training step").build();
        add(chart, "one hidden layer, 100-4000 neurons", one).setMarker(SeriesMarkers.CIRCLE);
        if (!deep.isEmpty()) add(chart, "2 and 3 hidden layers of 500", deep).setMarker(SeriesMarkers.DIAMOND);
        double maxX = one.stream().mapToDouble(p -> p[0]).max().orElse(1);
        chart.addSeries("linear fit", new double[] {0, maxX}, new double[] {0, slope * maxX}).setMarker(SeriesMarkers.NONE);
        try (var out = Files.newOutputStream(Path.of(args[1]))) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static XYSeries add(XYChart chart, String name, List<double[]> points) {
        return chart.addSeries(name, points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray());
    }
}
