package epsim.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.chip.AnalogChip;
import epsim.chip.ChipCounters;
import epsim.chip.LayerEvents;
import epsim.common.UserError;
import epsim.cosim.Wire;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.model.TechnologyTable;
import epsim.rule.LearningRule;
import epsim.rule.Rule;
import epsim.rule.RuleSetting;
import epsim.rule.RuleSettings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The technology tables' constants and their provenance, the area by hand, and the split by layer adding up to the totals. */
class CostTablesAndLayersTest {
    /** 1e-12 relative: the same positive products summed in another order agree to ~1e-15. */
    private static final double TOLERANCE = 1e-12;

    @Test
    void aTableFillsWhatTheModelLeavesOutAndSaysWhereEachNumberComesFrom() {
        HardwareModel m = ModelLoader.load("default", List.of());
        assertEquals("45nm", m.cost().technology());
        assertEquals(40.5, m.cost().adcFom(), 0);
        assertEquals(TechnologyTable.Basis.SOURCED, m.cost().provenance().get("adcFom").basis());
        assertTrue(m.cost().provenance().get("adcFom").source().contains("Murmann"));
        assertEquals(TechnologyTable.Basis.ASSUMPTION, m.cost().provenance().get("pulseEnergy").basis());
        assertEquals(126, m.cost().area().cellArea(), 0); // from the rram cell table

        // models show names the tables instead of freezing their numbers, and reads back to the same constants
        ObjectNode json = ModelLoader.toJson(m);
        assertEquals("45nm", json.get("cost").get("technology").asText());
        assertFalse(json.get("cost").has("adcFom"));
        HardwareModel again = ModelLoader.parse(json.toString(), "shown.json", List.of());
        assertEquals(m.cost().adcFom(), again.cost().adcFom(), 0);
        assertEquals(m.cost().area(), again.cost().area());

        // another node through --set; a stated constant wins over the table and loses its provenance
        HardwareModel at32 = ModelLoader.load("default", List.of("cost.technology=32nm"));
        assertEquals(31.3, at32.cost().adcFom(), 0);
        assertEquals(0.171, at32.cost().area().sramBitArea(), 0);
        HardwareModel stated = ModelLoader.load("default", List.of("cost.adcFom=13.2"));
        assertEquals(13.2, stated.cost().adcFom(), 0);
        assertFalse(stated.cost().provenance().containsKey("adcFom"));
        assertEquals(13.2, ModelLoader.toJson(stated).get("cost").get("adcFom").asDouble(), 0);
    }

    @Test
    void badTablesAndMissingConstantsAreRefusedInOneLine() {
        UserError unknown = assertThrows(UserError.class, () -> ModelLoader.load("default", List.of("cost.technology=7nm")));
        assertTrue(unknown.getMessage().contains("cost.technology") && !unknown.getMessage().contains("\n"), unknown.getMessage());
        UserError number = assertThrows(UserError.class, () -> ModelLoader.parse("{\"base\":\"default\",\"cost\":{\"technology\":45}}", "m.json", List.of()));
        assertTrue(number.getMessage().contains("cost.technology: expected one of"), number.getMessage()); // not "cost.adcFom: missing"
        for (String bad : List.of("periphery.readVoltage=0", "periphery.readPulse=2e-6", "device.temperature=-1", "device.temperature=1e5")) {
            UserError e = assertThrows(UserError.class, () -> ModelLoader.load("default", List.of(bad)), bad);
            assertTrue(e.getMessage().contains(bad.substring(0, bad.indexOf('='))) && !e.getMessage().contains("\n"), e.getMessage());
        }
        UserError cell = assertThrows(UserError.class, () -> ModelLoader.load("default", List.of("cost.cell=sram")));
        assertTrue(cell.getMessage().contains("cost.cell"), cell.getMessage());
        String noTable = ModelLoader.toJson(ModelLoader.load("default", List.of())).toString()
                .replace("\"technology\":\"45nm\",", "").replace("\"cell\":\"rram\",", "");
        UserError missing = assertThrows(UserError.class, () -> ModelLoader.parse(noTable, "m.json", List.of()));
        assertTrue(missing.getMessage().contains("cost.adcFom: missing"), missing.getMessage());
    }

    /** The default chip's area written out: cells x 126 F^2 at 45 nm, 64 survey ADCs, 8-bit DACs, neurons, the host's two phases of reads. */
    @Test
    void areaByHand() {
        Topology t = new Topology(784, 500, 10);
        HardwareModel m = ModelLoader.load("default", List.of());
        EventCost.Area a = EventCost.area(m, t, 20, false);
        double cells = 2.0 * (785 * 500 + 501 * 10);
        assertEquals(cells * 126 * 0.045 * 0.045, a.crossbar(), TOLERANCE * a.crossbar());
        assertEquals(64 * 66000.0, a.adc(), TOLERANCE * a.adc());
        assertEquals(784 * 0.18 * 256, a.dac(), TOLERANCE * a.dac());
        assertEquals(510 * 64.0, a.neurons(), TOLERANCE * a.neurons());
        assertEquals(2.0 * 20 * 510 * 32 * 0.346, a.hostMemory(), TOLERANCE * a.hostMemory());
        // backprop's host also keeps every weight and bias
        assertEquals(a.hostMemory() + (785 * 500 + 501 * 10) * 32 * 0.346, EventCost.area(m, t, 20, true).hostMemory(), TOLERANCE * a.hostMemory() * 10);
        // a model with no table and no area figures has none
        String noArea = ModelLoader.toJson(ModelLoader.load("default", List.of("cost.adcFom=40.5", "cost.adcSeconds=9.1e-10", "cost.adcs=64",
                "cost.dacFom=304", "cost.dacSeconds=1e-9", "cost.idealBits=8", "cost.neuronPower=0.25", "cost.pulseEnergy=1", "cost.pulseSeconds=1e-8",
                "cost.macEnergy=4.6", "cost.macSeconds=1e-9", "cost.memoryEnergy=50"))).toString()
                .replace("\"technology\":\"45nm\",", "").replace("\"cell\":\"rram\",", "");
        assertEquals(null, EventCost.area(ModelLoader.parse(noArea, "m.json", List.of()), t, 20, false));
    }

    /**
     * Every rule's events split by layer add up to the chip's totals: EP and ghost units (feedback,
     * ghost populations reading a crossbar of their own) on rram with digital partial sums of
     * 4 x 3 tiles, backprop (verification reads), and the outer-product update (slots per layer).
     */
    @Test
    void theSplitByLayerAddsUpToTheTotals() {
        Topology t = new Topology(9, 7, 5, 3);
        List<List<String>> setups = List.of(
                List.of("array.tileRows=4", "array.tileColumns=3", "array.partialSums=digital", "ghost.crossbar=separate"),
                List.of("update.mode=outerProduct"));
        for (List<String> sets : setups) {
            HardwareModel m = ModelLoader.load("rram", sets);
            for (Rule r : List.of(Rule.EP, Rule.GHOST, Rule.BP)) {
                AnalogChip chip = AnalogChip.fabricate(m, t, 4);
                chip.resetCounters();
                LearningRule rule = RuleSettings.defaults(t).with(RuleSetting.RULE, r).create(4);
                double[] x = new double[2 * 9], y = {1, 0, 0, 0, 1, 0};
                for (int i = 0; i < x.length; i++) x[i] = (i % 5) / 4.0;
                rule.train(chip, x, y, 2);
                ChipCounters c = chip.counters();
                LayerEvents e = c.layers();
                assertNotNull(e, r + " " + sets);
                String what = r + " " + sets;
                assertEquals(c.adcConversions(), sum(e, LayerEvents.ADC), 0, what);
                assertEquals(c.deviceReads(), sum(e, LayerEvents.DEVICE_READS), 0, what);
                assertEquals(c.crossbarJoules(), sum(e, LayerEvents.JOULES), TOLERANCE * c.crossbarJoules(), what);
                assertEquals(c.pulsesUp(), sum(e, LayerEvents.PULSES_UP), 0, what);
                assertEquals(c.pulsesDown(), sum(e, LayerEvents.PULSES_DOWN), 0, what);
                assertEquals(c.deviceUpdates(), sum(e, LayerEvents.DEVICE_UPDATES), 0, what);
                assertEquals(c.programmingSlots(), sum(e, LayerEvents.SLOTS), 0, what);
                assertEquals(c.weightReads(), sum(e, LayerEvents.WEIGHT_READS), 0, what);
                assertEquals(c.tileReads(), sum(e, LayerEvents.TILE_READS), 0, what);
                assertEquals(c.partialSumConversions(), sum(e, LayerEvents.PARTIAL_SUMS), 0, what);
                assertTrue(c.crossbarJoules() > 0 && c.pulsesUp() + c.pulsesDown() > 0, what);

                long macs = rule.hostWork().macs();
                EventCost.Figures total = EventCost.of(m, t, c, macs);
                EventCost.ByLayer split = EventCost.byLayer(m, t, c, macs, 2, c.weightReads() > 0);
                double energy = split.sharedEnergy().total(), latency = split.sharedLatency().total(), area = split.sharedAreaUm2();
                for (EventCost.LayerFigures l : split.layers()) {
                    energy += l.energy().total();
                    latency += l.latency().total();
                    area += l.areaUm2();
                }
                assertEquals(total.energy().total(), energy, TOLERANCE * energy, what);
                assertEquals(total.latency().total(), latency, TOLERANCE * latency, what);
                double whole = EventCost.area(m, t, 2, c.weightReads() > 0).total();
                assertEquals(whole, area, TOLERANCE * whole, what);

                // over the protocol the split travels with the counts, bit for bit
                ChipCounters back = Wire.counters(Wire.counters(c), "counters");
                assertEquals(c, back, what);
            }
        }
    }

    @Test
    void aMalformedSplitByLayerIsRefused() {
        ChipCounters c = new ChipCounters(1, 1, 1e-6, 1, 1, 1, 1e-12, 0, 0, 0, 0, 0, 0, 1, 0, LayerEvents.zero(2));
        ObjectNode good = Wire.counters(c);
        assertEquals(c, Wire.counters(good, "counters"));
        ObjectNode shortList = good.deepCopy();
        ((ObjectNode) shortList.get("by_layer")).putArray("device_reads").add(1);
        assertThrows(RuntimeException.class, () -> Wire.counters(shortList, "counters"));
        ObjectNode negative = good.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) negative.get("by_layer").get("pulses_up")).set(0, -1);
        assertThrows(RuntimeException.class, () -> Wire.counters(negative, "counters"));
        ObjectNode unknown = good.deepCopy();
        ((ObjectNode) unknown.get("by_layer")).putArray("sparks").add(1).add(1);
        assertThrows(RuntimeException.class, () -> Wire.counters(unknown, "counters"));
        ObjectNode none = good.deepCopy();
        none.remove("by_layer");
        assertEquals(null, Wire.counters(none, "counters").layers()); // an older chip: no split, still valid
    }

    /** The devices' Johnson noise is an extra Gaussian only when the temperature is above 0: at 0 the chip draws what it drew before. */
    @Test
    void johnsonNoiseChangesNothingAtZeroKelvin() {
        Topology t = new Topology(6, 4);
        double[] first = relaxed(ModelLoader.load("default", List.of()), t), zero = relaxed(ModelLoader.load("default", List.of("device.temperature=0")), t);
        double[] warm = relaxed(ModelLoader.load("default", List.of("device.temperature=300", "periphery.readVoltage=0.01", "periphery.readPulse=1e-8")), t);
        assertTrue(java.util.Arrays.equals(first, zero));
        assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(warm));
    }

    private static double[] relaxed(HardwareModel m, Topology t) {
        AnalogChip chip = AnalogChip.fabricate(m, t, 9);
        chip.setInputs(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, 1);
        chip.resetState();
        chip.relax(5, 0);
        return chip.read(1);
    }

    private static double sum(LayerEvents e, int event) {
        double s = 0;
        for (double v : e.values()[event]) s += v;
        return s;
    }
}
