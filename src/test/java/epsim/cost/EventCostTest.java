package epsim.cost;

import epsim.chip.AnalogChip;
import epsim.chip.ChipCounters;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.rule.Backprop;
import epsim.rule.Rule;
import epsim.rule.RuleSettings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cost totals are the counts times the model's constants, recomputed here independently. */
class EventCostTest {
    /** 1e-12 relative: the same products in another order; the constants are not rounded anywhere. */
    private static final double TOLERANCE = 1e-12;

    @Test
    void totalsAreCountsTimesConstants() {
        Topology t = new Topology(6, 5, 3);
        // the constants stated here, so that the test does not follow the bundled technology table
        HardwareModel m = ModelLoader.load("pcm", List.of("periphery.adcBits=6", "periphery.dacBits=5", "cost.adcs=3", "cost.adcFom=10.1",
                "cost.adcSeconds=8.3e-10", "cost.dacFom=1", "cost.dacSeconds=1e-9", "cost.neuronPower=1", "cost.pulseEnergy=10",
                "cost.pulseSeconds=5e-8", "cost.macEnergy=4.6", "cost.macSeconds=1e-9"));
        AnalogChip chip = AnalogChip.fabricate(m, t, 3);
        chip.resetCounters();
        Backprop bp = new Backprop(RuleSettings.defaults(t).with(epsim.rule.RuleSetting.RULE, Rule.BP));
        double[] x = new double[2 * 6], y = {1, 0, 0, 0, 0, 1};
        for (int i = 0; i < x.length; i++) x[i] = i / 12.0;
        bp.train(chip, x, y, 2);
        ChipCounters c = chip.counters();
        long macs = bp.hostWork().macs();
        EventCost.Figures f = EventCost.of(m, t, c, macs);

        // pcm: 10 pJ and 50 ns per pulse; the default's ADC (10.1 fJ per step), DAC (1 fJ per step), 1 µW neurons, 4.6 pJ and 1 ns per MAC
        double adc = (c.adcConversions() + c.weightReads()) * 10.1e-15 * 64;
        double dac = c.dacConversions() * 1e-15 * 32;
        double neurons = 1e-6 * (5 + 3) * c.chipSeconds();
        double programming = (c.pulsesUp() + c.pulsesDown()) * 10e-12;
        double host = macs * 4.6e-12;
        assertEquals(adc, f.energy().adc(), TOLERANCE * adc);
        assertEquals(dac, f.energy().dac(), TOLERANCE * dac);
        assertEquals(c.crossbarJoules(), f.energy().crossbar(), 0);
        assertEquals(neurons, f.energy().neurons(), TOLERANCE * neurons);
        assertEquals(programming, f.energy().programming(), TOLERANCE * programming);
        assertEquals(host, f.energy().host(), TOLERANCE * host);
        double total = adc + dac + c.crossbarJoules() + neurons + programming + host;
        assertEquals(total, f.energy().total(), TOLERANCE * total);

        double adcTime = (c.adcConversions() + c.weightReads()) * 8.3e-10 / 3;
        assertEquals(c.chipSeconds(), f.latency().integration(), 0);
        assertEquals(adcTime, f.latency().adc(), TOLERANCE * adcTime);
        assertEquals(c.dacConversions() / 6.0 * 1e-9, f.latency().dac(), TOLERANCE * 1e-9);
        assertEquals(c.programmingSlots() * 5e-8, f.latency().programming(), TOLERANCE * c.programmingSlots() * 5e-8);
        assertEquals(macs * 1e-9, f.latency().host(), TOLERANCE * macs * 1e-9);
        // backprop reads the weights once per batch: both devices of every parameter through the ADCs
        assertEquals(2L * t.parameterCount(), c.weightReads());
    }

    /**
     * The crossbar energy against a hand computation from the devices' own conductances. With one
     * weight layer the only voltages across devices are the DACs' inputs and the bias column's 1 V,
     * constant through a relaxation, so the energy is steps x dt x (sum over examples and devices of
     * G V^2), G+ and G- alike; read from the persisted device states, not from the chip's own loads.
     * 1e-12 relative: the same products summed in another order.
     */
    @Test
    void crossbarEnergyIsGVSquaredDtCountedByHand() {
        Topology t = new Topology(3, 2);
        HardwareModel m = ModelLoader.load("default", List.of("periphery.dacBits=ideal", "device.driftNu=0"));
        AnalogChip chip = AnalogChip.fabricate(m, t, 5);
        chip.resetCounters();
        double[] x = {0.1, 0.5, 0.9, 0.3, 0.7, 0.2};
        chip.setInputs(x, 2);
        int steps = chip.relax(9, 0).steps();
        double[][][] devices = chip.persist().devices(); // weights G+, weights G-, bias G+, bias G- (µS), output-major
        double power = 0; // µW
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    double v = x[3 * s + j];
                    power += (devices[0][0][3 * i + j] + devices[1][0][3 * i + j]) * v * v;
                }
                power += devices[2][0][i] + devices[3][0][i]; // the bias column at 1 V
            }
        }
        double expected = steps * m.neuron().dt() * power * 1e-6;
        assertTrue(steps > 0 && expected > 0, "a relaxation that conducted");
        assertEquals(expected, chip.counters().crossbarJoules(), 1e-12 * expected);
        assertEquals(expected, EventCost.of(m, t, chip.counters(), 0).energy().crossbar(), 1e-12 * expected);
    }

    @Test
    void aModelWithoutACostSectionHasNone() {
        String text = ModelLoader.toJson(ModelLoader.load("default", List.of())).without("cost").toString();
        assertNull(ModelLoader.parse(text, "no-cost.json", List.of()).cost());
    }

    @Test
    void theDigitalBaselineCountsByHand() {
        Topology t = new Topology(4, 3, 2); // 12 + 6 synapses, 23 parameters, 5 free neurons
        assertEquals(23, DigitalBaseline.inference(t, 1).macs(), 0);
        // forward 23, backward 6 - 0 ... W^T delta above layer 1: 6, and error x slope on 5 neurons twice (10); gradient 23; update 2 x 23 / B
        assertEquals(23 + (6 + 10) + 23 + 2.0 * 23 / 4, DigitalBaseline.training(t, 4).macs(), 1e-12);
        assertEquals(7.0 * 23 / 4 + 2 * 9 + 2 * 5, DigitalBaseline.training(t, 4).words(), 1e-12);
    }

    @Test
    void summariesUseSiPrefixes() {
        assertEquals("15.7 µJ", EventCost.si(1.5712e-5, "J"));
        assertEquals("451 µs", EventCost.si(4.51e-4, "s"));
        assertEquals("1.00 ms", EventCost.si(9.9996e-4, "s"));
        assertEquals("2.60 pJ", EventCost.si(2.6e-12, "J"));
        assertEquals("0 J", EventCost.si(0, "J"));
    }
}
