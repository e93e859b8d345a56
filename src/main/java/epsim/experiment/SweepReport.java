package epsim.experiment;

import epsim.common.AtomicFiles;
import epsim.train.GradientProbe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A sweep's tables: sweep.csv (one row per point) and, with a seed axis, sweep-summary.csv (statistics over the seeds). */
public final class SweepReport {
    private SweepReport() {}

    /** One group of points that differ only in their seed: the mean and standard deviation of each figure. */
    public record Group(List<String> values, int seeds, double[] mean, double[] sd) {}

    /** The figures a group summarises, in {@link Group#mean} order. */
    static final String[] FIGURES = {"test_accuracy", "train_accuracy", "gradient_cosine", "train_energy_J", "inference_energy_J", "area_mm2",
            "train_latency_s"};

    /**
     * Writes the points' table as {@code name} (with its header when {@code header}: only shard 1
     * of a sharded run has one, so that the shards' tables concatenate); for a whole sweep
     * ({@code whole}) also the summary across seeds and the plots.
     */
    public static void write(Path dir, SweepGrid grid, List<SweepOutcome> outcomes, GradientProbe.Plan probe, String name, boolean header, boolean whole) {
        AtomicFiles.writeString(dir.resolve(name), csv(grid, outcomes, header, probe));
        if (!whole) return;
        List<Group> seeds = acrossSeeds(grid.axes(), outcomes);
        if (seeds != null) {
            AtomicFiles.writeString(dir.resolve("sweep-summary.csv"), summaryCsv(grid.axes(), seeds));
            AtomicFiles.writeString(dir.resolve("sweep-summary.md"), summaryTable(grid.axes(), seeds).render(epsim.common.TextTable.Format.MD));
        }
        SweepPlots.draw(dir, grid.axes(), outcomes);
    }

    /** sweep.csv for the grid: a varied model is labelled with the base --set list, the probe's settings named in every row. */
    public static String csv(SweepGrid grid, List<SweepOutcome> outcomes, boolean header, GradientProbe.Plan probe) {
        return csv(grid.axes(), outcomes, header, grid.variesModelName() ? grid.base().overrides() : List.of(), probe == null ? "" : probe.settings().label);
    }

    /**
     * The sweep's table; with {@code overrides} (the sweep's --set list) a varied model is written
     * with them, e.g. "ideal + device.levels=64", so that no row carries a preset's name for a model
     * it is not; {@code gradientSettings} names the probe's settings in every row (fidelity,
     * training; empty without a probe).
     */
    public static String csv(List<SweepGrid.Axis> axes, List<SweepOutcome> outcomes, boolean header, List<String> overrides, String gradientSettings) {
        StringBuilder b = new StringBuilder();
        if (header) {
            b.append("index");
            for (SweepGrid.Axis a : axes) b.append(',').append(a.key());
            b.append(",test_accuracy,train_accuracy,gradient_cosine,gradient_cosine_ci95,gradient_settings,seconds,train_energy_J,train_latency_s,inference_energy_J,inference_latency_s,area_mm2,error\n");
        }
        for (SweepOutcome o : outcomes) {
            b.append(o.point().index());
            for (int k = 0; k < axes.size(); k++) {
                String v = o.point().values().get(k);
                b.append(',').append(axes.get(k).key().equals(SweepGrid.MODEL) && !overrides.isEmpty() ? v + " + " + String.join(" ", overrides) : v);
            }
            b.append(String.format(Locale.ROOT, ",%.6f,%.6f,%.6f,%.6f,%s,%.2f", o.testAccuracy(), o.trainAccuracy(), o.gradientCosine(),
                    o.gradientHalfWidth(), gradientSettings, o.seconds()));
            if (o.cost() == null) {
                b.append(",,,,");
            } else {
                b.append(String.format(Locale.ROOT, ",%.6g,%.6g,%.6g,%.6g", o.cost().training().energy().total(), o.cost().training().latency().total(),
                        o.cost().inference().energy().total(), o.cost().inference().latency().total()));
            }
            b.append(Double.isNaN(o.areaMm2()) ? "," : String.format(Locale.ROOT, ",%.6g", o.areaMm2()));
            // the error, as one quoted CSV field
            b.append(',').append(o.error() == null ? "" : "\"" + o.error().replace("\"", "\"\"") + "\"").append('\n');
        }
        return b.toString();
    }

    private static double[] figures(SweepOutcome o) {
        return new double[] {o.testAccuracy(), o.trainAccuracy(), o.gradientCosine(),
                o.cost() == null ? Double.NaN : o.cost().training().energy().total(), o.cost() == null ? Double.NaN : o.cost().inference().energy().total(),
                o.areaMm2(), o.cost() == null ? Double.NaN : o.cost().training().latency().total()};
    }

    /**
     * The points grouped by every varied value but the seed, in order of first appearance; null
     * when no seed axis varies. A figure's mean and (sample) standard deviation are over the
     * group's seeds (NaN where a kind was not run; the deviation of one seed is NaN).
     */
    public static List<Group> acrossSeeds(List<SweepGrid.Axis> axes, List<SweepOutcome> outcomes) {
        int seed = seedAxis(axes);
        if (seed < 0) return null;
        Map<List<String>, List<SweepOutcome>> groups = new LinkedHashMap<>();
        for (SweepOutcome o : outcomes) {
            List<String> rest = new ArrayList<>(o.point().values());
            rest.remove(seed);
            groups.computeIfAbsent(rest, r -> new ArrayList<>()).add(o);
        }
        List<Group> out = new ArrayList<>();
        for (Map.Entry<List<String>, List<SweepOutcome>> g : groups.entrySet()) {
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

    /** The index of the seed axis, or -1. */
    static int seedAxis(List<SweepGrid.Axis> axes) {
        for (int k = 0; k < axes.size(); k++) if (axes.get(k).key().equals(epsim.train.RunSetting.SEED.key)) return k;
        return -1;
    }

    /**
     * sweep-summary.md, the summary as a person reads it: accuracies in percent and energies with SI
     * prefixes, each mean with its 95% half-width over the seeds (Student t).
     */
    public static epsim.common.TextTable summaryTable(List<SweepGrid.Axis> axes, List<Group> groups) {
        List<String> header = variedKeys(axes);
        int varied = header.size();
        header.addAll(List.of("seeds", "test accuracy", "train accuracy", "gradient cosine", "energy / training sample", "energy / inference", "area",
                "latency / training sample"));
        epsim.common.TextTable t = new epsim.common.TextTable(header.toArray(new String[0]));
        for (int c = 1; c < varied; c++) t.textColumns(c);
        for (Group g : groups) {
            List<String> row = new ArrayList<>(g.values());
            row.add(Integer.toString(g.seeds()));
            double h = halfWidthPerSd(g.seeds());
            for (int i = 0; i < FIGURES.length; i++) {
                double mean = g.mean()[i], half = h * g.sd()[i];
                String cell;
                String figure = FIGURES[i];
                if (Double.isNaN(mean)) cell = "—";
                else if (figure.endsWith("accuracy")) cell = Double.isNaN(half) ? String.format(Locale.ROOT, "%.2f%%", 100 * mean)
                        : String.format(Locale.ROOT, "%.2f ± %.2f%%", 100 * mean, 100 * half);
                else if (figure.equals("gradient_cosine")) cell = Double.isNaN(half) ? String.format(Locale.ROOT, "%.3f", mean)
                        : String.format(Locale.ROOT, "%.3f ± %.3f", mean, half);
                else if (figure.equals("area_mm2")) cell = String.format(Locale.ROOT, "%.3g mm²", mean);
                else if (figure.endsWith("_s")) cell = epsim.cost.EventCost.si(mean, "s");
                else cell = epsim.cost.EventCost.si(mean, "J");
                row.add(cell);
            }
            t.row(row.toArray(new String[0]));
        }
        return t;
    }

    /** The varied axes' keys but the seed's, in grid order: the columns that name a group of seeds. */
    private static List<String> variedKeys(List<SweepGrid.Axis> axes) {
        List<String> keys = new ArrayList<>();
        for (SweepGrid.Axis a : axes) if (!a.key().equals(epsim.train.RunSetting.SEED.key)) keys.add(a.key());
        return keys;
    }

    /** The 95% half-width of a mean over {@code seeds} seeds in standard deviations (Student t; 3 seeds: 2.48); NaN below 2 seeds. */
    private static double halfWidthPerSd(int seeds) {
        return seeds < 2 ? Double.NaN
                : new org.apache.commons.math3.distribution.TDistribution(seeds - 1).inverseCumulativeProbability(0.975) / Math.sqrt(seeds);
    }

    /** sweep-summary.csv: the varied values but the seed, the number of seeds, and each figure's mean and standard deviation. */
    public static String summaryCsv(List<SweepGrid.Axis> axes, List<Group> groups) {
        StringBuilder b = new StringBuilder();
        List<String> header = variedKeys(axes);
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
            double t = halfWidthPerSd(g.seeds());
            for (int i = 0; i < FIGURES.length; i++) {
                row.add(String.format(Locale.ROOT, "%.6g", g.mean()[i]));
                row.add(String.format(Locale.ROOT, "%.6g", g.sd()[i]));
                row.add(String.format(Locale.ROOT, "%.6g", t * g.sd()[i]));
            }
            b.append(String.join(",", row)).append('\n');
        }
        return b.toString();
    }
}
