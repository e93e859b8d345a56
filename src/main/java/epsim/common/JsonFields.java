package epsim.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * Reads fields of a JSON document with one kind of error for every reader (model files, testbench
 * files, run records, protocol requests): {@code <origin>: <field>: expected <what>, got <value>},
 * as a {@link UserError}. {@code origin} names the document (a file, or "" for a protocol request
 * whose reply already says which op).
 */
public final class JsonFields {
    /** The largest model, testbench or run file read (they are a few kilobytes; run.json of a 1000-layer net stays far below). */
    public static final long MAX_FILE_BYTES = 16L << 20;

    /**
     * The strict reader of files: a duplicate key, content after the document, nesting deeper than
     * 64 or a number longer than 1000 digits is an error; NaN and Infinity are read so that
     * validation can refuse them by name.
     */
    private static final ObjectMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(1000).build()).build())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final String origin;

    /** Parses {@code text} strictly; {@code origin} names it in the one-line error. */
    public static JsonNode parse(String text, String origin) {
        try {
            JsonNode root = STRICT.readTree(text);
            if (root == null) throw new UserError(origin + ": empty (expected a JSON object)");
            return root;
        } catch (JsonProcessingException e) {
            throw new UserError(origin + ": not valid JSON (" + parseError(e) + ")");
        }
    }

    /** Reads and parses a file of at most {@link #MAX_FILE_BYTES}. */
    public static JsonNode readFile(Path file, String origin) {
        return parse(readText(file, origin), origin);
    }

    /** The text of a JSON file of at most {@link #MAX_FILE_BYTES}; {@code origin} names it in the one-line error. */
    public static String readText(Path file, String origin) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) throw new UserError(origin + ": " + size + " bytes; a JSON file epsim reads is at most " + MAX_FILE_BYTES);
            if (Files.isDirectory(file)) throw new UserError(origin + ": a folder, not a file");
            if (!Files.isRegularFile(file)) throw new UserError(origin + ": " + (Files.exists(file) ? "not a regular file (a device or a pipe?)" : "no such file"));
            return Files.readString(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError(origin + ": not UTF-8 text (JSON files are UTF-8)");
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserError u) throw u;
            throw new UserError(origin + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** "line L, column C: what" where the parser knows the place (its own limits may not). */
    public static String parseError(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String what = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        what = what.lines().findFirst().orElse("");
        if (what.length() > 200) what = what.substring(0, 197) + "...";
        return at == null ? what : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + what;
    }

    public JsonFields(String origin) {
        this.origin = origin;
    }

    /** Where {@code field} is: "origin: field", or just the field for an unnamed document. */
    public String where(String field) {
        return origin.isEmpty() ? field : origin + ": " + field;
    }

    public UserError error(String field, String expected, JsonNode got) {
        return new UserError(where(field) + ": expected " + expected + ", got " + describe(got));
    }

    /** A value as an error message shows it: strings quoted, containers named, long values cut. */
    public static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) return "nothing";
        if (n.isTextual()) return n.toString().length() <= 82 ? n.toString() : n.toString().substring(0, 78) + "...\"";
        if (n.isContainerNode()) return n.isArray() ? "an array" : "an object";
        return n.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** Refuses any key of {@code node} not in {@code allowed}; {@code prefix} leads the field's name ("rule."). */
    public void onlyKeys(JsonNode node, String prefix, Collection<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new UserError(where(prefix + k) + ": unknown field"
                        + (allowed.isEmpty() ? " (this check takes none)" : " (expected one of " + String.join(", ", new TreeSet<>(allowed)) + ")"));
            }
        }
    }

    public JsonNode object(JsonNode parent, String key, String field) {
        JsonNode n = parent.get(key);
        if (n == null || !n.isObject()) throw error(field, "an object", n);
        return n;
    }

    public String text(JsonNode parent, String key, String field) {
        JsonNode n = parent.get(key);
        if (n == null || !n.isTextual()) throw error(field, "a string", n);
        return n.asText();
    }

    /** Element {@code index} of an array, as a string. */
    public String text(JsonNode array, int index, String field) {
        JsonNode n = array.get(index);
        if (n == null || !n.isTextual()) throw error(field, "a string", n);
        return n.asText();
    }

    /** A string, or null where the field is absent or JSON null. */
    public String optionalText(JsonNode parent, String key, String field) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) return null;
        return text(parent, key, field);
    }

    public boolean bool(JsonNode parent, String key, String field) {
        JsonNode n = parent.get(key);
        if (n == null || !n.isBoolean()) throw error(field, "true or false", n);
        return n.asBoolean();
    }

    public long integer(JsonNode parent, String key, String field, long min, long max) {
        return integer(parent.get(key), field, min, max);
    }

    public long integer(JsonNode n, String field, long min, long max) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw error(field, "an integer in " + min + ".." + max, n);
        }
        return n.asLong();
    }

    public double number(JsonNode parent, String key, String field, double low, boolean inclusive) {
        return number(parent.get(key), field, low, inclusive, Double.POSITIVE_INFINITY,
                "a finite number " + (inclusive ? ">= " : "> ") + low);
    }

    /** A finite number above {@code low} (or at it, when inclusive) and at most {@code high}; {@code expected} says so in errors. */
    public double number(JsonNode n, String field, double low, boolean inclusive, double high, String expected) {
        if (n == null || !n.isNumber()) throw error(field, expected, n);
        double v = n.asDouble();
        if (!Double.isFinite(v) || (inclusive ? v < low : v <= low) || v > high) throw new UserError(where(field) + ": expected " + expected + ", got " + v);
        return v;
    }

    /** An array of at least {@code min} finite numbers > 0 (or >= 0 with {@code zeroAllowed}). */
    public double[] numbers(JsonNode parent, String key, String field, int min, boolean zeroAllowed) {
        JsonNode a = parent.get(key);
        String each = "a finite number " + (zeroAllowed ? ">= 0" : "> 0");
        if (a == null || !a.isArray() || a.size() < min) {
            throw new UserError(where(field) + ": expected an array of at least " + min + " numbers " + (zeroAllowed ? ">= 0" : "> 0"));
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = number(a.get(i), field + "[" + i + "]", 0, zeroAllowed, Double.POSITIVE_INFINITY, each);
        return out;
    }

    /** A non-empty array of integers in min..max. */
    public int[] integers(JsonNode parent, String key, String field, int min, int max) {
        JsonNode a = parent.get(key);
        if (a == null || !a.isArray() || a.isEmpty()) throw new UserError(where(field) + ": expected a non-empty array of integers");
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = (int) integer(a.get(i), field + "[" + i + "]", min, max);
        return out;
    }
}
