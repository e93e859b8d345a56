package epsim.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bundled table of cost constants with the source and year of each (docs/cost.md): one per
 * technology node ({@code cost.technology}: periphery, neurons, host) and one of memory cells
 * ({@code cost.cell}: cell area in F^2, programming pulses). The tables ship inside the jar; a
 * model names them and states only what it changes.
 */
public final class TechnologyTable {
    /** How a number was obtained: read from a source, computed from sourced numbers, or assumed. */
    public enum Basis {
        SOURCED, DERIVED, ASSUMPTION;

        public final String jsonName = name().toLowerCase(java.util.Locale.ROOT);
    }

    /** One constant: its value in the model field's unit, how it was obtained, from what, and the source's year. */
    public record Constant(double value, Basis basis, String source, int year) {}

    /** The nodes and the cells the jar holds, in the order docs list them. */
    public static final List<String> NODES = List.of("45nm", "32nm");
    public static final List<String> CELLS = List.of("rram", "pcm", "ecram", "capacitor");

    private static final Map<String, Map<String, Constant>> NODE_TABLES = new LinkedHashMap<>();
    private static final Map<String, Map<String, Constant>> CELL_TABLES = new LinkedHashMap<>();

    private TechnologyTable() {}

    /** The constants of node {@code name} (field name to constant), or null if the jar has no such table. */
    public static synchronized Map<String, Constant> node(String name) {
        if (!NODES.contains(name)) return null;
        return NODE_TABLES.computeIfAbsent(name, n -> read("/epsim/technology/" + n + ".json", null));
    }

    /** The constants of cell {@code name}, or null. */
    public static synchronized Map<String, Constant> cell(String name) {
        if (!CELLS.contains(name)) return null;
        return CELL_TABLES.computeIfAbsent(name, n -> read("/epsim/technology/cells.json", n));
    }

    private static Map<String, Constant> read(String resource, String cell) {
        try (InputStream in = TechnologyTable.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("the jar lacks " + resource);
            JsonNode root = new ObjectMapper().readTree(in);
            JsonNode constants = cell == null ? root.get("constants") : root.get("cells").get(cell);
            Map<String, Constant> out = new LinkedHashMap<>();
            constants.fields().forEachRemaining(e -> {
                JsonNode c = e.getValue();
                out.put(e.getKey(), new Constant(c.get("value").asDouble(), Basis.valueOf(c.get("basis").asText().toUpperCase(java.util.Locale.ROOT)),
                        c.get("source").asText(), c.get("year").asInt()));
            });
            return Collections.unmodifiableMap(out);
        } catch (IOException e) {
            throw new IllegalStateException("the jar's " + resource + " does not read: " + e.getMessage(), e);
        }
    }
}
