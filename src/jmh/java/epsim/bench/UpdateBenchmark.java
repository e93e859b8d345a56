package epsim.bench;

import epsim.chip.AnalogChip;
import epsim.data.SyntheticBatch;
import epsim.math.Kernels;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.ModelLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;

/**
 * One rank-one update of the 784 x 500 crossbar (a batch of 20 examples' terms, EP's first-layer
 * update): the host forming the outer products and programming every device, against the array's
 * own pulse-train update of the same terms (docs/update.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@Fork(1)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
public class UpdateBenchmark {
    @Param({"1", "31"})
    int bitLength;

    private static final Topology NET = new Topology(784, 500, 10);
    private static final int TERMS = 20;
    AnalogChip host, array;
    double[] rows, columns;
    double scale = -0.1 / (2 * TERMS);

    @Setup
    public void setup() {
        host = AnalogChip.fabricate(ModelLoader.load("default", List.of()), NET, 1);
        array = AnalogChip.fabricate(ModelLoader.load("default", List.of("update.mode=outerProduct", "update.blManagement=false",
                "update.bitLength=" + bitLength)), NET, 1);
        SyntheticBatch d = SyntheticBatch.draw(NET, TERMS, 1);
        columns = d.inputs();
        rows = new double[TERMS * 500];
        for (int i = 0; i < rows.length; i++) rows[i] = 0.1 * Math.sin(i); // a phase difference of the size EP reads
    }

    /** The host: the terms' outer products (a kernel product), then a programming request for every device. */
    @Benchmark
    public Object hostUpdate() {
        LayerParams delta = new LayerParams(NET);
        Kernels.transposeMultiplyAccumulate(scale, rows, TERMS, 500, columns, 784, delta.w[0]);
        for (int t = 0; t < TERMS; t++) for (int i = 0; i < 500; i++) delta.b[0][i] += scale * rows[t * 500 + i];
        host.program(delta);
        return delta;
    }

    /** The array: the same terms as pulse trains on its rows and columns. */
    @Benchmark
    public Object arrayUpdate() {
        array.updateOuterProduct(0, rows, columns, 1, TERMS, scale);
        return array;
    }
}
