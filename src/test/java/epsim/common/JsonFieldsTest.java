package epsim.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** One kind of error for every JSON reader: origin, field, what was expected, what was there. */
class JsonFieldsTest {
    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void errorsNameOriginFieldExpectationAndValue() throws Exception {
        JsonFields f = new JsonFields("bench.json");
        JsonNode n = json("{\"a\": \"x\", \"b\": 7.5, \"c\": [1, -2], \"d\": {}, \"e\": null}");
        assertEquals("bench.json: params.a: expected an integer in 1..9, got \"x\"",
                assertThrows(UserError.class, () -> f.integer(n, "a", "params.a", 1, 9)).getMessage());
        assertEquals("bench.json: b: expected an integer in 1..9, got 7.5",
                assertThrows(UserError.class, () -> f.integer(n, "b", "b", 1, 9)).getMessage());
        assertEquals("bench.json: c[1]: expected a finite number > 0, got -2.0",
                assertThrows(UserError.class, () -> f.numbers(n, "c", "c", 1, false)).getMessage());
        assertEquals("bench.json: d: expected a string, got an object",
                assertThrows(UserError.class, () -> f.text(n, "d", "d")).getMessage());
        assertEquals("bench.json: z: expected an object, got nothing",
                assertThrows(UserError.class, () -> f.object(n, "z", "z")).getMessage());
        assertEquals("bench.json: x.b: unknown field (expected one of a, c)",
                assertThrows(UserError.class, () -> f.onlyKeys(json("{\"a\": 1, \"b\": 2}"), "x.", Set.of("a", "c"))).getMessage());
        assertNull(f.optionalText(n, "e", "e"));
        assertArrayEquals(new double[] {7.5}, f.numbers(json("{\"b\": [7.5]}"), "b", "b", 1, false));
        assertEquals("b: expected a finite number, got \"x\"", assertThrows(UserError.class,
                () -> new JsonFields("").number(n.get("a"), "b", Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY, "a finite number")).getMessage());
    }

    @Test
    void longValuesAreCutInMessages() throws Exception {
        String text = "x".repeat(5000);
        String described = JsonFields.describe(json("\"" + text + "\""));
        assertEquals(82, described.length());
    }
}
