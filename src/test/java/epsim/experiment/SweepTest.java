package epsim.experiment;

import epsim.TestSupport;
import epsim.train.TrainConfig;
import epsim.train.EpochRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static epsim.TestSupport.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepTest {
    @TempDir
    Path dir;

    static final String[] SMALL = {"--net", "784-12-10", "--kind", "gradient", "--gradient-batch", "3", "--train-limit", "50",
            "--threads", "2"};

    static String[] sweep(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("sweep", "--vary", "device.levels=8,32,ideal", "--vary", "periphery.adcBits=4,ideal",
                "--set", "device.writeNoise=0", "--out", out.toString()));
        a.addAll(List.of(SMALL));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    /** Everything but the wall-clock column. */
    /** The rows without their wall time (the "seconds" column, found in the header line). */
    static List<String> withoutSeconds(List<String> lines) {
        int column = java.util.Arrays.asList(lines.get(0).split(",", -1)).indexOf("seconds");
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            List<String> cells = new ArrayList<>(java.util.Arrays.asList(l.split(",", -1)));
            cells.remove(column);
            out.add(String.join(",", cells));
        }
        return out;
    }

    @Test
    void shardsConcatenateToTheWholeSweep() throws Exception {
        assertEquals(0, TestSupport.cli(sweep(dir.resolve("whole"))).exitCode());
        List<String> whole = Files.readAllLines(dir.resolve("whole/sweep.csv"));
        assertEquals(7, whole.size(), "header + 3 x 2 points");
        List<String> joined = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            TestSupport.Run r = TestSupport.cli(sweep(dir.resolve("shards"), "--shard", k + "/3"));
            assertEquals(0, r.exitCode(), r.err());
            joined.addAll(Files.readAllLines(dir.resolve("shards/sweep-shard-" + k + "-of-3.csv")));
        }
        joined.sort((a, b) -> a.startsWith("index") ? -1 : b.startsWith("index") ? 1
                : Integer.compare(Integer.parseInt(a.split(",")[0]), Integer.parseInt(b.split(",")[0])));
        assertEquals(withoutSeconds(whole), withoutSeconds(joined));
        assertTrue(Files.size(dir.resolve("whole/sweep-heatmap.png")) > 0);
        for (String row : whole.subList(1, whole.size())) {
            double cosine = Double.parseDouble(row.split(",")[5]);
            assertTrue(cosine > -1 && cosine <= 1, "a cosine in every row: " + row);
        }
    }

    /** A training sweep costs every point: energy and latency columns, and accuracy against energy with its Pareto front. */
    @Test
    void trainedPointsAreCosted() throws Exception {
        Path out = dir.resolve("costed");
        TestSupport.Run r = TestSupport.cli("sweep", "--vary", "model=ideal,rram,ecram", "--kind", "train", "--epochs", "1",
                "--net", "784-12-10", "--train-limit", "40", "--test-limit", "40", "--threads", "2", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> rows = Files.readAllLines(out.resolve("sweep.csv"));
        List<String> header = List.of(rows.get(0).split(","));
        int energy = header.indexOf("train_energy_J"), inference = header.indexOf("inference_energy_J");
        assertTrue(energy > 0 && inference > 0, rows.get(0));
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",", -1);
            assertTrue(Double.parseDouble(cells[energy]) > 0 && Double.parseDouble(cells[inference]) > 0, row);
        }
        assertTrue(Files.size(out.resolve("sweep-pareto.png")) > 0);
    }

    /** A --set beside a varied model applies to every model, and the rows say so: no preset's name stands for a model it is not. */
    @Test
    void setOverridesOfVariedModelsAreLabelled() throws Exception {
        Path out = dir.resolve("labelled");
        TestSupport.Run r = TestSupport.cli("sweep", "--vary", "model=ideal,rram", "--set", "device.levels=64", "--kind", "gradient",
                "--net", "784-12-10", "--gradient-batch", "3", "--train-limit", "50", "--threads", "2", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> rows = Files.readAllLines(out.resolve("sweep.csv"));
        assertEquals("ideal + device.levels=64", rows.get(1).split(",")[1]);
        assertEquals("rram + device.levels=64", rows.get(2).split(",")[1]);
        assertTrue(r.out().contains("applies to every varied model"), r.out());
    }

    @Test
    void theParetoFrontKeepsOnlyUndominatedPoints() {
        List<SweepOutcome> points = new ArrayList<>();
        double[][] energyAccuracy = {{1, 0.5}, {2, 0.7}, {3, 0.6}, {4, 0.9}, {0.5, 0.2}, {2, 0.65}};
        for (int i = 0; i < energyAccuracy.length; i++) {
            epsim.cost.EventCost.Figures f = new epsim.cost.EventCost.Figures(new epsim.cost.EventCost.Energy(energyAccuracy[i][0], 0, 0, 0, 0, 0),
                    new epsim.cost.EventCost.Latency(0, 0, 0, 0, 0));
            points.add(new SweepOutcome(new SweepGrid.Point(i, List.of()), energyAccuracy[i][1], 0, 0, 0, 0, new EpochRow.EpochCost(f, f)));
        }
        List<Integer> front = SweepPlots.paretoFront(points).stream().map(o -> o.point().index()).toList();
        assertEquals(List.of(4, 0, 1, 3), front, "(3, 0.6) and (2, 0.65) are dominated by (2, 0.7)");
    }

    /**
     * With seeds, the front is over each design's means: design A (0.6 and 0.9 over two seeds,
     * mean 0.75) and B (0.8 and 0.8) at the same energy; per point A's lucky seed would lead the
     * front, over the means B does.
     */
    @Test
    void withSeedsTheFrontIsOverEachDesignsMeans() {
        List<SweepGrid.Axis> axes = List.of(new SweepGrid.Axis("device.levels", List.of("16", "64")), new SweepGrid.Axis("seed", List.of("1", "2")));
        double[][] levelSeedAccuracy = {{16, 1, 0.6}, {16, 2, 0.9}, {64, 1, 0.8}, {64, 2, 0.8}};
        List<SweepOutcome> points = new ArrayList<>();
        for (int i = 0; i < levelSeedAccuracy.length; i++) {
            epsim.cost.EventCost.Figures f = new epsim.cost.EventCost.Figures(new epsim.cost.EventCost.Energy(1, 0, 0, 0, 0, 0),
                    new epsim.cost.EventCost.Latency(0, 0, 0, 0, 0));
            points.add(new SweepOutcome(new SweepGrid.Point(i, List.of(String.valueOf((int) levelSeedAccuracy[i][0]), String.valueOf((int) levelSeedAccuracy[i][1]))),
                    levelSeedAccuracy[i][2], 0, 0, 0, 0, new EpochRow.EpochCost(f, f), null, 2.0));
        }
        assertEquals(List.of(1), SweepPlots.paretoFront(points).stream().map(o -> o.point().index()).toList(), "per point: A's lucky seed");
        List<SweepPlots.DesignPoint> designs = SweepPlots.designs(axes, points);
        assertEquals(2, designs.size());
        assertEquals(0.75, designs.get(0).accuracy(), 1e-12);
        assertEquals(Math.sqrt(0.045), designs.get(0).accuracySd(), 1e-12); // the sample sd of 0.6 and 0.9
        List<SweepPlots.DesignPoint> front = SweepPlots.paretoFrontOf(designs);
        assertEquals(1, front.size());
        assertTrue(front.get(0).label().startsWith("64"), front.get(0).label());
    }

    /** Over accuracy, energy and area a point that costs more energy but less area stays on the front. */
    @Test
    void theFrontOverAccuracyEnergyAndAreaKeepsATradeOfEnergyForArea() {
        double[][] energyAccuracyArea = {{1, 0.5, 5}, {2, 0.7, 5}, {3, 0.6, 1}, {4, 0.9, 5}, {2, 0.65, 6}, {3, 0.6, 2}};
        List<SweepOutcome> points = new ArrayList<>();
        for (int i = 0; i < energyAccuracyArea.length; i++) {
            epsim.cost.EventCost.Figures f = new epsim.cost.EventCost.Figures(new epsim.cost.EventCost.Energy(energyAccuracyArea[i][0], 0, 0, 0, 0, 0),
                    new epsim.cost.EventCost.Latency(0, 0, 0, 0, 0));
            points.add(new SweepOutcome(new SweepGrid.Point(i, List.of()), energyAccuracyArea[i][1], 0, 0, 0, 0, new EpochRow.EpochCost(f, f), null,
                    energyAccuracyArea[i][2]));
        }
        List<Integer> front = SweepPlots.paretoFront3(points).stream().map(o -> o.point().index()).toList();
        assertEquals(List.of(0, 1, 2, 3), front, "(2, 0.65, 6) is dominated by (2, 0.7, 5) and (3, 0.6, 2) by (3, 0.6, 1); (3, 0.6, 1) trades energy for area");
    }

    /** Seeds and rule settings vary like model fields; repeated seeds are summarised as mean and standard deviation. */
    @Test
    void seedsAndRuleSettingsAreSwept() throws Exception {
        Path out = dir.resolve("seeds");
        TestSupport.Run r = TestSupport.cli("sweep", "--vary", "seed=1,2,3", "--vary", "rule.beta=0.5,1", "--kind", "gradient",
                "--net", "784-12-10", "--gradient-batch", "3", "--train-limit", "50", "--threads", "2", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> rows = Files.readAllLines(out.resolve("sweep.csv"));
        assertEquals(7, rows.size(), "header + 3 seeds x 2 betas");
        List<String> summary = Files.readAllLines(out.resolve("sweep-summary.csv"));
        assertEquals("rule.beta,seeds,test_accuracy_mean,test_accuracy_sd,test_accuracy_ci95,train_accuracy_mean,train_accuracy_sd,"
                + "train_accuracy_ci95,gradient_cosine_mean,gradient_cosine_sd,gradient_cosine_ci95,train_energy_J_mean,train_energy_J_sd,"
                + "train_energy_J_ci95,inference_energy_J_mean,inference_energy_J_sd,inference_energy_J_ci95,area_mm2_mean,area_mm2_sd,area_mm2_ci95,train_latency_s_mean,train_latency_s_sd,train_latency_s_ci95", summary.get(0));
        assertEquals(3, summary.size(), "one row per beta");
        for (String beta : List.of("0.5", "1")) {
            double sum = 0, squares = 0;
            List<Double> cosines = new ArrayList<>();
            for (String row : rows.subList(1, rows.size())) {
                String[] c = row.split(",");
                if (c[2].equals(beta)) cosines.add(Double.parseDouble(c[5]));
            }
            assertEquals(3, cosines.size());
            for (double c : cosines) sum += c;
            double mean = sum / 3;
            for (double c : cosines) squares += (c - mean) * (c - mean);
            String[] line = summary.stream().filter(l -> l.startsWith(beta + ",")).findFirst().orElseThrow().split(",");
            assertEquals("3", line[1]);
            assertEquals(mean, Double.parseDouble(line[8]), 1e-5 * Math.abs(mean), "the mean over the seeds (6 significant digits)");
            double sd = Math.sqrt(squares / 2);
            assertEquals(sd, Double.parseDouble(line[9]), 1e-5 * sd + 1e-12, "the sample deviation");
            // t(0.975, 2 degrees of freedom) = 4.302653: the 95% half-width of a mean of 3 is 2.484 deviations
            assertEquals(4.302653 / Math.sqrt(3) * sd, Double.parseDouble(line[10]), 1e-5 * sd + 1e-12, "the 95% half-width");
        }
        // different seeds give different chips: the three cosines of one beta are not all equal
        assertTrue(rows.subList(1, 4).stream().map(l -> l.split(",")[5]).distinct().count() > 1, rows.toString());
        assertTrue(Files.size(out.resolve("sweep-rule-beta.png")) > 0);
    }

    /**
     * The gradient kind measures fidelity by default: on the ideal chip at initialisation EP's
     * update is the gradient (small beta, converged phases); the training settings (beta 1, capped
     * phases) measure the training operating point instead, and the CSV says which.
     */
    @Test
    void theGradientKindMeasuresFidelityByDefault() throws Exception {
        double[] cosine = new double[2];
        String[] settings = {"fidelity", "training"};
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve(settings[i]);
            TestSupport.Run r = TestSupport.cli("sweep", "--vary", "seed=1,2", "--kind", "gradient", "--model", "ideal", "--net", "784-20-10",
                    "--train-limit", "100", "--gradient-batch", "5", "--gradient-batches", "2", "--gradient-settings", settings[i], "--out", out.toString());
            assertEquals(0, r.exitCode(), r.err());
            List<String> rows = Files.readAllLines(out.resolve("sweep.csv"));
            List<String> header = List.of(rows.get(0).split(","));
            String[] first = rows.get(1).split(",");
            assertEquals(settings[i], first[header.indexOf("gradient_settings")]);
            cosine[i] = Double.parseDouble(first[header.indexOf("gradient_cosine")]);
        }
        // beta 0.01, phases settled to 1e-12: what is left is the hard sigmoid's kinks, units within beta of a rail switching slope
        // inside the nudge (0.997 measured); 0.99 leaves room for other seeds and still separates it from the training point
        assertTrue(cosine[0] > 0.99, "fidelity cosine " + cosine[0]);
        assertTrue(cosine[1] < cosine[0] - 0.05, "training settings measure the operating point (beta 1, 30 and 8 steps): " + cosine[1]);
    }

    @Test
    void linkedFieldsTakeEachValueTogether() throws Exception {
        SweepGrid.Axis gamma = SweepGrid.parseAxis("device.gammaUp+device.gammaDown=0,0.5");
        SweepGrid grid = new SweepGrid(new epsim.train.TrainConfig("ideal", List.of(), "4-3-2", epsim.rule.RuleSettings.defaults(new epsim.math.Topology(4, 3, 2)),
                1, 1, 1, "mnist-subset", null, 0, 0), List.of(gamma), false);
        List<SweepGrid.Point> points = grid.points();
        assertEquals(List.of("device.gammaUp=0.5", "device.gammaDown=0.5"), grid.overrides(points.get(1)));
        TestSupport.Run r = TestSupport.cli("sweep", "--vary", "device.gammaUp+device.gammaDown=0,1", "--set", "device.levels=64",
                "--model", "ideal", "--out", dir.resolve("g").toString(), "--net", "784-12-10", "--kind", "gradient", "--gradient-batch", "3",
                "--gradient-batches", "1", "--threads", "1");
        assertEquals(0, r.exitCode(), r.err());
        List<String> rows = Files.readAllLines(dir.resolve("g/sweep.csv"));
        assertTrue(rows.get(0).startsWith("index,device.gammaUp+device.gammaDown,"), rows.get(0));
        assertEquals(3, rows.size());
        assertOneLineError(TestSupport.cli("sweep", "--vary", "device.gammaUp+device.colour=0,1", "--out", dir.toString()), "device.colour");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "device.gammaUp+device.gammaUp=0,1", "--out", dir.toString()), "named twice");
    }

    @Test
    void badVarySpecs() {
        assertOneLineError(TestSupport.cli("sweep", "--vary", "rule.colour=1,2", "--out", dir.toString()), "rule.colour");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "seed=1,x", "--kind", "gradient", "--out", dir.toString()), "seed");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "rule.beta=-1", "--kind", "gradient", "--out", dir.toString()), "rule.beta");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "rule.learningRates=0.1", "--out", dir.toString()), "vary lr");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "device.colour=1,2", "--out", dir.toString()), "device.colour");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "device.levels", "--out", dir.toString()), "--vary device.levels");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "device.levels=4,,8", "--out", dir.toString()), "empty value");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "device.levels=0,8", "--kind", "gradient", "--out", dir.toString()), "device.levels");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "device.levels=4,8", "--shard", "3/2", "--out", dir.toString()), "--shard");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "device.levels=4,8", "--vary", "periphery.adcBits=4", "--list",
                "--out", dir.toString()), "--list");
    }

    /**
     * Drift as an axis: a point with evalAfter is evaluated again once the trained chip has idled
     * that long; with drifting devices the accuracy after a long idle time moves, while the
     * training (the same seed) is the same, and evalRepeats averages evaluations with new noise.
     */
    @Test
    void evalAfterTestsTheTrainedChipAfterItsIdleTime() throws Exception {
        Path out = dir.resolve("drift");
        TestSupport.Run r = TestSupport.cli("sweep", "--model", "ideal", "--set", "device.levels=64", "--set", "device.driftNu=0.3",
                "--set", "device.readNoise=0.01", "--net", "784-12-10", "--train-limit", "100", "--test-limit", "100", "--epochs", "1",
                "--vary", "evalAfter=0,1e7", "--vary", "evalRepeats=2", "--kind", "train", "--no-progress", "--threads", "2", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> rows = Files.readAllLines(out.resolve("sweep.csv"));
        assertEquals("index,evalAfter,evalRepeats,test_accuracy", String.join(",", java.util.Arrays.copyOf(rows.get(0).split(","), 4)));
        double now = Double.parseDouble(rows.get(1).split(",")[3]), later = Double.parseDouble(rows.get(2).split(",")[3]);
        assertTrue(now != later, "a drift factor of (1e7 s / t0 + 1)^-0.3 changes the trained chip's answers: " + now + " vs " + later);
        assertEquals(Files.readString(out.resolve("points/0000/metrics.csv")).lines().skip(1).map(l -> l.split(",")[2]).toList(),
                Files.readString(out.resolve("points/0001/metrics.csv")).lines().skip(1).map(l -> l.split(",")[2]).toList(), "the same training");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "evalAfter=later", "--kind", "train", "--out", dir.resolve("bad").toString()), "evalAfter");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "evalRepeats=0", "--kind", "train", "--out", dir.resolve("bad").toString()), "evalRepeats");
        assertOneLineError(TestSupport.cli("sweep", "--vary", "evalAfter=1", "--kind", "gradient", "--out", dir.resolve("bad").toString()), "--kind gradient");
        assertTrue(!Files.exists(dir.resolve("bad")) || Files.list(dir.resolve("bad")).findAny().isEmpty(), "nothing written for a refused sweep");
    }
}
