package epsim.experiment;

import epsim.backend.ChipFactory;
import epsim.common.UserError;
import epsim.math.Topology;
import epsim.train.Checkpoint;
import epsim.train.EpochRow;
import epsim.train.GradientProbe;
import epsim.train.TrainConfig;
import epsim.train.Trainer;
import epsim.train.TrainingData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs a sweep's points (each a training run and/or a gradient probe) on a pool of threads, and
 * merges a sweep run in shards. Shard k of n takes the points whose index is k-1 modulo n; tied to
 * a manifest, a finished point is skipped and an unfinished one continues from its checkpoint.
 */
public final class SweepRunner {
    private SweepRunner() {}

    /** How long a point waits for a reply of an external chip (the sweep's chips are in process or spice). */
    private static final double CHIP_TIMEOUT_SECONDS = 120;

    /**
     * Runs {@code points} of {@code grid} on {@code threads} threads; {@code done} is told each
     * finished index. With a {@code probe}, each point's gradient fidelity ({@link GradientProbe},
     * every layer as one vector) is measured on the chip the point ends with: the trained one, or
     * the fresh one when {@code train} is false. Tied to {@code manifest} (null: not), a point with
     * an outcome of this sweep is skipped, an unfinished training run continues from its checkpoint
     * (a pre-empted task loses at most the epoch in progress), and a point that fails gives a row
     * with its error instead of stopping the others.
     */
    public static List<SweepOutcome> run(SweepGrid grid, List<SweepGrid.Point> points, boolean train, GradientProbe.Plan probe, Path out,
                                         int threads, IntConsumer done, SweepManifest manifest) throws Exception {
        grid.validate(points);
        Topology t = Topology.parse(grid.base().net(), "--net");
        TrainingData data = TrainingData.load(grid.base(), t); // one copy, read by every point
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<SweepOutcome>> futures = new ArrayList<>();
            for (SweepGrid.Point p : points) futures.add(pool.submit(() -> point(grid, p, t, data, train, probe, out, done, manifest)));
            List<SweepOutcome> outcomes = new ArrayList<>();
            for (Future<SweepOutcome> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UserError u) throw u;
                    throw e;
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static SweepOutcome point(SweepGrid grid, SweepGrid.Point p, Topology t, TrainingData data, boolean train, GradientProbe.Plan probe,
                                      Path out, IntConsumer done, SweepManifest manifest) throws Exception {
        Path dir = SweepOutcome.pointDir(out, p);
        SweepOutcome finished = manifest == null ? null : SweepOutcome.read(dir, manifest.hash(), p);
        if (finished != null && finished.error() == null) { // a failed point is tried again
            done.accept(p.index());
            return finished;
        }
        long start = System.nanoTime();
        SweepOutcome.requireFolder(dir); // (read checks it too, with a manifest)
        try {
            Files.createDirectories(dir);
            TrainConfig c = grid.config(p);
            double testAcc = Double.NaN, trainAcc = Double.NaN;
            EpochRow last = null;
            Trainer trainer = new Trainer(c, ChipFactory.build(c.chip(), grid.model(p), t, c.seed(), CHIP_TIMEOUT_SECONDS), data, dir, "sweep");
            if (train) {
                Checkpoint cp = manifest != null && Files.isRegularFile(dir.resolve(Checkpoint.FILE)) ? Checkpoint.read(dir) : null;
                if (cp != null && cp.epoch() > c.epochs()) {
                    trainer.restore(cp); // finished before its outcome was written: the probe below needs its chip
                    last = cp.history().get(cp.history().size() - 1);
                } else {
                    Trainer.Result r = trainer.run(cp, new Trainer.Listener() {});
                    last = r.history().get(r.history().size() - 1);
                }
                testAcc = last.testAccuracy();
                trainAcc = last.trainAccuracy();
                SweepGrid.Evaluation again = grid.evaluation(p);
                if (again != null) {
                    // the trained chip idles (drifting), then is evaluated repeatedly, each time with new noise draws
                    trainer.advanceTime(again.afterSeconds());
                    double sum = 0;
                    for (Trainer.Evaluation e : trainer.evaluateRepeatedly(data.test(), again.repeats())) sum += e.accuracy();
                    testAcc = sum / again.repeats();
                }
            }
            GradientProbe.Figure cosine = probe == null ? new GradientProbe.Figure(Double.NaN, Double.NaN, 0)
                    : trainer.gradientProbe(probe).overall().cosine();
            SweepOutcome o = new SweepOutcome(p, testAcc, trainAcc, cosine.mean(), cosine.halfWidth(), (System.nanoTime() - start) / 1e9,
                    last == null ? null : last.cost(), null, trainer.areaMm2());
            if (manifest != null) o.write(dir, manifest.hash(), last);
            done.accept(p.index());
            return o;
        } catch (RuntimeException e) {
            done.accept(p.index());
            String why = e instanceof UserError ? e.getMessage() : "internal error: " + e;
            SweepOutcome failed = SweepOutcome.failed(p, (System.nanoTime() - start) / 1e9, why);
            if (manifest != null) failed.write(dir, manifest.hash(), null);
            return failed;
        }
    }

    /**
     * The whole sweep from its folder, whatever shards and machines ran it: every point of the
     * manifest must have its outcome, exactly once; then sweep.csv in point order, the summary
     * across seeds and the plots, as an unsharded run writes them. Missing points are named with
     * the command that runs them (a re-run skips the finished ones).
     */
    public static List<SweepOutcome> merge(Path dir) {
        SweepManifest m = SweepManifest.read(dir);
        SweepGrid grid = m.grid();
        List<SweepOutcome> outcomes = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        for (SweepGrid.Point p : grid.points()) {
            SweepOutcome o = SweepOutcome.read(SweepOutcome.pointDir(dir, p), m.hash(), p);
            if (o == null) missing.add(p.index());
            else outcomes.add(o);
        }
        if (!missing.isEmpty()) {
            String which = missing.size() <= 12 ? missing.toString() : missing.subList(0, 12) + " and " + (missing.size() - 12) + " more";
            throw new UserError(dir + ": " + missing.size() + " of " + grid.points().size() + " points have no outcome (" + which + "): run the sweep "
                    + "again, which skips the finished points" + (m.command().isEmpty() ? "" : ": " + epsim.common.Shell.command(epsim.common.Shell.launcher(), m.command())));
        }
        SweepReport.write(dir, grid, outcomes, m.probe(), "sweep.csv", true, true);
        return outcomes;
    }
}
