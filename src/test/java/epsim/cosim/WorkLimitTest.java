package epsim.cosim;

import com.fasterxml.jackson.databind.JsonNode;
import epsim.chip.AnalogChip;
import epsim.math.Topology;
import epsim.model.ModelLoader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every op that loops honours the request limit: on the finest devices a model allows (10^6
 * levels, a state-dependent power-law step, so a device steps pulse by pulse) and the longest
 * pulse trains, generated relax, program and update_outer_product requests are answered (done or
 * stopped with an error) within the limit plus a margin, and the next request is answered too.
 */
class WorkLimitTest {
    /** The server's limit per request. */
    private static final double LIMIT_SECONDS = 0.3;
    /** What a reply may take beyond it: the op's last check interval, a reply's encoding, a busy machine's scheduling. */
    private static final double MARGIN_SECONDS = 3;

    private static final String NET = "64-48-10";

    private static ChipServer server(String mode) {
        AnalogChip chip = AnalogChip.fabricate(ModelLoader.load("default", List.of("device.levels=1000000", "device.response=power",
                "device.gammaUp=0.5", "device.gammaDown=0.5", "update.mode=" + mode, "update.bitLength=1000000", "update.blManagement=false",
                "update.management=false", "update.pulseType=deterministic")), Topology.parse(NET, "net"), 1);
        ChipServer s = new ChipServer(chip, "test", 1 << 28, LIMIT_SECONDS);
        assertTrue(s.handle("{\"op\":\"hello\",\"protocol\":1}").path("ok").asBoolean());
        return s;
    }

    private static String values(int n, double v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append(v);
        return b.append(']').toString();
    }

    @Provide
    Arbitrary<String> requests() {
        Arbitrary<Double> size = Arbitraries.of(1e-3, 0.5, 1.0, 1e3, 1e6);
        Arbitrary<String> relax = Arbitraries.integers().between(1, ChipServer.MAX_RELAX_STEPS).map(n -> "{\"op\":\"relax\",\"steps\":" + n + ",\"tolerance\":0}");
        Arbitrary<String> program = size.map(v -> "{\"op\":\"program\",\"delta\":{\"w\":[" + values(64 * 48, v) + "," + values(48 * 10, -v)
                + "],\"b\":[" + values(48, v) + "," + values(10, v) + "]}}");
        Arbitrary<String> outer = Combinators.combine(size, Arbitraries.integers().between(1, 20), Arbitraries.integers().between(0, 1))
                .as((v, terms, k) -> {
                    int rows = k == 0 ? 48 : 10, cols = k == 0 ? 64 : 48;
                    return "{\"op\":\"update_outer_product\",\"layer\":" + k + ",\"terms\":" + terms + ",\"rows\":" + values(terms * rows, v)
                            + ",\"columns\":" + values(terms * cols, 1) + ",\"bias\":1,\"scale\":" + (-v) + "}";
                });
        return Arbitraries.oneOf(relax, program, outer);
    }

    @Property(tries = 12)
    void everyOpEndsWithinTheRequestLimit(@ForAll("requests") String request, @ForAll boolean outerProduct) {
        ChipServer s = server(outerProduct ? "outerProduct" : "host");
        assertTrue(s.handle("{\"op\":\"set_inputs\",\"batch\":1,\"inputs\":" + values(64, 0.5) + "}").path("ok").asBoolean());
        long start = System.nanoTime();
        JsonNode reply = s.handle(request);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < LIMIT_SECONDS + MARGIN_SECONDS, "answered after " + seconds + " s: " + reply.toString().substring(0, Math.min(200, reply.toString().length())));
        assertTrue(reply.path("ok").asBoolean() || reply.path("error").isTextual(), reply.toString());
        assertTrue(s.handle("{\"op\":\"relax\",\"steps\":2}").path("ok").asBoolean(), "the next request is answered");
    }
}
