package epsim.cost;

import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The published-chip model of docs/cost.md section 7 loads, states every constant itself, and prices what the section says. */
class PublishedChipTest {
    @Test
    void theNeurramCoreIsPricedFromItsOwnComponentFigures() {
        HardwareModel m = ModelLoader.load("hardware-models/published/neurram-core.json", List.of());
        assertTrue(m.cost().provenance().isEmpty(), "no bundled table: every constant is NeuRRAM's or derived from it");
        assertEquals(null, m.cost().technology());
        // one conversion: 6 ADC steps of 0.3 pJ, a 1.2 pJ sample and 6 shift-and-adds of 0.1 pJ = 3.6 pJ
        assertEquals(3.6e-12, EventCost.adcConversionJoules(m), 1e-12 * 3.6e-12);
        // an output integrates 7 times at 0.25 pJ over the 270 ns step
        assertEquals(1.75e-12, m.cost().neuronPower() * 1e-6 * m.neuron().dt(), 1e-3 * 1.75e-12); // 6.48 µW is rounded to 3 digits
        // the core's 2 x 129 x 256 devices at 126 F^2 of 130 nm, and 256 neurons of 1,270 µm^2
        EventCost.Area a = EventCost.area(m, new Topology(128, 256), 1, false);
        assertEquals(2.0 * 129 * 256 * 126 * 0.13 * 0.13, a.crossbar(), 1e-9 * a.crossbar());
        assertEquals(256 * 1270.0, a.neurons(), 0);
        assertEquals(0.5, m.periphery().readVoltage(), 0);
        assertEquals(7e-8, m.periphery().readPulse(), 0);
    }
}
