package epsim.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.chip.ChipCounters;
import epsim.chip.HostedChip;
import epsim.common.AtomicFiles;
import epsim.common.Rng;
import epsim.common.UserError;
import epsim.cost.EventCost;
import epsim.data.Dataset;
import epsim.math.Kernels;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.rule.LearningRule;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The training loop: shuffled mini-batches through a learning rule on a chip, test accuracy
 * after every epoch, and after every epoch (or on a stop request, after the current batch)
 * metrics.csv, run.json, the learning-curve plot and a checkpoint, each written atomically.
 */
public final class Trainer {
    /** What a front end shows while training. */
    public interface Listener {
        default void epochStarted(int epoch, int epochs, int examples) {}

        default void batchDone(int examplesDone, double runningLoss, double runningAccuracy) {}

        default void epochDone(EpochRow row) {}
    }

    private final TrainConfig config;
    private final HardwareModel model;
    private final Topology topology;
    private final Dataset train;
    private final Dataset test;
    private final Path out;
    private final String version;
    private final HostedChip chip;
    private final LearningRule rule;
    private final Rng dataOrder;
    private volatile boolean stopRequested;
    private volatile boolean stoppedEarly;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final String modelFileSha256;
    private boolean counting; // whether the chip's events are costed (a cost section, and a chip that counts)
    private String notCosted; // why not, when not: recorded in run.json
    private boolean checkpoints = true;
    /** Training examples the chip's per-device pulse counts cover: this session's, or (counts persisted with wear) the run's. */
    private long examplesCounted;
    private String chipState = "in checkpoint.bin"; // where the chip's state is kept between sessions: recorded in run.json

    /**
     * A run of {@code config} on {@code chip} (built for it: in process, spice or remote) with
     * {@code data} ({@link TrainingData#load}), writing to {@code out}.
     */
    public Trainer(TrainConfig config, HostedChip chip, TrainingData data, Path out, String version) {
        this.config = config;
        this.out = out;
        this.version = version;
        this.topology = chip.topology();
        this.train = data.train();
        this.test = data.test();
        this.chip = chip;
        this.model = chip.model();
        this.modelFileSha256 = ModelLoader.fileSha256(config.model()); // once: an edit during the run must not be recorded as the run's
        this.rule = config.rule().create(config.seed());
        if (chip.updateMode().fromRankOneTerms() && !rule.rankOne()) {
            throw new UserError(rule.name() + " cannot use update.mode " + chip.updateMode().jsonName + ": " + rule.notRankOne()); // before any work or file
        }
        java.util.Set<epsim.chip.ChipOp> needed = new java.util.TreeSet<>(rule.chipOps());
        if (chip.updateMode().fromRankOneTerms()) needed.add(epsim.chip.ChipOp.UPDATE_OUTER_PRODUCT);
        for (epsim.chip.ChipOp op : needed) {
            if (!chip.supports(op)) {
                throw new UserError(rule.name() + " needs the chip op \"" + op.wire + "\", which the chip does not implement (it needs "
                        + epsim.chip.ChipOp.names(needed) + " beyond the core; docs/cosim-protocol.md, \"The chip contract\")");
            }
        }
        this.dataOrder = Rng.stream(config.seed(), "data-order");
        this.counting = model.cost() != null;
        if (!counting) {
            notCosted = chip.reportsModel() ? "the hardware model has no cost section"
                    : "the chip sent no hardware model (its handshake has none), so there are no cost constants for it";
        }
        Plots.prepare();
    }

    /** The chip the run trains (for measurements on it; they draw on its noise streams). */
    public HostedChip chip() {
        return chip;
    }

    public LearningRule rule() {
        return rule;
    }

    public Dataset trainingSet() {
        return train;
    }

    /** Writes no checkpoint (--no-checkpoint): the run cannot be resumed, and run.json says so. */
    public void withoutCheckpoints() {
        checkpoints = false;
        chipState = "not kept: the run writes no checkpoint (--no-checkpoint)";
    }

    /** A checkpoint of the run so far; the chip's part is null when the chip keeps its own state (it cannot persist). */
    private void checkpoint(Checkpoint.RunningSums sums, int epoch, int batchIndex, long[] order, List<EpochRow> history) {
        if (!checkpoints) return;
        epsim.chip.PersistedChip state = chip.persist();
        if (state == null && !chipState.startsWith("kept")) {
            chipState = "kept by the chip, which cannot persist it: a resume continues from the chip as it is then";
            System.err.println("epsim: the chip does not persist its state: checkpoints hold the host's (rule, data order, metrics), and a resume"
                    + " continues on the chip as it is then");
        }
        new Checkpoint(epoch, batchIndex, order, rule.randomState(), state, sums, history).write(out);
    }

    public HardwareModel model() {
        return model;
    }

    public Dataset trainSet() {
        return train;
    }

    public Dataset testSet() {
        return test;
    }

    /** Asks the loop to stop after the batch in progress, saving first; returns once it has (or after the timeout). */
    public void requestStopAndWait(long timeoutMillis) {
        stopRequested = true;
        try {
            finished.await(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True once the loop has saved and returned because a stop was requested. */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    /** Whole run, or the rest of one from {@code resume}. Returns the finished epochs' rows. */
    public Result run(Checkpoint resume, Listener listener) {
        try {
            return loop(resume, listener);
        } finally {
            finished.countDown();
        }
    }

    public record Result(List<EpochRow> history, boolean stopped) {}

    private Result loop(Checkpoint resume, Listener listener) {
        List<EpochRow> history = new ArrayList<>();
        int startEpoch = 1, startBatch = 0;
        Checkpoint.RunningSums sums = Checkpoint.RunningSums.ZERO;
        if (resume != null) {
            restore(resume);
            rule.restoreRandomState(resume.ruleRandom());
            dataOrder.restore(resume.dataOrder());
            history.addAll(resume.history());
            startEpoch = resume.epoch();
            startBatch = resume.batchIndex();
            sums = resume.sums();
            // with wear the checkpoint holds each device's pulse count since fabrication; without, the counts start with this session
            if (model.device().endurance().limited()) examplesCounted = (long) (startEpoch - 1) * train.count() + resume.sums().seen();
        } else {
            writeRecords(history);
        }
        int batch = config.batch();
        int n = train.count();
        int batches = (n + batch - 1) / batch;
        if (startBatch > batches) {
            throw new UserError(out.resolve(Checkpoint.FILE) + ": batch index " + startBatch + " is past the epoch's " + batches + " batches of "
                    + batch + " of " + n + " examples (not this run's checkpoint?)");
        }
        for (int epoch = startEpoch; epoch <= config.epochs(); epoch++) {
            long[] orderAtStart = dataOrder.state();
            int[] order = dataOrder.permutation(n);
            listener.epochStarted(epoch, config.epochs(), n);
            long started = System.nanoTime();
            double lossSum = sums.loss(), secondsBefore = sums.seconds();
            long correct = sums.correct(), steps = sums.freeSteps(), done = sums.batches(), seen = sums.seen();
            // cost is counted from here: a resumed epoch's figures are per sample of the part after the resume
            ChipCounters eventsBefore = counters();
            long macsBefore = rule.hostWork().macs(), seenBefore = seen;
            if (startBatch > 0) listener.batchDone((int) seen, lossSum / seen, (double) correct / seen);
            for (int b = startBatch; b < batches; b++) {
                int from = b * batch, size = Math.min(batch, n - from);
                Dataset.Examples examples = train.examples(order, from, size, topology.outputSize());
                double[] x = examples.inputs(), y = examples.targets();
                LearningRule.Estimate e = rule.train(chip, x, y, size);
                lossSum += Scoring.loss(e.prediction(), y);
                correct += Scoring.correct(e.prediction(), y, size);
                steps += e.freeSteps();
                done++;
                seen += size;
                examplesCounted += size;
                listener.batchDone((int) seen, lossSum / seen, (double) correct / seen);
                if (stopRequested && b + 1 < batches) {
                    double seconds = secondsBefore + (System.nanoTime() - started) / 1e9;
                    checkpoint(new Checkpoint.RunningSums(lossSum, correct, steps, done, seen, seconds), epoch, b + 1, orderAtStart, history);
                    stoppedEarly = true;
                    return new Result(history, true);
                }
            }
            EventCost.Figures trainingCost = costSince(eventsBefore, macsBefore, seen - seenBefore);
            EventCost.ByLayer trainingSplit = lastSplit;
            Evaluation testFigures = evaluateCounted(test);
            lastSplits = trainingSplit == null || lastSplit == null ? null : new EventCost.ByLayer[] {trainingSplit, lastSplit};
            double seconds = secondsBefore + (System.nanoTime() - started) / 1e9;
            EpochRow.EpochCost cost = trainingCost == null || testFigures.perInference() == null ? null
                    : new EpochRow.EpochCost(trainingCost, testFigures.perInference());
            // after the epoch's clock and counters: the probe is a measurement, not training (it does draw on the chip's noise)
            double[] gradient = config.trackGradient() == null ? null : EpochRow.gradientValues(gradientProbe(config.trackGradient()));
            EpochRow row = new EpochRow(epoch, lossSum / seen, (double) correct / seen, testFigures.loss(), testFigures.accuracy(),
                    (double) steps / done, seconds, cost, gradient, cost == null || lastSplits == null ? null : layerEnergy(lastSplits[0], lastSplits[1]));
            history.add(row);
            // the checkpoint first: the records are rebuilt from its history on resume
            checkpoint(Checkpoint.RunningSums.ZERO, epoch + 1, 0, dataOrder.state(), history);
            writeRecords(history);
            listener.epochDone(row);
            startBatch = 0;
            sums = Checkpoint.RunningSums.ZERO;
            if (stopRequested && epoch < config.epochs()) {
                stoppedEarly = true;
                return new Result(history, true);
            }
        }
        return new Result(history, false);
    }

    /** Mean loss and accuracy over a dataset, and the energy and latency of one inference (null when not costed). */
    public record Evaluation(double loss, double accuracy, EventCost.Figures perInference) {}

    /** The most evaluations one request repeats ({@link #evaluateRepeatedly}; eval --repeats, a sweep's evalRepeats). */
    public static final int MAX_REPEATS = 1000;

    /** {@code repeats} evaluations of {@code data} one after another, each with new draws of the chip's read and thermal noise. */
    public List<Evaluation> evaluateRepeatedly(Dataset data, int repeats) {
        if (repeats < 1 || repeats > MAX_REPEATS) throw new UserError("evaluations: expected 1.." + MAX_REPEATS + ", got " + repeats);
        List<Evaluation> out = new ArrayList<>();
        for (int r = 0; r < repeats; r++) out.add(evaluateCounted(data));
        return out;
    }

    /** {@link #evaluate}, with the cost of one inference from the events it counted. */
    public Evaluation evaluateCounted(Dataset data) {
        ChipCounters before = counters();
        long macs = rule.hostWork().macs();
        double[] f = evaluate(data);
        return new Evaluation(f[0], f[1], costSince(before, macs, data.count()));
    }

    /**
     * The chip's counters, or null when the run is not costed; a chip that cannot report them (an
     * external chip without the op) turns costing off for the run (run.json says why), and never stops it.
     */
    private ChipCounters counters() {
        if (!counting) return null;
        try {
            return chip.counters();
        } catch (UserError e) {
            counting = false;
            notCosted = "the chip reports no counters (" + e.getMessage() + ")";
            return null;
        }
    }

    /**
     * The cost per sample of the events since {@code before} ({@code samples} of them), or null when
     * not costed; its split by layer goes to {@link #lastSplit} (null when the chip does not split).
     */
    private EventCost.Figures costSince(ChipCounters before, long macsBefore, long samples) {
        lastSplit = null;
        if (before == null || samples <= 0) return null;
        ChipCounters now = counters();
        if (now == null) return null;
        ChipCounters events = now.minus(before);
        long macs = rule.hostWork().macs() - macsBefore;
        if (events.layers() != null && model.cost() != null) {
            // the host keeps the weights once the rule has read them back: the run's counts so far say so (the snapshot just taken)
            lastSplit = EventCost.byLayer(model, topology, events, macs, config.batch(), now.weightReads() > 0).per(samples);
        }
        return EventCost.of(model, topology, events, macs).per(samples);
    }

    private EventCost.ByLayer lastSplit;
    /** The last epoch's split by layer per training sample and per inference, for run.json (not checkpointed: a resumed run writes it after its next epoch). */
    private EventCost.ByLayer[] lastSplits;

    /** Mean loss and accuracy of the rule's inference over a dataset, in batches of 100. */
    public double[] evaluate(Dataset data) {
        int n = data.count(), chunk = 100;
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += chunk) {
            int size = Math.min(chunk, n - from);
            Dataset.Examples examples = data.examples(null, from, size, topology.outputSize());
            double[] y = examples.targets();
            double[] prediction = rule.infer(chip, examples.inputs(), size).prediction();
            lossSum += Scoring.loss(prediction, y);
            correct += Scoring.correct(prediction, y, size);
        }
        return new double[] {lossSum / n, (double) correct / n};
    }

    /** {@link GradientProbe#probe} on the training set (draws on the chip's noise streams, so a run that probes is another run). */
    public GradientProbe.Report gradientProbe(GradientProbe.Plan plan) {
        return GradientProbe.probe(chip, probed(plan), train, plan);
    }

    /** The rule the probe runs: the training one, or the same rule at fidelity settings. */
    private LearningRule probed(GradientProbe.Plan plan) {
        return plan.settings() == GradientProbe.Settings.FIDELITY ? rule.settings().forFidelity().create(config.seed()) : rule;
    }

    /** {@link #gradientProbe} as report lines. */
    public List<String> gradientReport(GradientProbe.Plan plan) {
        return GradientProbe.describe(gradientProbe(plan), probed(plan).settings());
    }

    /** Releases the chip (ends a remote chip's session). */
    public void close() {
        chip.close();
    }

    /**
     * The chip back to the checkpoint's state; a checkpoint without one (the chip keeps its own)
     * continues on an external chip as it is, and is refused for a chip epsim builds afresh.
     */
    public void restore(Checkpoint cp) {
        if (cp.chip() != null) {
            chip.restore(cp.chip());
            return;
        }
        if (!config.backend().equals("exec") && !config.backend().equals("tcp")) {
            throw new UserError(out.resolve(Checkpoint.FILE) + ": the checkpoint holds no chip state (the run's chip kept its own), and a "
                    + config.backend() + " chip is built afresh: there is nothing to continue from");
        }
        chipState = "kept by the chip, which cannot persist it: a resume continues from the chip as it is then";
        System.err.println("epsim: " + out.resolve(Checkpoint.FILE) + " holds no chip state (the chip keeps its own): continuing on the chip as it is now");
    }

    /** Lets the chip sit idle (its devices drifting) before an evaluation. */
    public void advanceTime(double seconds) {
        chip.advanceTime(seconds);
    }

    private void writeJson(ObjectNode run) {
        try {
            AtomicFiles.writeString(out.resolve("run.json"), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(run) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** metrics.csv's split: each layer's energy then the shared part's, per training sample, then the same per inference. */
    private static double[] layerEnergy(EventCost.ByLayer train, EventCost.ByLayer infer) {
        int n = train.layers().size() + 1;
        double[] v = new double[2 * n];
        for (int i = 0; i < n - 1; i++) {
            v[i] = train.layers().get(i).energy().total();
            v[n + i] = infer.layers().get(i).energy().total();
        }
        v[n - 1] = train.sharedEnergy().total();
        v[2 * n - 1] = infer.sharedEnergy().total();
        return v;
    }

    /** Each layer's energy and latency per training sample, energy per inference and area; then what the layers share. */
    private static void byLayer(com.fasterxml.jackson.databind.node.ArrayNode out, EventCost.ByLayer train, EventCost.ByLayer infer) {
        for (int i = 0; i <= train.layers().size(); i++) {
            boolean shared = i == train.layers().size();
            ObjectNode o = out.addObject();
            if (shared) o.put("layer", "shared");
            else o.put("layer", train.layers().get(i).layer());
            EventCost.Energy e = shared ? train.sharedEnergy() : train.layers().get(i).energy();
            EventCost.Energy ie = shared ? infer.sharedEnergy() : infer.layers().get(i).energy();
            EventCost.Latency l = shared ? train.sharedLatency() : train.layers().get(i).latency();
            double area = shared ? train.sharedAreaUm2() : train.layers().get(i).areaUm2();
            o.put("trainingEnergy", e.total());
            o.put("trainingLatency", l.total());
            o.put("inferenceEnergy", ie.total());
            if (!Double.isNaN(area)) o.put("areaMm2", area * 1e-6);
        }
    }

    /** The chip's area in mm² (docs/cost.md), or NaN when the model has no area figures. */
    public double areaMm2() {
        EventCost.Area area = EventCost.area(model, topology, config.batch(), readsWeights());
        return area == null ? Double.NaN : area.total() * 1e-6;
    }

    /** Whether the rule has read the weights back (the host then keeps a copy of them). */
    private boolean readsWeights() {
        ChipCounters now = counters();
        return now != null && now.weightReads() > 0;
    }

    private static void figures(ObjectNode node, EventCost.Figures f) {
        ObjectNode energy = node.putObject("energy");
        energy.put("total", f.energy().total());
        f.energy().components().forEach(energy::put);
        ObjectNode latency = node.putObject("latency");
        latency.put("total", f.latency().total());
        f.latency().components().forEach(latency::put);
    }

    /** run.json (first: a resume needs it), then metrics.csv and the plot once there are epochs. */
    private void writeRecords(List<EpochRow> history) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode run = json.createObjectNode();
        run.put("epsim", version);
        run.put("kernels", Kernels.describe()); // bits are reproducible per backend and machine
        run.set("options", config.toJson());
        if (modelFileSha256 != null) run.put(TrainConfig.MODEL_HASH, modelFileSha256);
        run.set("model", ModelLoader.toJson(model));
        ObjectNode summary = run.putObject("summary");
        summary.put("model", config.modelLabel(model.name()));
        summary.put("backend", config.backend());
        summary.put("rule", config.ruleLabel());
        if (!chipState.equals("in checkpoint.bin")) run.put("chipState", chipState); // said only when not the usual
        java.util.Map<String, double[]> trips = chip.roundTrips();
        if (!trips.isEmpty()) {
            ObjectNode protocol = run.putObject("protocol");
            protocol.put("note", "calls and seconds of round trip per op, this session (docs/cosim-protocol.md, \"Overhead\")");
            if (chip.arrayTransport() != null) protocol.put("arrays", chip.arrayTransport());
            trips.forEach((op, t) -> protocol.putObject(op).put("calls", (long) t[0]).put("seconds", t[1]));
        }
        run.put("trainExamples", train.count());
        run.put("testExamples", test.count());
        if (history.isEmpty()) {
            writeJson(run);
            return;
        }
        StringBuilder csv = new StringBuilder(EpochRow.csvHeader(history)).append('\n');
        int layerColumns = EpochRow.layerColumns(history);
        for (EpochRow r : history) csv.append(r.csv(layerColumns)).append('\n');
        EpochRow last = history.get(history.size() - 1);
        ObjectNode fin = run.putObject("final");
        fin.put("epoch", last.epoch());
        fin.put("trainAccuracy", last.trainAccuracy());
        fin.put("testAccuracy", last.testAccuracy());
        fin.put("testLoss", last.testLoss());
        fin.put("bestTestAccuracy", history.stream().mapToDouble(EpochRow::testAccuracy).max().orElse(0));
        if (last.cost() == null && notCosted != null) {
            fin.put("cost", "not costed: " + notCosted);
        } else if (last.cost() != null) {
            ObjectNode cost = fin.putObject("cost");
            cost.put("note", "energy (J) and latency (s) per training sample and per inference, from the events counted in the last epoch (docs/cost.md)");
            figures(cost.putObject("perTrainingSample"), last.cost().training());
            figures(cost.putObject("perInference"), last.cost().inference());
            // the host keeps the weights when the rule reads them back (backprop, GAIT-prop, local propagation)
            EventCost.Area area = EventCost.area(model, topology, config.batch(), readsWeights());
            if (area != null) {
                ObjectNode mm2 = cost.putObject("areaMm2");
                mm2.put("total", area.total() * 1e-6);
                area.components().forEach((k, v) -> mm2.put(k, v * 1e-6));
            }
            if (lastSplits != null) byLayer(cost.putArray("byLayer"), lastSplits[0], lastSplits[1]);
        }
        epsim.device.WearReport wear = examplesCounted > 0 ? chip.wear((double) examplesCounted / train.count(), Double.parseDouble(epsim.device.WearReport.DEFAULT_FRACTION)) : null;
        if (wear != null) fin.set("wear", wear.toJson());
        writeJson(run);
        AtomicFiles.writeString(out.resolve("metrics.csv"), csv.toString());
        try {
            String title = config.runLabel(model.name()) + ", " + topology + ", " + config.dataset();
            Plots.learningCurves(out.resolve("learning-curves.png"), title, history);
            if (last.gradient() != null) Plots.gradientCurves(out.resolve("gradient.png"), title, history);
        } catch (RuntimeException | LinkageError e) {
            // a plot is a convenience: never lose a run over it (e.g. AWT refusing to start during shutdown)
            System.err.println("epsim: warning: learning-curves.png not written (" + e + ")");
        }
    }
}
