package epsim.bench;

import epsim.chip.AnalogChip;
import epsim.data.SyntheticBatch;
import epsim.math.Topology;
import epsim.model.ModelLoader;
import epsim.rule.EquilibriumPropagation;
import epsim.rule.RuleSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Time per EP training step (ideal model, batch 20, T1 20, T2 4, symmetric) as the network
 * grows: one hidden layer of 100 to 4000 neurons, and one to three hidden layers of 500.
 * ScalingPlot draws it against the number of synapses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ScalingBenchmark {
    @Param({"784-100-10", "784-250-10", "784-500-10", "784-1000-10", "784-2000-10", "784-4000-10",
            "784-500-500-10", "784-500-500-500-10"})
    String net;

    AnalogChip chip;
    SyntheticBatch data;
    EquilibriumPropagation ep;

    @Setup
    public void setup() {
        Topology t = Topology.parse(net, "net");
        chip = AnalogChip.fabricate(ModelLoader.load("ideal", List.of()), t, 1);
        data = SyntheticBatch.draw(t, 20, 1);
        ep = new EquilibriumPropagation(RuleSettings.of(epsim.rule.Rule.EP, 1.0, EquilibriumPropagation.Nudging.SYMMETRIC, 20, 4, 0,
                1, learningRates(t)), 1);
    }

    static double[] learningRates(Topology t) {
        double[] lr = new double[t.weightLayers()];
        java.util.Arrays.fill(lr, 0.05);
        return lr;
    }

    @Benchmark
    public Object trainingStep() {
        return ep.train(chip, data.inputs(), data.targets(), 20);
    }
}
