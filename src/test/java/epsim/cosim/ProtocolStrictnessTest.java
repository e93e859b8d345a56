package epsim.cosim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import epsim.chip.AnalogChip;
import epsim.chip.PersistedChip;
import epsim.math.Topology;
import epsim.model.ModelLoader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server reads what the protocol says and nothing else: two requests on one line are one
 * error, neither run; a restored state is one a chip can have (random states that are not all
 * zero, programming times in the chip's past, conductances finite and within what its devices
 * reach), or it is refused whole and the chip keeps its state.
 */
class ProtocolStrictnessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ChipServer server() {
        // pcm drifts: its device states carry programming times
        AnalogChip chip = AnalogChip.fabricate(ModelLoader.load("pcm", List.of("neuron.transfer=sigmoid")), new Topology(4, 3, 2), 1);
        ChipServer s = new ChipServer(chip, "test", 1 << 24, 600);
        assertTrue(s.handle("{\"op\":\"hello\",\"protocol\":1}").path("ok").asBoolean());
        return s;
    }

    @Provide
    Arbitrary<String> requests() {
        return Arbitraries.of("{\"op\":\"relax\",\"steps\":3}", "{\"op\":\"set_feedback_gain\",\"gain\":0.5}", "{\"op\":\"reset\"}",
                "{\"op\":\"read_weights\"}", "{\"op\":\"advance_time\",\"seconds\":10}", "{\"op\":\"counters\"}", "{}", "[]", "1", "\"x\"", "null");
    }

    @Property
    void twoValuesOnOneLineAreOneError(@ForAll("requests") String first, @ForAll("requests") String second, @ForAll boolean spaced) throws Exception {
        ChipServer s = server();
        JsonNode before = s.handle("{\"op\":\"persist\"}").get("chip");
        JsonNode reply = s.handle(first + (spaced ? " " : "") + second);
        assertFalse(reply.path("ok").asBoolean(true), reply.toString());
        assertEquals(before, s.handle("{\"op\":\"persist\"}").get("chip"), "neither request ran");
    }

    /** Which part of the state is edited, where, and to what. */
    record Edit(int part, int index, double value) {}

    @Provide
    Arbitrary<Edit> edits() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 11),
                Arbitraries.of(-1.0, 0.0, 1e-300, 0.5, 1.0, 5.0, 1e3, 1e15, Double.MAX_VALUE)).as(Edit::new);
    }

    @Property
    void aRestoredStateIsOneAChipCanHave(@ForAll("edits") Edit e) throws Exception {
        ChipServer s = server();
        s.handle("{\"op\":\"advance_time\",\"seconds\":100}");
        JsonNode before = s.handle("{\"op\":\"persist\"}").get("chip");
        PersistedChip p = Wire.persisted(before, "chip");
        double[][][] d = p.devices();
        long[] noise = p.noiseState().clone(), writes = p.writeState().clone();
        boolean possible;
        switch (e.part()) {
            case 0 -> { // a random state: zeroed entirely, or one word set
                long[] r = e.index() % 2 == 0 ? noise : writes;
                if (e.value() == 0) java.util.Arrays.fill(r, 0);
                else r[e.index() % 4] = Double.doubleToLongBits(e.value());
                possible = !(r[0] == 0 && r[1] == 0 && r[2] == 0 && r[3] == 0);
            }
            case 1 -> { // a programming time
                double[] times = d[0][1].clone();
                times[e.index()] = e.value();
                d[0] = d[0].clone(); // conductances, programming times and (pcm wears) pulse counts
                d[0][1] = times;
                possible = e.value() >= 0 && e.value() <= p.time();
            }
            case 2 -> { // a conductance
                double[] g = d[0][0].clone();
                g[e.index()] = e.value();
                d[0] = d[0].clone();
                d[0][0] = g;
                possible = e.value() >= 0 && e.value() <= 10; // pcm's devices reach at most gMax plus their spread; 1e3 and more they do not
            }
            default -> { // the chip time
                possible = e.value() >= 0 && e.value() <= 1e15 && maxTime(d) <= e.value();
                p = new PersistedChip(d, noise, writes, e.value());
            }
        }
        PersistedChip edited = e.part() == 3 ? p : new PersistedChip(d, noise, writes, p.time());
        JsonNode reply = s.handle(JSON.writeValueAsString(JSON.createObjectNode().put("op", "restore").set("chip", Wire.persisted(edited))));
        if (!reply.path("ok").asBoolean(false)) {
            assertEquals(before, s.handle("{\"op\":\"persist\"}").get("chip"), "a refused state changes nothing: " + reply);
            if (e.part() != 2) assertFalse(possible, "refused a state a chip can have: " + e + ": " + reply);
        } else {
            assertTrue(possible || e.part() == 2, "accepted a state no chip can have: " + e);
        }
    }

    private static double maxTime(double[][][] d) {
        double m = 0;
        for (double[][] a : d) if (a.length > 1) for (double t : a[1]) m = Math.max(m, t);
        return m;
    }
}
