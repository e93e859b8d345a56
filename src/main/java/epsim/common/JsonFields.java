package epsim.common;

import com.fasterxml.jackson.databind.JsonNode;

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
    private final String origin;

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
        if (n.isTextual()) return "\"" + abbreviate(n.asText()) + "\"";
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
