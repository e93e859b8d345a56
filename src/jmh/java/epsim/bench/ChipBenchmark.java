package epsim.bench;

import epsim.chip.AnalogChip;
import epsim.data.SyntheticBatch;
import epsim.math.Topology;
import epsim.model.HardwareModel;
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
 * One relaxation step and one EP training step on 784-500-10.
 * Run: {@code mvn -B -Pbench package && java -jar target/benchmarks.jar}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChipBenchmark {
    @Param({"1", "20", "100"})
    int batch;

    @Param({"ideal", "default"})
    String model;

    /** For relaxationStep: a free step, or a nudged one (beta 1 towards the batch's targets). */
    @Param({"free", "nudged"})
    String phase;

    AnalogChip chip;
    SyntheticBatch data;
    EquilibriumPropagation ep;

    @Setup
    public void setup() {
        HardwareModel m = ModelLoader.load(model, List.of());
        Topology t = new Topology(784, 500, 10);
        chip = AnalogChip.fabricate(m, t, 1);
        data = SyntheticBatch.draw(t, batch, 1);
        chip.setInputs(data.inputs(), batch);
        chip.resetState();
        if (phase.equals("nudged")) chip.setNudge(data.targets(), 1.0);
        ep = new EquilibriumPropagation(RuleSettings.of(epsim.rule.Rule.EP, 1.0, EquilibriumPropagation.Nudging.SYMMETRIC, 20, 4, 0,
                1, new double[] {0.1, 0.05}), 1);
    }

    /** One step of the whole batch (the input drive is computed once per relaxation, so a step is the 500x10 crossbar both ways). */
    @Benchmark
    public Object relaxationStep() {
        return chip.relax(1, 0);
    }

    /** Free phase (20 steps), two nudged phases (4 steps each) and the programmed update, per batch. */
    @Benchmark
    public Object trainingStep() {
        chip.setNudge(null, 0);
        return ep.train(chip, data.inputs(), data.targets(), batch);
    }
}
