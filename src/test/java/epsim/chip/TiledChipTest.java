package epsim.chip;

import epsim.common.Rng;
import epsim.device.ConductanceArray;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layers on tiles (docs/tiles.md): analog tiles with ideal wires are the untiled chip bit for bit;
 * a wired layer's solved map and its per-read solves agree, forward and backward; digital partial
 * sums are the analog ones up to each tile's quantization; a wired chip persists and restores.
 */
class TiledChipTest {
    private static final Topology NET = new Topology(12, 9, 5);

    private static double[] inputs(int batch) {
        double[] x = new double[batch * 12];
        for (int i = 0; i < x.length; i++) x[i] = ((i * 7) % 5) / 4.0;
        return x;
    }

    private static AnalogChip chip(String... sets) {
        return AnalogChip.fabricate(ModelLoader.load("default", List.of(sets)), NET, 4);
    }

    private static LayerParams delta() {
        return ChipTestSupport.delta(NET);
    }

    /** Free and nudged reads of a batch of 3 after one programming step. */
    private static List<double[]> reads(AnalogChip chip) {
        chip.program(delta());
        chip.setInputs(inputs(3), 3);
        chip.resetState();
        chip.relax(60, 0);
        List<double[]> out = new ArrayList<>(List.of(chip.read(1), chip.read(2)));
        double[] target = new double[3 * 5];
        target[1] = target[5 + 2] = target[10 + 4] = 1;
        chip.setNudge(target, 0.5);
        chip.relax(20, 0);
        out.add(chip.read(1));
        out.add(chip.read(2));
        return out;
    }

    @Test
    void analogTilesWithIdealWiresAreTheUntiledChipBitForBit() {
        List<double[]> untiled = reads(chip());
        List<double[]> tiled = reads(chip("array.tileRows=5", "array.tileColumns=4", "array.rowWireResistance=0", "array.columnWireResistance=0"));
        for (int i = 0; i < untiled.size(); i++) assertArrayEquals(untiled.get(i), tiled.get(i), 0, "read " + i);
    }

    /** A layer of default devices written with weights, as a chip's layer {@code index} would hold it, on tiles of {@code array}. */
    private static LayerTiles layer(HardwareModel.Array array, int index, boolean perRead, int outputs, int inputs, ConductanceArray[] devices) {
        HardwareModel m = ModelLoader.load("default", List.of());
        LayerTiles t = new LayerTiles(array, m.device().gRef(), index, outputs, inputs, perRead);
        double[] w = new double[outputs * inputs], b = new double[outputs];
        devices[0].weights(w, 0);
        devices[1].weights(b, 0);
        t.refresh(devices[0], devices[1], 0, w, b);
        return t;
    }

    private static ConductanceArray[] devices(int outputs, int inputs) {
        HardwareModel m = ModelLoader.load("default", List.of());
        Rng fab = Rng.stream(9, "fabrication");
        ConductanceArray w = new ConductanceArray(m.device(), outputs * inputs, fab), b = new ConductanceArray(m.device(), outputs, fab);
        double[] target = new double[outputs * inputs], bias = new double[outputs];
        for (int i = 0; i < target.length; i++) target[i] = 1.5 * Math.sin(0.7 * i);
        for (int i = 0; i < bias.length; i++) bias[i] = 0.5 * Math.cos(i);
        w.writeVerified(target, 0);
        b.writeVerified(bias, 0);
        return new ConductanceArray[] {w, b};
    }

    private static double[] ramp(int n, double phase) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = 0.5 + 0.5 * Math.sin(phase + 0.37 * i);
        return v;
    }

    @Test
    void aSolvedMapIsWhatEveryReadSolvesForwardAndBackward() {
        int outputs = 7, inputs = 11, batch = 2;
        HardwareModel.Array wired = new HardwareModel.Array(5, 3, HardwareModel.PartialSums.ANALOG, 8, 4, 0, 30, 50);
        ConductanceArray[] d = devices(outputs, inputs);
        LayerTiles map = layer(wired, 1, false, outputs, inputs, d), solved = layer(wired, 1, true, outputs, inputs, d);
        double[] below = ramp(batch * inputs, 0.3), above = ramp(batch * outputs, 1.1);
        double[] viaMap = new double[batch * outputs], viaSolves = new double[batch * outputs];
        for (int s = 0; s < batch; s++) System.arraycopy(map.readBiases(), 0, viaMap, s * outputs, outputs);
        epsim.math.Kernels.Java.multiplyTransposedAccumulate(below, batch, inputs, map.readWeights(), outputs, viaMap);
        solved.forward(below, batch, viaSolves, null);
        // both solve the same networks to a relative residual of 1e-13; sums of a dozen currents keep 1e-11
        for (int i = 0; i < viaMap.length; i++) assertEquals(viaMap[i], viaSolves[i], 1e-11 * (1 + Math.abs(viaMap[i])), "forward " + i);
        double[] backMap = new double[batch * inputs], backSolves = new double[batch * inputs];
        epsim.math.Kernels.Java.multiplyAccumulateScaled(0.7, above, batch, outputs, map.readWeights(), inputs, backMap);
        solved.backward(0.7, above, batch, backSolves, null);
        // the backward map is the forward map's transpose: the array is reciprocal
        for (int i = 0; i < backMap.length; i++) assertEquals(backMap[i], backSolves[i], 1e-11 * (1 + Math.abs(backMap[i])), "backward " + i);

        // the wires lose a fraction of order r G N^2 = 50 ohm x 10 uS x 5^2 ~ 1e-2 of a weight (|W| <= 2): a measurable drop, far from all
        double[] ideal = new double[outputs * inputs];
        d[0].weights(ideal, 0);
        double worst = 0;
        for (int i = 0; i < ideal.length; i++) worst = Math.max(worst, Math.abs(map.readWeights()[i] - ideal[i]));
        assertTrue(worst > 1e-3 && worst < 5e-2, "IR drop on small tiles: " + worst);
    }

    @Test
    void digitalPartialSumsAreTheAnalogOnesUpToEachTilesQuantization() {
        int outputs = 7, inputs = 11, batch = 2;
        ConductanceArray[] d = devices(outputs, inputs);
        double[] below = ramp(batch * inputs, 0.3);
        double[] reference = new double[batch * outputs];
        double[] w = new double[outputs * inputs], b = new double[outputs];
        d[0].weights(w, 0);
        d[1].weights(b, 0);
        for (int s = 0; s < batch; s++) System.arraycopy(b, 0, reference, s * outputs, outputs);
        epsim.math.Kernels.Java.multiplyTransposedAccumulate(below, batch, inputs, w, outputs, reference);
        int rowTiles = 3; // 12 rows (11 inputs and the bias) on tiles of 4
        for (int bits : new int[] {HardwareModel.IDEAL, 4, 8}) {
            HardwareModel.Array digital = new HardwareModel.Array(4, 3, HardwareModel.PartialSums.DIGITAL, bits, 4, 0, 0, 0);
            double[] got = new double[batch * outputs];
            layer(digital, 1, false, outputs, inputs, d).forward(below, batch, got, null);
            double lsb = bits == HardwareModel.IDEAL ? 0 : 8.0 / ((1 << bits) - 1);
            for (int i = 0; i < got.length; i++) {
                // one rounding per row tile, at most half a step each (none of these partial sums clips at +-4)
                assertEquals(reference[i], got[i], rowTiles * lsb / 2 + 1e-12, bits + " bits, output " + i);
            }
            double[] backward = new double[batch * inputs], backRef = new double[batch * inputs];
            double[] above = ramp(batch * outputs, 2);
            layer(digital, 1, false, outputs, inputs, d).backward(0.5, above, batch, backward, null);
            epsim.math.Kernels.Java.multiplyAccumulateScaled(0.5, above, batch, outputs, w, inputs, backRef);
            for (int i = 0; i < backward.length; i++) assertEquals(backRef[i], backward[i], 3 * lsb / 2 + 1e-12, bits + " bits, backward " + i);
        }
    }

    @Test
    void aWiredTiledChipPersistsAndRestoresBitForBit() {
        String[] sets = {"array.tileRows=5", "array.tileColumns=4", "array.rowWireResistance=200", "array.columnWireResistance=100",
                "array.partialSums=digital", "array.partialSumNoise=0.01"};
        AnalogChip a = chip(sets);
        a.program(delta());
        PersistedChip saved = a.persist();
        List<double[]> first = reads(a);
        AnalogChip b = chip(sets);
        b.restore(saved);
        List<double[]> second = reads(b);
        for (int i = 0; i < first.size(); i++) assertArrayEquals(first.get(i), second.get(i), 0, "read " + i);
        // and the wires and ADCs changed what the neurons see
        List<double[]> untiled = reads(chip());
        assertTrue(!Arrays.equals(untiled.get(1), first.get(1)));
    }

    @Test
    void tileReadsAndConversionsAreCountedPerTile() {
        AnalogChip chip = chip("array.tileRows=5", "array.tileColumns=4", "array.partialSums=digital");
        chip.setInputs(inputs(3), 3);
        chip.resetState();
        chip.relax(10, -1);
        ChipCounters c = chip.counters();
        // 12-9-5: layer 1 has 13 rows (inputs and bias) on 3 row tiles x 3 column tiles (9 outputs), layer 2 has 10 rows on 2 x 2;
        // a step reads layer 1 and layer 2 forward and layer 2 backward (feedback into the hidden layer)
        long tilesPerStep = 3 * 3 + 2 * 2 + 2 * 2;
        long conversionsPerStep = 9 * 3 + 5 * 2 + 9 * 2; // forward: each output once per row tile; backward: each input once per column tile
        assertEquals(10 * 3 * tilesPerStep, c.tileReads());
        assertEquals(10 * 3 * conversionsPerStep, c.partialSumConversions());
        assertEquals(10 * 3, c.steps());
        // analog sums over ideal wires: the same tiles conduct, and nothing is converted
        AnalogChip analog = chip("array.tileRows=5", "array.tileColumns=4");
        analog.setInputs(inputs(3), 3);
        analog.resetState();
        analog.relax(10, -1);
        assertEquals(10 * 3 * tilesPerStep, analog.counters().tileReads());
        assertEquals(0, analog.counters().partialSumConversions());
    }

    /** Tile sizes, resistances and modes are validated like every model field; a network that does not settle names its tile and the fields. */
    @Test
    void badArraySettingsAreRefusedInOneLine() {
        for (String bad : new String[] {"array.tileRows=0", "array.tileColumns=-3", "array.tileRows=2.5", "array.tileRows=\"huge\"",
                "array.partialSums=hybrid", "array.partialSumBits=25", "array.partialSumRange=0", "array.partialSumNoise=-1",
                "array.rowWireResistance=-1", "array.columnWireResistance=1e5", "array.rowWireResistance=1e-9", "array.columnWireResistance=NaN",
                "array.tiles=4"}) {
            String key = bad.substring(0, bad.indexOf('='));
            epsim.TestSupport.assertOneLineError(epsim.TestSupport.cli("models", "show", "default", "--set", bad), key);
        }
        // a sweep axis over the array's fields is validated as the field is, before any point runs
        epsim.TestSupport.assertOneLineError(epsim.TestSupport.cli("sweep", "--net", "784-20-10", "--train-limit", "40", "--test-limit", "20",
                "--epochs", "1", "--vary", "array.tileRows=64,0", "--out", System.getProperty("java.io.tmpdir") + "/epsim-bad-axis-" + ProcessHandle.current().pid()),
                "array.tileRows");
        // a solve that does not settle in its bound (here a bound of 2 iterations on a network that needs more) names the tile and the fields
        ConductanceArray[] d = devices(7, 11);
        HardwareModel.Array heavy = new HardwareModel.Array(6, 4, HardwareModel.PartialSums.ANALOG, 8, 4, 0, 1000, 1000);
        LayerTiles t = new LayerTiles(heavy, 5.0, 1, 7, 11, false, 2);
        double[] w = new double[77], b = new double[7];
        epsim.common.UserError e = org.junit.jupiter.api.Assertions.assertThrows(epsim.common.UserError.class, () -> t.refresh(d[0], d[1], 0, w, b));
        assertTrue(e.getMessage().contains("layer 2's tile (0, 0) do not settle") && e.getMessage().contains("array.rowWireResistance")
                && !e.getMessage().contains("\n"), e.getMessage());
    }
}
