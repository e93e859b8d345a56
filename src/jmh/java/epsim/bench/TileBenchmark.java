package epsim.bench;

import epsim.chip.AnalogChip;
import epsim.data.SyntheticBatch;
import epsim.math.Topology;
import epsim.math.WiredArray;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tiles and wires side by side (docs/tiles.md): one EP training step of the README run's shape
 * (784-500-10, batch 20, T1 20, T2 4, the default model) on one array per layer, on 256 x 256 tiles
 * with ideal wires, and on the same tiles with 1 ohm per cell; and one solve of a wired tile.
 * Run: {@code mvn -B -Pbench package && java -jar target/benchmarks.jar TileBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class TileBenchmark {
    /** none: one array per layer; tiles: 256 x 256 with ideal wires; wired: the same tiles with wires of {@link #ohms} per cell. */
    @Param({"none", "tiles", "wired"})
    String array;

    @Param({"1"})
    double ohms;

    AnalogChip chip;
    SyntheticBatch data;
    EquilibriumPropagation ep;
    WiredArray tile;
    double[] rowVolts, colVolts, currents;

    @Setup
    public void setup() {
        List<String> sets = new ArrayList<>();
        if (!array.equals("none")) sets.addAll(List.of("array.tileRows=256", "array.tileColumns=256"));
        if (array.equals("wired")) sets.addAll(List.of("array.rowWireResistance=" + ohms, "array.columnWireResistance=" + ohms));
        HardwareModel m = ModelLoader.load("default", sets);
        Topology t = new Topology(784, 500, 10);
        chip = AnalogChip.fabricate(m, t, 1);
        data = SyntheticBatch.draw(t, 20, 1);
        chip.setInputs(data.inputs(), 20);
        chip.resetState();
        ep = new EquilibriumPropagation(RuleSettings.of(epsim.rule.Rule.EP, 1.0, EquilibriumPropagation.Nudging.SYMMETRIC, 20, 4, 0,
                1, new double[] {0.1, 0.05}), 1);
        tile = new WiredArray(256, 256, Math.max(ohms, 1e-6), Math.max(ohms, 1e-6));
        java.util.Random rnd = new java.util.Random(1);
        for (int i = 0; i < 256; i++) for (int j = 0; j < 256; j++) tile.set(i, j, 0.5 + 10 * rnd.nextDouble());
        tile.factor();
        rowVolts = new double[256];
        for (int i = 0; i < 256; i++) rowVolts[i] = rnd.nextDouble();
        colVolts = new double[256];
        currents = new double[256];
    }

    /** Free phase (20 steps), two nudged phases (4 steps each) and the programmed update, per batch of 20. */
    @Benchmark
    public Object trainingStep() {
        chip.setNudge(null, 0);
        return ep.train(chip, data.inputs(), data.targets(), 20);
    }

    /** One forward read of one 256 x 256 array with wires of {@link #ohms} per cell (random conductances over the default range; the same for every array parameter). */
    @Benchmark
    public Object tileSolve() {
        tile.solve(rowVolts, colVolts, null, currents);
        return currents;
    }
}
