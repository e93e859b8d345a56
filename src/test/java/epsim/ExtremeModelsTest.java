package epsim;

import epsim.chip.AnalogChip;
import epsim.chip.ChipCounters;
import epsim.common.UserError;
import epsim.cost.EventCost;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelField;
import epsim.model.ModelLoader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No value that passes validation yields NaN or Infinity: models with one or two numeric fields at
 * the extremes of what a number can be (and of their ranges) are either refused in one line, or
 * give a chip whose outputs, weights, counters, cost and persisted state are finite, whose
 * persisted state a fresh chip restores, and (through the CLI) a short run whose metrics are
 * finite and whose checkpoint eval and --resume read.
 */
class ExtremeModelsTest {
    private static Path dir;

    @BeforeContainer
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("epsim-extreme");
    }

    @AfterContainer
    static void tearDown() throws Exception {
        TestSupport.deleteTree(dir);
    }

    private static final List<ModelField> NUMERIC = new ArrayList<>();

    static {
        for (ModelField f : ModelField.values()) {
            if (!List.of(ModelField.TRANSFER, ModelField.RESPONSE, ModelField.UPDATE_MODE, ModelField.PULSE_TYPE, ModelField.GHOST_CROSSBAR,
                    ModelField.COST_SOURCE, ModelField.MANAGEMENT, ModelField.BL_MANAGEMENT, ModelField.PARTIAL_SUMS).contains(f)) NUMERIC.add(f);
        }
    }

    @Provide
    Arbitrary<ModelField> numericFields() {
        return Arbitraries.of(NUMERIC);
    }

    @Provide
    Arbitrary<String> extremes() {
        return Arbitraries.of("0", "4.9e-324", "1e-300", "1e-9", "0.001", "0.999999", "1", "2", "24", "1000", "1000000", "1e9", "1e12", "1e15",
                "1e308", "-1e308", "-1000", "-1", "2147483647");
    }

    private static HardwareModel load(List<String> set) {
        try {
            return ModelLoader.load("default", set);
        } catch (UserError e) {
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            return null;
        }
    }

    private static void finite(double v, String what) {
        assertTrue(Double.isFinite(v), what + " = " + v);
    }

    private static void finite(ChipCounters c, String set) {
        for (var part : ChipCounters.class.getRecordComponents()) {
            try {
                Object value = part.getAccessor().invoke(c);
                if (value instanceof epsim.chip.LayerEvents layers) {
                    for (double[] event : layers.values()) for (double v : event) finite(v, set + ": counter by layer " + part.getName());
                } else {
                    finite(((Number) value).doubleValue(), set + ": counter " + part.getName());
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Every numeric field alone, and the fields that make one quantity together (time constant and
     * step, the conductance range and its reference, a converter's range, drift's exponent and
     * time, the write noise and the step it is measured in), all set to one extreme value.
     */
    @Provide
    Arbitrary<List<ModelField>> groups() {
        List<List<ModelField>> groups = new ArrayList<>();
        for (ModelField f : NUMERIC) groups.add(List.of(f));
        groups.add(List.of(ModelField.TAU, ModelField.DT));
        groups.add(List.of(ModelField.G_MAX, ModelField.G_REF));
        groups.add(List.of(ModelField.G_MIN, ModelField.G_MAX, ModelField.G_REF));
        groups.add(List.of(ModelField.DAC_MIN, ModelField.DAC_MAX));
        groups.add(List.of(ModelField.ADC_MIN, ModelField.ADC_MAX));
        groups.add(List.of(ModelField.DRIFT_NU, ModelField.DRIFT_T0));
        groups.add(List.of(ModelField.WRITE_NOISE_US, ModelField.G_MAX));
        return Arbitraries.of(groups);
    }

    /** In process, every group at every extreme: outputs, weights, counters, cost and persisted state finite; what it persists a fresh chip restores. */
    @Property(generation = net.jqwik.api.GenerationMode.EXHAUSTIVE)
    void aChipOfExtremeValuesIsFinite(@ForAll("groups") List<ModelField> group, @ForAll("extremes") String value) {
        List<String> set = new ArrayList<>(List.of("neuron.transfer=sigmoid"));
        for (ModelField f : group) set.add(f.key() + "=" + value);
        HardwareModel m = load(set);
        if (m == null) return;
        Topology t = new Topology(6, 5, 3);
        AnalogChip chip = AnalogChip.fabricate(m, t, 1);
        chip.setInputs(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1, 1, 0.8, 0.6, 0.4, 0.2, 0}, 2);
        chip.relax(40, 0);
        LayerParams delta = new LayerParams(t);
        for (int k = 0; k < t.weightLayers(); k++) java.util.Arrays.fill(delta.w[k], 0.05);
        chip.program(delta);
        chip.relax(40, 0);
        for (double v : chip.read(2)) finite(v, set + ": output");
        for (double v : chip.readWeights().flatten()) finite(v, set + ": weight");
        try {
            chip.advanceTime(1e12);
            chip.advanceTime(1e12);
        } catch (UserError e) {
            assertFalse(e.getMessage().contains("\n"));
        }
        ChipCounters c = chip.counters();
        finite(c, set.toString());
        if (m.cost() != null) {
            EventCost.Figures f = EventCost.of(m, t, c, 1000);
            finite(f.energy().total(), set + ": energy");
            finite(f.latency().total(), set + ": latency");
        }
        var persisted = chip.persist();
        persisted.checkShape(t);
        AnalogChip fresh = AnalogChip.fabricate(m, t, 1);
        fresh.restore(persisted);
        assertEquals(java.util.Arrays.toString(chip.readWeights().flatten()), java.util.Arrays.toString(fresh.readWeights().flatten()),
                set + ": restored as persisted");
    }

    /** Through the CLI: a short run is refused in one line or writes finite metrics and a checkpoint that eval and --resume read. */
    @Property(tries = 12)
    void aRunOfExtremeValuesIsReadBack(@ForAll("numericFields") ModelField a, @ForAll("extremes") String va) throws Exception {
        Path run = Files.createTempDirectory(dir, "run");
        Files.delete(run);
        List<String> args = List.of("train", "--set", a.key() + "=" + va, "--net", "784-4-10", "--epochs", "1", "--train-limit", "40",
                "--test-limit", "20", "--no-progress", "--out", run.toString());
        TestSupport.Run r = TestSupport.cli(args.toArray(new String[0]));
        if (r.exitCode() != 0) {
            TestSupport.assertOneLineError(r);
            return;
        }
        for (String line : Files.readAllLines(run.resolve("metrics.csv"))) {
            assertFalse(line.contains("NaN") && !line.startsWith("1,NaN") || line.contains("Infinity"), a.key() + "=" + va + ": " + line);
        }
        assertFalse(r.out().contains("NaN") || r.out().contains("Infinity"), r.out());
        TestSupport.Run eval = TestSupport.cli("eval", "--checkpoint", run.toString());
        assertEquals(0, eval.exitCode(), a.key() + "=" + va + ": eval reads the checkpoint: " + eval.err());
        TestSupport.Run resume = TestSupport.cli("train", "--resume", run.toString(), "--epochs", "2", "--no-progress");
        assertEquals(0, resume.exitCode(), a.key() + "=" + va + ": the run resumes: " + resume.err());
    }
}
