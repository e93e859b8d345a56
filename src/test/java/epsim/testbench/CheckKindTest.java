package epsim.testbench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.TestSupport;
import epsim.common.UserError;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry of checks: every check is exercised by a testbench file, and files are held to its declaration. */
class CheckKindTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyCheckHasATestbenchFile() throws Exception {
        Set<CheckKind> used = EnumSet.noneOf(CheckKind.class);
        try (Stream<Path> files = Files.list(TestSupport.root().resolve("testbenches"))) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".json"))::iterator) {
                used.add(Testbench.parse(JSON.readTree(p.toFile()), p.toString(), "x").check());
            }
        }
        assertEquals(EnumSet.allOf(CheckKind.class), used);
    }

    @Test
    void aFileIsHeldToItsChecksParametersAndBounds() throws Exception {
        Path gdu = TestSupport.root().resolve("testbenches/gdu.json");
        ObjectNode good = (ObjectNode) JSON.readTree(gdu.toFile());
        ObjectNode extra = good.deepCopy();
        ((ObjectNode) extra.get("params")).put("fdStep", 1e-5);
        UserError e = assertThrows(UserError.class, () -> Testbench.parse(extra, "gdu.json", "gdu"));
        assertTrue(e.getMessage().startsWith("gdu.json: params.fdStep: unknown field (expected one of steps)"), e.getMessage());
        ObjectNode noBound = good.deepCopy();
        ((ObjectNode) noBound.get("bounds")).remove("normalizedError");
        e = assertThrows(UserError.class, () -> Testbench.parse(noBound, "gdu.json", "gdu"));
        assertEquals("gdu.json: bounds.normalizedError: missing (check gdu needs it)", e.getMessage());
        ObjectNode unknown = good.deepCopy();
        unknown.put("check", "vibes");
        e = assertThrows(UserError.class, () -> Testbench.parse(unknown, "gdu.json", "gdu"));
        assertTrue(e.getMessage().contains("unknown check \"vibes\" (expected one of " + CheckKind.labels()), e.getMessage());
    }
}
