package epsim.train;

import epsim.chip.AnalogChip;
import epsim.common.AtomicFiles;
import epsim.common.UserError;
import epsim.data.Dataset;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * A design-space sweep: the cross product (or a zipped list) of model-field values, each point a
 * training run and/or a gradient check, run in parallel, written as one CSV row per point plus
 * plots. Shard k of n takes the points whose index is k-1 modulo n; only shard 1 writes the CSV
 * header, so the shards' CSVs concatenate into the whole table.
 */
public final class Sweep {
    public record Axis(String key, List<String> values) {}

    public record Point(int index, List<String> values) {}

    /** One point's figures; {@code cost} is its last epoch's energy and latency (null without training or a cost section). */
    public record Outcome(Point point, double testAccuracy, double trainAccuracy, double gradientCosine, double gradientHalfWidth,
                          double seconds, EpochRow.EpochCost cost, String error) {
        public Outcome(Point point, double testAccuracy, double trainAccuracy, double gradientCosine, double gradientHalfWidth,
                       double seconds, EpochRow.EpochCost cost) {
            this(point, testAccuracy, trainAccuracy, gradientCosine, gradientHalfWidth, seconds, cost, null);
        }

        /** A point that failed: its row says why, and a re-run tries it again. */
        static Outcome failed(Point point, double seconds, String error) {
            return new Outcome(point, Double.NaN, Double.NaN, Double.NaN, Double.NaN, seconds, null, error);
        }
    }

    /** A finished point's figures, written atomically into its folder: a re-run of the sweep skips it. */
    public static final String OUTCOME = "outcome.json";

    static Path pointDir(Path out, Point p) {
        return out.resolve("points").resolve(String.format(Locale.ROOT, "%04d", p.index()));
    }

    static void writeOutcome(Path dir, String hash, Outcome o, EpochRow last) {
        com.fasterxml.jackson.databind.node.ObjectNode j = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        j.put("manifest", hash);
        j.put("index", o.point().index());
        o.point().values().forEach(j.putArray("values")::add);
        putNumber(j, "testAccuracy", o.testAccuracy());
        putNumber(j, "trainAccuracy", o.trainAccuracy());
        putNumber(j, "gradientCosine", o.gradientCosine());
        putNumber(j, "gradientHalfWidth", o.gradientHalfWidth());
        putNumber(j, "seconds", o.seconds());
        if (last != null) for (double v : last.values()) putNumber(j.withArray("lastEpoch"), v);
        if (o.error() != null) j.put("error", o.error());
        AtomicFiles.writeString(dir.resolve(OUTCOME), j.toString() + "\n");
    }

    private static void putNumber(com.fasterxml.jackson.databind.node.ObjectNode j, String key, double v) {
        if (Double.isNaN(v)) j.putNull(key);
        else j.put(key, v);
    }

    private static void putNumber(com.fasterxml.jackson.databind.node.ArrayNode a, double v) {
        if (Double.isNaN(v)) a.addNull();
        else a.add(v);
    }

    /** The point's outcome of this sweep ({@code hash}), or null when it has none (not run, failed, or of another sweep). */
    static Outcome readOutcome(Path dir, String hash, Point p) {
        Path file = dir.resolve(OUTCOME);
        if (!Files.isRegularFile(file)) return null;
        String where = file.toString();
        com.fasterxml.jackson.databind.JsonNode j = epsim.common.JsonFields.readFile(file, where);
        if (!j.isObject() || !hash.equals(j.path("manifest").asText()) || j.path("index").asInt(-1) != p.index()) {
            throw new UserError(where + ": the outcome of another sweep or point (its manifest hash or index differs); remove the folder to run it again");
        }
        double[] row = null;
        com.fasterxml.jackson.databind.JsonNode last = j.get("lastEpoch");
        if (last != null && last.isArray()) {
            row = new double[last.size()];
            for (int i = 0; i < row.length; i++) row[i] = last.get(i).isNumber() ? last.get(i).asDouble() : Double.NaN;
            if (!EpochRow.validLength(row.length)) throw new UserError(where + ": lastEpoch: not an epoch row");
        }
        EpochRow.EpochCost cost = row == null ? null : EpochRow.of(row).cost();
        String error = j.hasNonNull("error") ? j.get("error").asText().replace('\n', ' ').replace('\r', ' ') : null;
        return new Outcome(p, number(j, "testAccuracy"), number(j, "trainAccuracy"), number(j, "gradientCosine"), number(j, "gradientHalfWidth"),
                number(j, "seconds"), cost, error);
    }

    private static double number(com.fasterxml.jackson.databind.JsonNode j, String key) {
        com.fasterxml.jackson.databind.JsonNode n = j.get(key);
        return n != null && n.isNumber() ? n.asDouble() : Double.NaN;
    }

    /** The axis key that varies the hardware model itself (preset names or files). */
    public static final String MODEL = "model";
    /** Axis keys that vary the run rather than the model: the seed, epochs, batch size and learning rate (every layer). */
    public static final String SEED = "seed", EPOCHS = "epochs", BATCH = "batch", LEARNING_RATE = "lr";
    /** The prefix of an axis that varies a rule setting by its run.json key, e.g. rule.beta, rule.readAverages. */
    public static final String RULE_PREFIX = "rule.";

    private static final java.util.Set<String> RUN_KEYS = java.util.Set.of(SEED, EPOCHS, BATCH, LEARNING_RATE);

    /** The rule setting a {@code rule.KEY} axis varies, or null. */
    static epsim.rule.RuleSetting ruleSetting(String key) {
        if (!key.startsWith(RULE_PREFIX)) return null;
        for (epsim.rule.RuleSetting s : epsim.rule.RuleSetting.values()) if (s.key.equals(key.substring(RULE_PREFIX.length()))) return s;
        return null;
    }

    /** Whether the axis varies the model (a preset, a file or a model field) rather than the run. */
    static boolean variesModel(Axis a) {
        return a.key().equals(MODEL) || linkedFields(a.key()) != null;
    }

    /** The separator of linked fields, one axis that sets every named field to each value: {@code device.gammaUp+device.gammaDown=0,0.5,1}. */
    public static final String LINK = "+";

    /** The hardware-model fields an axis key names (one, or several linked by {@value #LINK}), or null when the key is not made of fields. */
    static List<String> linkedFields(String key) {
        List<String> fields = List.of(key.split(java.util.regex.Pattern.quote(LINK), -1));
        for (String f : fields) if (!ModelLoader.isField(f.trim())) return null;
        return fields.stream().map(String::trim).toList();
    }

    private Sweep() {}

    /** The point's model: a varied 'model' value, else the base one. */
    public static String model(String base, List<Axis> axes, Point p) {
        for (int k = 0; k < axes.size(); k++) if (axes.get(k).key().equals(MODEL)) return p.values().get(k);
        return base;
    }

    /** Parses {@code section.field=v1,v2,...}. */
    public static Axis parseAxis(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) throw new UserError("--vary " + spec + ": expected section.field=v1,v2,... e.g. device.levels=16,64,256");
        String key = spec.substring(0, eq).trim();
        if (!key.equals(MODEL) && linkedFields(key) == null && !RUN_KEYS.contains(key) && ruleSetting(key) == null) {
            throw new UserError("--vary " + spec + ": '" + key + "' is not 'model', a hardware-model field (docs/hardware-models.md) "
                    + "or several joined by '" + LINK + "', seed, epochs, batch, lr or rule.KEY with KEY a rule setting (docs/rules.md)");
        }
        if (linkedFields(key) != null && new java.util.HashSet<>(linkedFields(key)).size() < linkedFields(key).size()) {
            throw new UserError("--vary " + spec + ": a field is named twice");
        }
        if (key.equals(RULE_PREFIX + epsim.rule.RuleSetting.LEARNING_RATES.key)) {
            throw new UserError("--vary " + spec + ": vary lr (one rate for every layer; a list of rates would clash with the list of values)");
        }
        List<String> values = new ArrayList<>();
        for (String v : spec.substring(eq + 1).split(",", -1)) {
            if (v.isBlank()) throw new UserError("--vary " + spec + ": empty value in the list");
            values.add(v.trim());
        }
        return new Axis(key, values);
    }

    /** The most points one sweep holds (each is a training run). */
    public static final int MAX_POINTS = 1_000_000;

    /** All points: the cross product, or (zip) the i-th value of every axis together. */
    public static List<Point> points(List<Axis> axes, boolean zip) {
        List<Point> out = new ArrayList<>();
        if (zip) {
            int n = axes.get(0).values().size();
            for (Axis a : axes) {
                if (a.values().size() != n) throw new UserError("--list: every --vary needs the same number of values (" + n + ")");
            }
            for (int i = 0; i < n; i++) {
                List<String> v = new ArrayList<>();
                for (Axis a : axes) v.add(a.values().get(i));
                out.add(new Point(i, v));
            }
            return out;
        }
        long total = 1;
        for (Axis a : axes) {
            total *= a.values().size();
            if (total > MAX_POINTS) throw new UserError("--vary: more than " + MAX_POINTS + " points; split the sweep into several");
        }
        for (int i = 0; i < total; i++) {
            List<String> v = new ArrayList<>();
            int rest = i;
            for (int k = axes.size() - 1; k >= 0; k--) {
                List<String> vals = axes.get(k).values();
                v.add(0, vals.get(rest % vals.size()));
                rest /= vals.size();
            }
            out.add(new Point(i, v));
        }
        return out;
    }

    /** Overrides of one point: the base --set list, then its varied values. */
    public static List<String> overrides(List<String> base, List<Axis> axes, Point p) {
        List<String> all = new ArrayList<>(base);
        for (int k = 0; k < axes.size(); k++) {
            String key = axes.get(k).key();
            List<String> fields = key.equals(MODEL) ? null : linkedFields(key);
            if (fields != null) for (String f : fields) all.add(f + "=" + p.values().get(k));
        }
        return all;
    }

    /**
     * The run of point {@code p}: {@code base} with its model, its model overrides and its run
     * axes (seed, epochs, batch, lr, rule settings), each value validated as the command line's.
     */
    public static TrainConfig config(TrainConfig base, List<Axis> axes, Point p) {
        Topology t = Topology.parse(base.net(), "--net");
        long seed = base.seed();
        int epochs = base.epochs(), batch = base.batch();
        epsim.rule.RuleSettings rule = base.rule();
        for (int k = 0; k < axes.size(); k++) {
            String key = axes.get(k).key(), v = p.values().get(k), where = "--vary " + key;
            switch (key) {
                case SEED -> seed = integer(v, where, 0, Long.MAX_VALUE);
                case EPOCHS -> epochs = (int) integer(v, where, 1, 100_000);
                case BATCH -> batch = (int) integer(v, where, 1, t.maxBatch());
                case LEARNING_RATE -> {
                    double[] one = (double[]) epsim.rule.RuleSetting.LEARNING_RATES.parse(List.of(v), where, t);
                    double[] rates = new double[t.weightLayers()];
                    java.util.Arrays.fill(rates, one[0]);
                    rule = rule.with(epsim.rule.RuleSetting.LEARNING_RATES, rates);
                }
                default -> {
                    epsim.rule.RuleSetting s = ruleSetting(key);
                    if (s != null) rule = rule.with(s, s.parse(List.of(v), where, t));
                }
            }
        }
        return new TrainConfig(model(base.model(), axes, p), overrides(base.overrides(), axes, p), base.net(), rule, batch, epochs, seed,
                base.dataset(), base.dataDir(), base.trainLimit(), base.testLimit(), base.chip(), base.trackGradient());
    }

    private static long integer(String v, String where, long min, long max) {
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new UserError(where + " " + v + ": expected an integer in " + min + ".." + max);
    }

    /**
     * Runs the points on {@code threads} threads; {@code done} is told each finished index. With a
     * {@code probe}, each point's gradient fidelity ({@link GradientProbe}, every layer as one
     * vector) is measured on the chip the point ends with: the trained one, or the fresh one when
     * {@code train} is false.
     */
    public static List<Outcome> run(TrainConfig base, List<Axis> axes, List<Point> points, boolean train, GradientProbe.Plan probe,
                                    Path out, int threads, IntConsumer done) throws Exception {
        return run(base, axes, points, train, probe, out, threads, done, null);
    }

    /**
     * As above, tied to {@code manifest} (null: not): a point with an outcome of this sweep is
     * skipped, an unfinished training run continues from its checkpoint (a pre-empted task loses
     * at most the epoch in progress), and a point that fails gives a row with its error instead
     * of stopping the others.
     */
    public static List<Outcome> run(TrainConfig base, List<Axis> axes, List<Point> points, boolean train, GradientProbe.Plan probe,
                                    Path out, int threads, IntConsumer done, SweepManifest manifest) throws Exception {
        validate(base, axes, points);
        Topology t = Topology.parse(base.net(), "--net");
        TrainingData data = TrainingData.load(base, t); // one copy, read by every point
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (Point p : points) {
                futures.add(pool.submit(() -> {
                    Path dir = pointDir(out, p);
                    Outcome finished = manifest == null ? null : readOutcome(dir, manifest.hash(), p);
                    if (finished != null && finished.error() == null) { // a failed point is tried again
                        done.accept(p.index());
                        return finished;
                    }
                    long start = System.nanoTime();
                    try {
                        Files.createDirectories(dir);
                        TrainConfig c = config(base, axes, p);
                        HardwareModel m = ModelLoader.load(c.model(), c.overrides());
                        double testAcc = Double.NaN, trainAcc = Double.NaN;
                        EpochRow last = null;
                        Trainer trainer = new Trainer(c, AnalogChip.fabricate(m, t, c.seed()), data, dir, "sweep");
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
                        }
                        GradientProbe.Figure cosine = probe == null ? new GradientProbe.Figure(Double.NaN, Double.NaN, 0)
                                : trainer.gradientProbe(probe).overall().cosine();
                        Outcome o = new Outcome(p, testAcc, trainAcc, cosine.mean(), cosine.halfWidth(), (System.nanoTime() - start) / 1e9,
                                last == null ? null : last.cost());
                        if (manifest != null) writeOutcome(dir, manifest.hash(), o, last);
                        done.accept(p.index());
                        return o;
                    } catch (RuntimeException e) {
                        done.accept(p.index());
                        String why = e instanceof UserError ? e.getMessage() : "internal error: " + e;
                        Outcome failed = Outcome.failed(p, (System.nanoTime() - start) / 1e9, why);
                        if (manifest != null) writeOutcome(dir, manifest.hash(), failed, null);
                        return failed;
                    }
                }));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof UserError u) throw u;
                    throw e;
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every point's model and run settings, validated before any work (or any file). */
    public static void validate(TrainConfig base, List<Axis> axes, List<Point> points) {
        for (Point p : points) {
            try {
                config(base, axes, p);
                ModelLoader.load(model(base.model(), axes, p), overrides(base.overrides(), axes, p));
            } catch (UserError e) {
                throw new UserError("--vary: point " + p.index() + " " + p.values() + ": " + e.getMessage());
            }
        }
    }

    /**
     * The whole sweep from its folder, whatever shards and machines ran it: every point of the
     * manifest must have its outcome, exactly once; then sweep.csv in point order, the summary
     * across seeds and the plots, as an unsharded run writes them. Missing points are named with
     * the command that runs them (a re-run skips the finished ones).
     */
    public static List<Outcome> merge(Path dir) {
        SweepManifest m = SweepManifest.read(dir);
        List<Outcome> outcomes = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        for (Point p : m.points()) {
            Outcome o = readOutcome(pointDir(dir, p), m.hash(), p);
            if (o == null) missing.add(p.index());
            else outcomes.add(o);
        }
        if (!missing.isEmpty()) {
            String which = missing.size() <= 12 ? missing.toString() : missing.subList(0, 12) + " and " + (missing.size() - 12) + " more";
            throw new UserError(dir + ": " + missing.size() + " of " + m.points().size() + " points have no outcome (" + which + "): run the sweep "
                    + "again, which skips the finished points" + (m.command().isEmpty() ? "" : ": epsim " + String.join(" ", m.command())));
        }
        List<String> labels = m.axes().stream().anyMatch(a -> a.key().equals(MODEL)) ? m.base().overrides() : List.of();
        AtomicFiles.writeString(dir.resolve("sweep.csv"), csv(m.axes(), outcomes, true, labels, m.probe() == null ? "" : m.probe().settings().label));
        List<Group> seeds = acrossSeeds(m.axes(), outcomes);
        if (seeds != null) AtomicFiles.writeString(dir.resolve("sweep-summary.csv"), summaryCsv(m.axes(), seeds));
        plots(dir, m.axes(), outcomes);
        return outcomes;
    }

    /** What the points' overrides do that the user may not expect ({@link ModelLoader.Loaded#warnings}), each said once; none when a point does not load. */
    public static List<String> warnings(TrainConfig base, List<Axis> axes, List<Point> points) {
        java.util.Set<String> all = new java.util.LinkedHashSet<>();
        for (Point p : points) {
            try {
                all.addAll(ModelLoader.loadWithWarnings(model(base.model(), axes, p), overrides(base.overrides(), axes, p)).warnings());
            } catch (UserError e) {
                return List.of(); // a point that does not load is refused by run(), with the point named, and nothing else said
            }
        }
        return List.copyOf(all);
    }

    public static String csv(List<Axis> axes, List<Outcome> outcomes, boolean header) {
        return csv(axes, outcomes, header, List.of());
    }

    /**
     * The sweep's table; with {@code overrides} (the sweep's --set list) a varied model is written
     * with them, e.g. "ideal + device.levels=64", so that no row carries a preset's name for a model
     * it is not.
     */
    public static String csv(List<Axis> axes, List<Outcome> outcomes, boolean header, List<String> overrides) {
        return csv(axes, outcomes, header, overrides, "");
    }

    /** As above; {@code gradientSettings} names the probe's settings in every row (fidelity, training; empty without a probe). */
    public static String csv(List<Axis> axes, List<Outcome> outcomes, boolean header, List<String> overrides, String gradientSettings) {
        StringBuilder b = new StringBuilder();
        if (header) {
            b.append("index");
            for (Axis a : axes) b.append(',').append(a.key());
            b.append(",test_accuracy,train_accuracy,gradient_cosine,gradient_cosine_ci95,gradient_settings,seconds,train_energy_J,train_latency_s,inference_energy_J,inference_latency_s,error\n");
        }
        for (Outcome o : outcomes) {
            b.append(o.point().index());
            for (int k = 0; k < axes.size(); k++) {
                String v = o.point().values().get(k);
                b.append(',').append(axes.get(k).key().equals(MODEL) && !overrides.isEmpty() ? v + " + " + String.join(" ", overrides) : v);
            }
            b.append(String.format(Locale.ROOT, ",%.6f,%.6f,%.6f,%.6f,%s,%.2f", o.testAccuracy(), o.trainAccuracy(), o.gradientCosine(),
                    o.gradientHalfWidth(), gradientSettings, o.seconds()));
            if (o.cost() == null) {
                b.append(",,,,");
            } else {
                b.append(String.format(Locale.ROOT, ",%.6g,%.6g,%.6g,%.6g", o.cost().training().energy().total(), o.cost().training().latency().total(),
                        o.cost().inference().energy().total(), o.cost().inference().latency().total()));
            }
            // the error, as one quoted CSV field
            b.append(',').append(o.error() == null ? "" : "\"" + o.error().replace("\"", "\"\"") + "\"").append('\n');
        }
        return b.toString();
    }

    /** One group of points that differ only in their seed: the mean and standard deviation of each figure. */
    public record Group(List<String> values, int seeds, double[] mean, double[] sd) {}

    /** The figures a group summarises, in {@link Group#mean} order. */
    static final String[] FIGURES = {"test_accuracy", "train_accuracy", "gradient_cosine", "train_energy_J", "inference_energy_J"};

    private static double[] figures(Outcome o) {
        return new double[] {o.testAccuracy(), o.trainAccuracy(), o.gradientCosine(),
                o.cost() == null ? Double.NaN : o.cost().training().energy().total(), o.cost() == null ? Double.NaN : o.cost().inference().energy().total()};
    }

    /**
     * The points grouped by every varied value but the seed, in order of first appearance; null
     * when no seed axis varies. A figure's mean and (sample) standard deviation are over the
     * group's seeds (NaN where a kind was not run; the deviation of one seed is NaN).
     */
    public static List<Group> acrossSeeds(List<Axis> axes, List<Outcome> outcomes) {
        int seed = -1;
        for (int k = 0; k < axes.size(); k++) if (axes.get(k).key().equals(SEED)) seed = k;
        if (seed < 0) return null;
        Map<List<String>, List<Outcome>> groups = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            List<String> rest = new ArrayList<>(o.point().values());
            rest.remove(seed);
            groups.computeIfAbsent(rest, r -> new ArrayList<>()).add(o);
        }
        List<Group> out = new ArrayList<>();
        for (Map.Entry<List<String>, List<Outcome>> g : groups.entrySet()) {
            int n = g.getValue().size();
            double[] mean = new double[FIGURES.length], sd = new double[FIGURES.length];
            for (int i = 0; i < FIGURES.length; i++) {
                final int figure = i;
                double[] v = g.getValue().stream().mapToDouble(o -> figures(o)[figure]).toArray();
                mean[i] = org.apache.commons.math3.stat.StatUtils.mean(v);
                sd[i] = n > 1 ? Math.sqrt(org.apache.commons.math3.stat.StatUtils.variance(v)) : Double.NaN;
            }
            out.add(new Group(g.getKey(), n, mean, sd));
        }
        return out;
    }

    /** sweep-summary.csv: the varied values but the seed, the number of seeds, and each figure's mean and standard deviation. */
    public static String summaryCsv(List<Axis> axes, List<Group> groups) {
        StringBuilder b = new StringBuilder();
        List<String> header = new ArrayList<>();
        for (Axis a : axes) if (!a.key().equals(SEED)) header.add(a.key());
        header.add("seeds");
        for (String f : FIGURES) {
            header.add(f + "_mean");
            header.add(f + "_sd");
            header.add(f + "_ci95");
        }
        b.append(String.join(",", header)).append('\n');
        for (Group g : groups) {
            List<String> row = new ArrayList<>(g.values());
            row.add(Integer.toString(g.seeds()));
            // the 95% half-width of the mean over the seeds (Student t): with 3 seeds 2.48 standard deviations
            double t = g.seeds() < 2 ? Double.NaN
                    : new org.apache.commons.math3.distribution.TDistribution(g.seeds() - 1).inverseCumulativeProbability(0.975) / Math.sqrt(g.seeds());
            for (int i = 0; i < FIGURES.length; i++) {
                row.add(String.format(Locale.ROOT, "%.6g", g.mean()[i]));
                row.add(String.format(Locale.ROOT, "%.6g", g.sd()[i]));
                row.add(String.format(Locale.ROOT, "%.6g", t * g.sd()[i]));
            }
            b.append(String.join(",", row)).append('\n');
        }
        return b.toString();
    }

    /** Accuracy (or, without training, the cosine) against each varied parameter; a heat map for two. */
    public static void plots(Path out, List<Axis> axes, List<Outcome> outcomes) {
        List<Group> seeds = acrossSeeds(axes, outcomes);
        if (seeds != null) {
            plotsAcrossSeeds(out, axes, outcomes, seeds);
            return;
        }
        Plots.prepare();
        boolean trained = outcomes.stream().anyMatch(o -> !Double.isNaN(o.testAccuracy()));
        String what = trained ? "test accuracy" : "gradient cosine";
        for (int k = 0; k < axes.size(); k++) {
            XYChart chart = chart(what, axes.get(k));
            Map<String, List<double[]>> series = new LinkedHashMap<>();
            for (Outcome o : outcomes) {
                String label = seriesLabel(axes, o.point().values(), k);
                double y = trained ? o.testAccuracy() : o.gradientCosine();
                if (Double.isNaN(y)) continue; // undefined cosine: left out of the plot, NaN in sweep.csv
                double x = numeric(axes.get(k)) ? Double.parseDouble(o.point().values().get(k))
                        : axes.get(k).values().indexOf(o.point().values().get(k));
                series.computeIfAbsent(label.isEmpty() ? what : label, s -> new ArrayList<>()).add(new double[] {x, y});
            }
            for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
                List<double[]> pts = e.getValue();
                pts.sort((a, b) -> Double.compare(a[0], b[0]));
                chart.addSeries(e.getKey(), pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray())
                        .setMarker(SeriesMarkers.CIRCLE);
            }
            Plots.save(out.resolve("sweep-" + axes.get(k).key().replace('.', '-') + ".png"), chart);
        }
        if (axes.size() == 2) {
            List<String> xs = axes.get(0).values(), ys = axes.get(1).values();
            List<Number[]> cells = new ArrayList<>();
            for (Outcome o : outcomes) {
                if (Double.isNaN(trained ? o.testAccuracy() : o.gradientCosine())) continue;
                cells.add(new Number[] {xs.indexOf(o.point().values().get(0)), ys.indexOf(o.point().values().get(1)),
                        trained ? o.testAccuracy() : o.gradientCosine()});
            }
            HeatMapChart heat = new HeatMapChartBuilder().width(800).height(600).title(what)
                    .xAxisTitle(axes.get(0).key()).yAxisTitle(axes.get(1).key()).build();
            heat.getStyler().setShowValue(true);
            heat.getStyler().setHeatMapValueDecimalPattern("0.000"); // 0.853, not .853
            // light colours, so that the black values stay readable on every cell
            heat.getStyler().setRangeColors(new java.awt.Color[] {new java.awt.Color(0xF7, 0xFB, 0xFF), new java.awt.Color(0xC6, 0xDB, 0xEF),
                    new java.awt.Color(0x9E, 0xCA, 0xE1)});
            heat.getStyler().setValueFontColor(java.awt.Color.BLACK);
            heat.addSeries(what, xs, ys, cells);
            Plots.save(out.resolve("sweep-heatmap.png"), heat);
        }
        pareto(out, axes, outcomes);
    }

    /**
     * Test accuracy against energy per training sample, one point per design point, with the
     * Pareto front (no other point is at least as accurate for less energy) joined and marked.
     */
    static void pareto(Path out, List<Axis> axes, List<Outcome> outcomes) {
        List<Outcome> costed = new ArrayList<>();
        for (Outcome o : outcomes) if (o.cost() != null && !Double.isNaN(o.testAccuracy())) costed.add(o);
        if (costed.isEmpty()) return;
        XYChart chart = new XYChartBuilder().width(800).height(500).title("test accuracy vs energy per training sample")
                .xAxisTitle("energy per training sample (J)").yAxisTitle("test accuracy").build();
        double[] x = costed.stream().mapToDouble(o -> o.cost().training().energy().total()).toArray();
        double least = java.util.Arrays.stream(x).min().orElse(1), most = java.util.Arrays.stream(x).max().orElse(1);
        chart.getStyler().setXAxisLogarithmic(least > 0 && most / least > 10); // a log axis labels only its decades
        double[] y = costed.stream().mapToDouble(Outcome::testAccuracy).toArray();
        org.knowm.xchart.XYSeries all = chart.addSeries("design points", x, y);
        all.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        all.setMarker(SeriesMarkers.CIRCLE);
        // each point labelled with its values, a little above its marker
        double low = java.util.Arrays.stream(y).min().orElse(0), high = java.util.Arrays.stream(y).max().orElse(1);
        double lift = 0.03 * Math.max(high - low, 1e-3);
        for (Outcome o : costed) {
            chart.addAnnotation(new org.knowm.xchart.AnnotationText(String.join(", ", o.point().values()),
                    o.cost().training().energy().total(), o.testAccuracy() + lift, false));
        }
        List<Outcome> front = paretoFront(costed);
        chart.addSeries("Pareto front", front.stream().mapToDouble(o -> o.cost().training().energy().total()).toArray(),
                front.stream().mapToDouble(Outcome::testAccuracy).toArray()).setMarker(SeriesMarkers.DIAMOND);
        Plots.save(out.resolve("sweep-pareto.png"), chart);
    }

    /** The points no other point dominates (as accurate or more for no more energy, better in one), by increasing energy. */
    static List<Outcome> paretoFront(List<Outcome> costed) {
        List<Outcome> sorted = new ArrayList<>(costed);
        sorted.sort((a, b) -> a.cost().training().energy().total() != b.cost().training().energy().total()
                ? Double.compare(a.cost().training().energy().total(), b.cost().training().energy().total())
                : Double.compare(b.testAccuracy(), a.testAccuracy()));
        List<Outcome> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (Outcome o : sorted) {
            if (o.testAccuracy() > best) {
                front.add(o);
                best = o.testAccuracy();
            }
        }
        return front;
    }

    /** With a seed axis: the mean against each other varied parameter, with error bars of one standard deviation across seeds. */
    private static void plotsAcrossSeeds(Path out, List<Axis> axes, List<Outcome> outcomes, List<Group> groups) {
        Plots.prepare();
        boolean trained = outcomes.stream().anyMatch(o -> !Double.isNaN(o.testAccuracy()));
        int figure = trained ? 0 : 2;
        String what = (trained ? "test accuracy" : "gradient cosine") + ", mean +- sd over seeds";
        List<Axis> rest = new ArrayList<>();
        for (Axis a : axes) if (!a.key().equals(SEED)) rest.add(a);
        if (rest.isEmpty()) return; // only seeds varied: sweep-summary.csv holds the one mean and deviation
        for (int k = 0; k < rest.size(); k++) {
            XYChart chart = chart(what, rest.get(k));
            Map<String, List<double[]>> series = new LinkedHashMap<>();
            for (Group g : groups) {
                String label = seriesLabel(rest, g.values(), k);
                double y = g.mean()[figure], e = g.sd()[figure];
                if (Double.isNaN(y)) continue;
                double x = numeric(rest.get(k)) ? Double.parseDouble(g.values().get(k)) : rest.get(k).values().indexOf(g.values().get(k));
                series.computeIfAbsent(label.isEmpty() ? what : label, s -> new ArrayList<>()).add(new double[] {x, y, Double.isNaN(e) ? 0 : e});
            }
            for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
                List<double[]> pts = e.getValue();
                pts.sort((a, b) -> Double.compare(a[0], b[0]));
                chart.addSeries(e.getKey(), pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray(),
                        pts.stream().mapToDouble(p -> p[2]).toArray()).setMarker(SeriesMarkers.CIRCLE);
            }
            Plots.save(out.resolve("sweep-" + rest.get(k).key().replace('.', '-') + ".png"), chart);
        }
        pareto(out, axes, outcomes);
    }

    /**
     * A plot of {@code what} against axis {@code a}: a categorical axis (presets, files, rule
     * names) labelled with its values, a positive numeric one spanning a decade or more (levels)
     * on a log scale.
     */
    private static XYChart chart(String what, Axis a) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(what + " vs " + a.key()).xAxisTitle(a.key()).yAxisTitle(what).build();
        if (!numeric(a)) {
            chart.setCustomXAxisTickLabelsFormatter(x -> {
                long i = Math.round(x);
                return Math.abs(x - i) < 1e-6 && i >= 0 && i < a.values().size() ? a.values().get((int) i) : "";
            });
        } else {
            double least = a.values().stream().mapToDouble(Double::parseDouble).min().orElse(1);
            double most = a.values().stream().mapToDouble(Double::parseDouble).max().orElse(1);
            chart.getStyler().setXAxisLogarithmic(least > 0 && most / least >= 10);
        }
        return chart;
    }

    /** The series a point belongs to in the plot against axis k: the values of every other axis. */
    private static String seriesLabel(List<Axis> axes, List<String> values, int k) {
        StringBuilder label = new StringBuilder();
        for (int j = 0; j < axes.size(); j++) {
            if (j != k) label.append(label.length() == 0 ? "" : ", ").append(axes.get(j).key()).append('=').append(values.get(j));
        }
        return label.toString();
    }

    private static boolean numeric(Axis a) {
        for (String v : a.values()) {
            try {
                Double.parseDouble(v);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }
}
