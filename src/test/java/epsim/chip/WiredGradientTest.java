package epsim.chip;

import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.reference.IdealNetwork;
import epsim.reference.References;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wired chip is the ideal network of its effective weights (its equilibrium is that network's),
 * and the gradient pulled back through the tiles' adjoint is the finite-difference gradient of the
 * wired chip's loss with respect to the device weights.
 */
class WiredGradientTest {
    private static final Topology NET = new Topology(6, 5, 3);
    private static final List<String> WIRED = List.of("neuron.transfer=sigmoid", "array.tileRows=4", "array.tileColumns=3",
            "array.rowWireResistance=3000", "array.columnWireResistance=2000");

    private static double[] inputs() {
        double[] x = new double[2 * 6];
        for (int i = 0; i < x.length; i++) x[i] = ((i * 7) % 5) / 4.0;
        return x;
    }

    private static double[] targets() {
        double[] y = new double[2 * 3];
        y[1] = y[3 + 2] = 1;
        return y;
    }

    private static LayerParams weights() {
        LayerParams w = AnalogChip.initialWeights(NET, 5);
        for (int k = 0; k < w.layers(); k++) for (int i = 0; i < w.b[k].length; i++) w.b[k][i] = 0.3 * Math.sin(i + k);
        return w;
    }

    @Test
    void theWiredChipRelaxesToTheIdealNetworkOfItsEffectiveWeights() {
        HardwareModel m = ModelLoader.load("ideal", WIRED);
        AnalogChip chip = AnalogChip.withWeights(m, weights(), 5);
        LayerParams map = WiredGradient.effectiveWeights(chip);
        double worstChange = 0;
        for (int k = 0; k < map.layers(); k++) {
            for (int i = 0; i < map.w[k].length; i++) worstChange = Math.max(worstChange, Math.abs(map.w[k][i] - chip.readWeights().w[k][i]));
        }
        assertTrue(worstChange > 1e-3, "3 kOhm wires on 10 uS devices change the weights: " + worstChange);
        chip.setInputs(inputs(), 2);
        chip.resetState();
        chip.relax(200_000, 1e-14);
        double[][][] eq = References.equilibria(new IdealNetwork(map, m.neuron().transfer(), m.neuron().epsilon()), inputs(), 2);
        double[] out = chip.read(2);
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < 3; i++) {
                // both settle to 1e-13 in u; the map itself is solved to a relative residual of 1e-13
                assertEquals(m.neuron().transfer().rho(eq[s][2][i]), out[s * 3 + i], 1e-10, "output " + i + " of example " + s);
            }
        }
    }

    private static double loss(HardwareModel m, LayerParams deviceWeights) {
        AnalogChip chip = AnalogChip.withWeights(m, deviceWeights, 5);
        IdealNetwork net = new IdealNetwork(WiredGradient.effectiveWeights(chip), m.neuron().transfer(), m.neuron().epsilon());
        return References.loss(net, References.equilibria(net, inputs(), 2), targets());
    }

    @Test
    void thePullBackIsTheFiniteDifferenceGradientOfTheWiredLoss() {
        HardwareModel m = ModelLoader.load("ideal", WIRED);
        LayerParams w = weights();
        AnalogChip chip = AnalogChip.withWeights(m, w, 5);
        LayerParams map = WiredGradient.effectiveWeights(chip);
        LayerParams effective = References.implicit(new IdealNetwork(map, m.neuron().transfer(), m.neuron().epsilon()), inputs(), targets(), 2);
        LayerParams pulled = WiredGradient.pullBack(chip, effective);
        double h = 1e-5;
        int checked = 0;
        for (int k = 0; k < w.layers(); k++) {
            for (int i = 0; i < w.w[k].length; i += 3) {
                double keep = w.w[k][i];
                w.w[k][i] = keep + h;
                double plus = loss(m, w);
                w.w[k][i] = keep - h;
                double minus = loss(m, w);
                w.w[k][i] = keep;
                double fd = (plus - minus) / (2 * h);
                // central differences: truncation ~h^2 x third derivative (~1e-10) and rounding ~1e-16 / h (~1e-11) of losses of order 0.1-1
                assertEquals(fd, pulled.w[k][i], 1e-7 + 1e-5 * Math.abs(fd), "layer " + (k + 1) + " weight " + i);
                checked++;
            }
            double keep = w.b[k][0];
            w.b[k][0] = keep + h;
            double plus = loss(m, w);
            w.b[k][0] = keep - h;
            double minus = loss(m, w);
            w.b[k][0] = keep;
            assertEquals((plus - minus) / (2 * h), pulled.b[k][0], 1e-7 + 1e-5 * Math.abs(pulled.b[k][0]), "layer " + (k + 1) + " bias 0");
        }
        assertTrue(checked > 10);
        // and the pull-back matters: it is not the gradient with respect to the effective weights
        double differs = 0;
        for (int k = 0; k < w.layers(); k++) for (int i = 0; i < w.w[k].length; i++) differs = Math.max(differs, Math.abs(pulled.w[k][i] - effective.w[k][i]));
        assertTrue(differs > 1e-4, "pull-back changes the gradient: " + differs);
    }

    @Test
    void withIdealWiresThePullBackIsTheIdentity() {
        HardwareModel m = ModelLoader.load("ideal", List.of("neuron.transfer=sigmoid", "array.tileRows=4", "array.tileColumns=3"));
        AnalogChip chip = AnalogChip.withWeights(m, weights(), 5);
        LayerParams g = AnalogChip.initialWeights(NET, 9);
        LayerParams pulled = WiredGradient.pullBack(chip, g);
        for (int k = 0; k < g.layers(); k++) {
            for (int i = 0; i < g.w[k].length; i++) assertEquals(g.w[k][i], pulled.w[k][i], 1e-15 * Math.abs(g.w[k][i]));
        }
        LayerParams map = WiredGradient.effectiveWeights(chip);
        for (int k = 0; k < g.layers(); k++) {
            for (int i = 0; i < map.w[k].length; i++) assertEquals(chip.readWeights().w[k][i], map.w[k][i], 1e-15);
        }
    }
}
