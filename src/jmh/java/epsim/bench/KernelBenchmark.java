package epsim.bench;

import epsim.math.Kernels;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The crossbar kernels on the shapes of 784-500-10, double precision, each a matrix product of
 * {@code rows x inner} by {@code inner x cols} (2 rows inner cols floating-point operations), on
 * both backends. The shapes are the chip's: the forward product W x (weights stored
 * {@code cols x inner}) for the input drive and the bottom-up current into the outputs, the
 * top-down current W^T r into the hidden layer, and the Hebbian update. bench/compare.sh runs
 * numpy's matmul on the same shapes for the ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelBenchmark {
    /** rows x inner x cols: input drive (batch 20 and 100), bottom-up to the outputs, top-down to the hidden layer, Hebbian update. */
    @Param({"20x784x500", "100x784x500", "20x500x10", "20x10x500", "hebbian-20x500x784"})
    String shape;

    @Param({"native", "java"})
    String backend;

    double[] a, m, c;
    int rows, inner, cols;
    boolean hebbian, topDown;

    @Setup
    public void setup() {
        Kernels.select(backend);
        hebbian = shape.startsWith("hebbian-");
        String[] p = shape.replace("hebbian-", "").split("x");
        rows = Integer.parseInt(p[0]);
        inner = Integer.parseInt(p[1]);
        cols = Integer.parseInt(p[2]);
        topDown = !hebbian && inner < cols / 10;
        Random r = new Random(1);
        a = new double[rows * inner];
        m = new double[(hebbian ? rows : inner) * cols]; // forward: read as W (cols x inner)
        c = new double[(hebbian ? inner : rows) * cols];
        for (int i = 0; i < a.length; i++) a[i] = r.nextDouble();
        for (int i = 0; i < m.length; i++) m[i] = r.nextDouble() - 0.5;
    }

    @Benchmark
    public double[] product() {
        if (hebbian) Kernels.transposeMultiplyAccumulate(1e-3, a, rows, inner, m, cols, c);
        else if (topDown) Kernels.multiplyAccumulateScaled(1.0, a, rows, inner, m, cols, c);
        else Kernels.multiplyTransposedAccumulate(a, rows, inner, m, cols, c);
        return c;
    }
}
