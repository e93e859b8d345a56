package epsim.device;

import epsim.common.Rng;
import epsim.common.UserError;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lookup response: a table that samples a parametric response is that response; its spread is
 * the per-pulse noise; it survives the model file's round trip; bad tables are one-line errors; and
 * `devices fit --response lookup` recovers the generating steps.
 */
class LookupResponseTest {
    /** default's linearStep device (gMin 0.1, gMax 20.1, 1001 levels) with slopes 0.5 / 0.3 and upDown 0.1, no other effect. */
    private static final List<String> LINEAR = List.of("device.gammaUp=0.5", "device.gammaDown=0.3", "device.upDown=0.1", "device.writeNoise=0",
            "device.stepDtod=0", "device.upDownDtod=0", "device.boundsDtod=0", "device.stuckAtMin=0", "device.stuckAtMax=0", "device.levels=1001",
            "device.gMin=0.1", "device.gMax=20.1", "device.gRef=10");

    /** The same shape as a table: 5 points of the linear shape, which linear interpolation reproduces exactly. */
    private static String tableOfLinear(double spread) {
        double gMin = 0.1, gMax = 20.1, s = 0.02, mid = 10.1, half = 10;
        StringBuilder c = new StringBuilder(), up = new StringBuilder(), down = new StringBuilder(), sp = new StringBuilder();
        for (int k = 0; k <= 4; k++) {
            double g = gMin + k * (gMax - gMin) / 4, x = (g - mid) / half;
            String sep = k == 0 ? "" : ",";
            c.append(sep).append(g);
            up.append(sep).append(s * (1 - 0.5 * x));
            down.append(sep).append(s * (1 + 0.3 * x));
            sp.append(sep).append(spread);
        }
        return "device.lookup={\"conductance\":[" + c + "],\"stepUp\":[" + up + "],\"stepDown\":[" + down + "],\"spreadUp\":[" + sp
                + "],\"spreadDown\":[" + sp + "]}";
    }

    private static HardwareModel.Device lookup(double spread, String... more) {
        List<String> o = new ArrayList<>(LINEAR);
        o.addAll(List.of("device.response=lookup", "device.gammaUp=0", "device.gammaDown=0", tableOfLinear(spread)));
        o.addAll(List.of(more));
        return ModelLoader.load("default", o).device();
    }

    @Test
    void aTableOfALinearShapeIsThatShape() {
        HardwareModel.Device linear = ModelLoader.load("default", LINEAR).device();
        // the table holds the asymmetry: upDown 0.1 scales both as it scales the linear response
        HardwareModel.Device table = lookup(0, "device.upDown=0.1");
        PulsedDevices a = new PulsedDevices(linear, 20, Rng.stream(1, "fab")), b = new PulsedDevices(table, 20, Rng.stream(1, "fab"));
        Rng ra = Rng.stream(2, "pulses"), rb = Rng.stream(2, "pulses");
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 20; i++) {
                boolean up = (round + i) % 3 != 0;
                a.pulse(i, up, 7, ra);
                b.pulse(i, up, 7, rb);
                // interpolation of a linear function between exact points: equal to rounding (1e-12 of a 20 µS range)
                assertEquals(a.programmed(i), b.programmed(i), 1e-12, "device " + i + " round " + round);
            }
        }
    }

    @Test
    void theTablesSpreadIsThePulsesNoise() {
        HardwareModel.Device d = lookup(0.004, "device.upDown=0");
        PulsedDevices p = new PulsedDevices(d, 1, Rng.stream(1, "fab"));
        Rng rng = Rng.stream(3, "pulses");
        int n = 40_000;
        double sum = 0, sq = 0;
        for (int k = 0; k < n; k++) {
            p.force(0, 10.1, 0);
            p.pulse(0, true, 1, rng);
            double step = p.programmed(0) - 10.1;
            sum += step;
            sq += step * step;
        }
        double mean = sum / n, sd = Math.sqrt(sq / n - mean * mean);
        // 40,000 pulses: the std's standard error is 0.35%, the mean's 0.004 / 200 = 2e-5 µS; 3% and 1e-4 µS are > 5 standard errors
        assertEquals(0.004, sd, 0.03 * 0.004);
        assertEquals(0.02, mean, 1e-4);
    }

    @Test
    void theTableSurvivesTheModelFile() {
        HardwareModel m = ModelLoader.load("default", withLookup());
        String json = ModelLoader.toJson(m).toString();
        assertTrue(json.contains("\"lookup\""), json);
        HardwareModel back = ModelLoader.parse(json, "shown", List.of());
        assertEquals(m.device(), back.device());
        // a parametric model's JSON has no lookup field (run records and manifests' hashes unchanged)
        assertFalse(ModelLoader.toJson(ModelLoader.load("default", List.of())).toString().contains("lookup"));
    }

    private static List<String> withLookup(String... more) {
        List<String> o = new ArrayList<>(LINEAR);
        o.addAll(List.of("device.response=lookup", "device.gammaUp=0", "device.gammaDown=0", tableOfLinear(0.001)));
        o.addAll(List.of(more));
        return o;
    }

    @Test
    void badTablesAreOneLineErrors() {
        String[][] cases = {
                {"device.response=lookup"}, // no table
                {"device.lookup={\"conductance\":[1,2],\"stepUp\":[1,1],\"stepDown\":[1,1]}"}, // table without the response
                {"device.response=lookup", "device.lookup={\"conductance\":[2,1],\"stepUp\":[1,1],\"stepDown\":[1,1]}"},
                {"device.response=lookup", "device.lookup={\"conductance\":[1,2,3],\"stepUp\":[1,1],\"stepDown\":[1,1,1]}"},
                {"device.response=lookup", "device.lookup={\"conductance\":[1,200],\"stepUp\":[1,1],\"stepDown\":[1,1]}"},
                {"device.response=lookup", "device.lookup={\"conductance\":[1,2],\"stepUp\":[0,0],\"stepDown\":[1,1]}"},
                {"device.response=lookup", "device.lookup={\"conductance\":[1,2],\"stepUp\":[1,\"x\"],\"stepDown\":[1,1]}"},
                {"device.response=lookup", "device.lookup={\"conductance\":[1,2],\"stepUp\":[1,-1],\"stepDown\":[1,1]}"},
                {"device.response=lookup", "device.lookup={\"conductance\":[1,2],\"stepUp\":[1,1],\"stepDown\":[1,1],\"extra\":[1,1]}"},
                {"device.response=lookup", "device.lookup=[1,2]"},
                {"device.response=lookup", "device.lookup={not json"},
                {"device.response=lookup", "device.gammaUp=1", "device.lookup={\"conductance\":[1,2],\"stepUp\":[1,1],\"stepDown\":[1,1]}"},
        };
        for (String[] c : cases) {
            List<String> o = new ArrayList<>(List.of("device.gammaUp=0", "device.gammaDown=0"));
            o.addAll(List.of(c));
            UserError e = assertThrows(UserError.class, () -> ModelLoader.load("default", o), String.join(" ", c));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().contains("device."), e.getMessage());
        }
        UserError ideal = assertThrows(UserError.class, () -> ModelLoader.load("ideal", List.of("device.response=lookup",
                "device.lookup={\"conductance\":[0.5,1],\"stepUp\":[1,1],\"stepDown\":[1,1]}")));
        assertTrue(ideal.getMessage().contains("levels"), ideal.getMessage());
    }

    @Test
    void aLookupFitRecoversTheGeneratingSteps() {
        HardwareModel.Device d = ModelLoader.load("default", List.of()).device();
        List<PulseData.Step> steps = PulseResponse.steps(PulseResponse.simulate(d, 50, 2 * d.levels(), 2, PulseResponse.Train.RAMPS, 1));
        DeviceFit.Fit f = DeviceFit.fit(steps, HardwareModel.Response.LOOKUP);
        HardwareModel.Device.StepTable t = f.table();
        assertTrue(t.conductance().length >= 15, "points " + t.conductance().length);
        double mid = 0.5 * (d.gMin() + d.gMax()), half = 0.5 * (d.gMax() - d.gMin());
        for (int k = 0; k < t.conductance().length; k++) {
            double x = (t.conductance()[k] - mid) / half;
            // every point is a mean of about 2,000 pulses of noise 0.3 s (its standard error 0.007 s) and of devices
            // whose steps spread by 10%: 5% of the nominal step is several standard errors
            assertEquals(d.step() * d.response().shape(x, true) * (1 + d.upDown()), t.stepUp()[k], 0.05 * d.step(), "up at " + k);
            assertEquals(d.step() * d.response().shape(x, false) * (1 - d.upDown()), t.stepDown()[k], 0.05 * d.step(), "down at " + k);
            assertEquals(d.writeNoise() * d.step(), t.spreadUp()[k], 0.1 * d.writeNoise() * d.step(), "spread at " + k);
        }
        HardwareModel fitted = ModelLoader.load("default", DeviceFit.overrides(f));
        assertEquals(HardwareModel.Response.LOOKUP, fitted.device().response().type());
    }
}
