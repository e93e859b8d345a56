package epsim.experiment;

import epsim.common.UserError;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.rule.RuleSetting;
import epsim.rule.RuleSettings;
import epsim.train.RunSetting;
import epsim.train.TrainConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sweep's grid: the base run, its axes and their points (the cross product, or the axes zipped),
 * and what each point is: its run settings and its hardware model. Each distinct model of the grid
 * is parsed once, whatever validates, warns about or runs its points.
 */
public final class SweepGrid {
    public record Axis(String key, List<String> values) {}

    public record Point(int index, List<String> values) {}

    /** The axis key that varies the hardware model itself (preset names or files). */
    public static final String MODEL = "model";
    /** The axis key that sets one learning rate for every layer. */
    public static final String LEARNING_RATE = "lr";
    /** The prefix of an axis that varies a rule setting by its run.json key, e.g. rule.beta, rule.readAverages. */
    public static final String RULE_PREFIX = "rule.";
    /** The separator of linked fields, one axis that sets every named field to each value: {@code device.gammaUp+device.gammaDown=0,0.5,1}. */
    public static final String LINK = "+";
    /**
     * The axis key of an evaluation after the chip has sat idle this many seconds once trained (its
     * devices drifting): the point's test accuracy is then the mean of {@link #EVAL_REPEATS}
     * evaluations at that time, each with new draws of the read and thermal noise.
     */
    public static final String EVAL_AFTER = "evalAfter";
    /** The axis key of how many evaluations (each with new noise draws) a point's test accuracy averages; 1 without it. */
    public static final String EVAL_REPEATS = "evalRepeats";
    /** When and how often a point is evaluated after training ({@link #EVAL_AFTER}, {@link #EVAL_REPEATS}). */
    public record Evaluation(double afterSeconds, int repeats) {}

    /** The most points one sweep holds (each is a training run). */
    public static final int MAX_POINTS = 1_000_000;

    private final TrainConfig base;
    private final List<Axis> axes;
    private final boolean zip;
    private final Map<List<String>, ModelLoader.Loaded> models = new ConcurrentHashMap<>();

    /** A grid of {@code axes} over {@code base}; two axes that set the same field (or run or rule setting) are refused. */
    public SweepGrid(TrainConfig base, List<Axis> axes, boolean zip) {
        Set<String> varied = new HashSet<>();
        for (Axis a : axes) {
            List<String> fields = linkedFields(a.key());
            for (String f : fields != null ? fields : List.of(a.key())) {
                if (!varied.add(f)) throw new UserError("--vary " + a.key() + ": " + f + " is varied by another --vary too; give its values once");
            }
        }
        this.base = base;
        this.axes = List.copyOf(axes);
        this.zip = zip;
    }

    public TrainConfig base() {
        return base;
    }

    public List<Axis> axes() {
        return axes;
    }

    public boolean zip() {
        return zip;
    }

    /** Whether the grid varies the model by name or file ('model'): sweep.csv then labels each model with the base --set list. */
    public boolean variesModelName() {
        return axes.stream().anyMatch(a -> a.key().equals(MODEL));
    }

    /** The rule setting a {@code rule.KEY} axis varies, or null. */
    static RuleSetting ruleSetting(String key) {
        if (!key.startsWith(RULE_PREFIX)) return null;
        for (RuleSetting s : RuleSetting.values()) if (s.key.equals(key.substring(RULE_PREFIX.length()))) return s;
        return null;
    }

    /** The hardware-model fields an axis key names (one, or several linked by {@value #LINK}), or null when the key is not made of fields. */
    static List<String> linkedFields(String key) {
        List<String> fields = List.of(key.split(java.util.regex.Pattern.quote(LINK), -1));
        for (String f : fields) if (!ModelLoader.isField(f.trim())) return null;
        return fields.stream().map(String::trim).toList();
    }

    /** Parses {@code KEY=v1,v2,...}: a model field (or several linked), 'model', a run setting or rule.KEY. */
    public static Axis parseAxis(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) throw new UserError("--vary " + spec + ": expected section.field=v1,v2,... e.g. device.levels=16,64,256");
        String key = spec.substring(0, eq).trim();
        if (!key.equals(MODEL) && linkedFields(key) == null && !key.equals(LEARNING_RATE) && RunSetting.byAxis(key) == null && ruleSetting(key) == null
                && !key.equals(EVAL_AFTER) && !key.equals(EVAL_REPEATS)) {
            throw new UserError("--vary " + spec + ": '" + key + "' is not 'model', a hardware-model field (docs/hardware-models.md) "
                    + "or several joined by '" + LINK + "', " + RunSetting.axisKeys() + ", lr, rule.KEY with KEY a rule setting (docs/rules.md), "
                    + EVAL_AFTER + " or " + EVAL_REPEATS);
        }
        if (linkedFields(key) != null && new HashSet<>(linkedFields(key)).size() < linkedFields(key).size()) {
            throw new UserError("--vary " + spec + ": a field is named twice");
        }
        if (key.equals(RULE_PREFIX + RuleSetting.LEARNING_RATES.key)) {
            throw new UserError("--vary " + spec + ": vary lr (one rate for every layer; a list of rates would clash with the list of values)");
        }
        List<String> values = new ArrayList<>();
        for (String v : spec.substring(eq + 1).split(",", -1)) {
            if (v.isBlank()) throw new UserError("--vary " + spec + ": empty value in the list");
            values.add(v.trim());
            if (key.equals(EVAL_AFTER)) evalAfter(v.trim(), "--vary " + key);
            if (key.equals(EVAL_REPEATS)) evalRepeats(v.trim(), "--vary " + key);
        }
        return new Axis(key, values);
    }

    private static double evalAfter(String v, String where) {
        double s;
        try {
            s = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            s = Double.NaN;
        }
        if (!(s >= 0 && s <= epsim.chip.ChipTime.MAX_SECONDS)) {
            throw new UserError(where + " " + v + ": expected seconds of idle time in 0.." + epsim.chip.ChipTime.MAX_SECONDS);
        }
        return s;
    }

    private static int evalRepeats(String v, String where) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > epsim.train.Trainer.MAX_REPEATS) throw new UserError(where + " " + v + ": expected an integer in 1.." + epsim.train.Trainer.MAX_REPEATS);
        return n;
    }

    /** The point's evaluation after training, or null when the grid varies neither {@link #EVAL_AFTER} nor {@link #EVAL_REPEATS}. */
    public Evaluation evaluation(Point p) {
        double after = 0;
        int repeats = 1;
        boolean any = false;
        for (int k = 0; k < axes.size(); k++) {
            String key = axes.get(k).key();
            if (key.equals(EVAL_AFTER)) after = evalAfter(p.values().get(k), "--vary " + key);
            if (key.equals(EVAL_REPEATS)) repeats = evalRepeats(p.values().get(k), "--vary " + key);
            any |= key.equals(EVAL_AFTER) || key.equals(EVAL_REPEATS);
        }
        return any ? new Evaluation(after, repeats) : null;
    }

    /** All points: the cross product, or (zip) the i-th value of every axis together. */
    public List<Point> points() {
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

    /** The point's model name or file: a varied 'model' value, else the base one. */
    String modelName(Point p) {
        for (int k = 0; k < axes.size(); k++) if (axes.get(k).key().equals(MODEL)) return p.values().get(k);
        return base.model();
    }

    /** Overrides of one point: the base --set list, then its varied values. */
    public List<String> overrides(Point p) {
        List<String> all = new ArrayList<>(base.overrides());
        for (int k = 0; k < axes.size(); k++) {
            String key = axes.get(k).key();
            List<String> fields = key.equals(MODEL) ? null : linkedFields(key);
            if (fields != null) for (String f : fields) all.add(f + "=" + p.values().get(k));
        }
        return all;
    }

    /**
     * The run of point {@code p}: the base run with its model, its model overrides and its run
     * axes (run settings, lr, rule settings), each value validated as the command line's.
     */
    public TrainConfig config(Point p) {
        Topology t = Topology.parse(base.net(), "--net");
        TrainConfig c = base;
        RuleSettings rule = base.rule();
        for (int k = 0; k < axes.size(); k++) {
            String key = axes.get(k).key(), v = p.values().get(k), where = "--vary " + key;
            RunSetting run = RunSetting.byAxis(key);
            RuleSetting s = ruleSetting(key);
            if (key.equals(LEARNING_RATE)) {
                double[] one = (double[]) RuleSetting.LEARNING_RATES.parse(List.of(v), where, t);
                double[] rates = new double[t.weightLayers()];
                java.util.Arrays.fill(rates, one[0]);
                rule = rule.with(RuleSetting.LEARNING_RATES, rates);
            } else if (run != null) {
                c = run.with(c, run.parse(v, where, t));
            } else if (s != null) {
                rule = rule.with(s, s.parse(List.of(v), where, t));
            }
        }
        return c.withModel(modelName(p), overrides(p)).withRule(rule);
    }

    /** The point's hardware model, parsed once for the grid however many points and callers share it. */
    public HardwareModel model(Point p) {
        return loaded(p).model();
    }

    private ModelLoader.Loaded loaded(Point p) {
        List<String> key = new ArrayList<>();
        key.add(modelName(p));
        key.addAll(overrides(p));
        List<String> shownAs = new ArrayList<>();
        for (String o : base.overrides()) shownAs.add("--set " + o);
        for (int k = 0; k < axes.size(); k++) {
            List<String> fields = axes.get(k).key().equals(MODEL) ? null : linkedFields(axes.get(k).key());
            if (fields != null) for (String f : fields) shownAs.add("--vary " + f + "=" + p.values().get(k));
        }
        return models.computeIfAbsent(key, k -> ModelLoader.loadWithWarnings(k.get(0), k.subList(1, k.size()), shownAs));
    }

    /** Every point's model and run settings, validated before any work (or any file). */
    public void validate(List<Point> points) {
        for (Point p : points) {
            try {
                config(p);
                model(p);
            } catch (UserError e) {
                throw new UserError("--vary: point " + p.index() + " " + p.values() + ": " + e.getMessage());
            }
        }
    }

    /** What the points' overrides do that the user may not expect ({@link ModelLoader.Loaded#warnings}), each said once; none when a point does not load. */
    public List<String> warnings(List<Point> points) {
        Set<String> all = new LinkedHashSet<>();
        for (Point p : points) {
            try {
                all.addAll(loaded(p).warnings());
            } catch (UserError e) {
                return List.of(); // a point that does not load is refused by validate(), with the point named, and nothing else said
            }
        }
        return List.copyOf(all);
    }
}
