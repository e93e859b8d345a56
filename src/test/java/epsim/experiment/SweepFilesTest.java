package epsim.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import epsim.TestSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sweep's own files are data: any one field of a point's outcome.json or of sweep-manifest.json
 * set to any value, or the outcome replaced by any text, gives either a merge whose table holds
 * only figures a point can have (accuracies in [0, 1], a cosine in [-1, 1], times and energies
 * finite and >= 0) or a one-line refusal naming the file; the merge's re-run hint is a command
 * whose every word is quoted for sh.
 */
class SweepFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path sweep;
    private static String outcome, manifest;

    @BeforeContainer
    static void runOneSweep() throws Exception {
        sweep = Files.createTempDirectory("epsim-sweep-files").resolve("s");
        TestSupport.Run r = TestSupport.cli("sweep", "--vary", "device.levels=16", "--net", "784-4-10", "--epochs", "1", "--train-limit", "40",
                "--test-limit", "20", "--gradient-batch", "2", "--gradient-batches", "1", "--threads", "1", "--no-progress", "--out", sweep.toString());
        assertEquals(0, r.exitCode(), r.err());
        outcome = Files.readString(outcomeFile());
        manifest = Files.readString(sweep.resolve(SweepManifest.FILE));
    }

    @AfterContainer
    static void tearDown() throws Exception {
        TestSupport.deleteTree(sweep.getParent());
    }

    private static Path outcomeFile() {
        return sweep.resolve("points/0000").resolve(SweepOutcome.FILE);
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("7", "-1", "1.0000001", "-0.5", "0.5", "1e308", "-1e308", "NaN", "Infinity", "-Infinity", "0", "null", "true",
                        "\"x\"", "\"0\"", "[]", "{}", "[1,2]", "[null]", "\"a\\nb\"", "\"$(touch MARKER)\"", "\"" + "e".repeat(5000) + "\"",
                        "2147483648", "1.5"),
                Arbitraries.integers().between(-3, 3).map(String::valueOf));
    }

    @Provide
    Arbitrary<String> outcomeKeys() {
        return Arbitraries.of("manifest", "index", "values", "testAccuracy", "trainAccuracy", "gradientCosine", "gradientHalfWidth", "seconds",
                "lastEpoch", "error", "extra", "lastEpoch[0]", "lastEpoch[2]", "lastEpoch[7]", "lastEpoch[8]");
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(Arbitraries.of("", " ", "{", "[]", "null", "\"outcome\"", "{}", "{\"manifest\":1}"),
                Arbitraries.strings().ofMaxLength(40));
    }

    @Property
    void anOutcomeFieldSetToAnything(@ForAll("outcomeKeys") String key, @ForAll("values") String value) throws Exception {
        ObjectNode o = (ObjectNode) JSON.readTree(outcome);
        String text;
        if (key.startsWith("lastEpoch[")) {
            int i = Integer.parseInt(key.substring("lastEpoch[".length(), key.length() - 1));
            ((com.fasterxml.jackson.databind.node.ArrayNode) o.get("lastEpoch")).set(i, JSON.getNodeFactory().numberNode(0)); // a placeholder
            text = o.toString().replaceFirst("(\"lastEpoch\":\\[(?:[^,\\]]*,){" + i + "})0", "$1" + java.util.regex.Matcher.quoteReplacement(value));
        } else {
            o.put(key, 0); // a placeholder the value replaces as raw JSON text
            text = o.toString().replace("\"" + key + "\":0", "\"" + key + "\":" + value);
        }
        mergeWith(text, manifest);
    }

    @Property
    void anOutcomeReplacedByAnyText(@ForAll("texts") String text) throws Exception {
        mergeWith(text, manifest);
    }

    @Property
    void aManifestFieldSetToAnything(@ForAll("values") String value,
                                     @ForAll("manifestKeys") String key) throws Exception {
        ObjectNode m = (ObjectNode) JSON.readTree(manifest);
        if (key.equals("command[0]")) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) m.get("command")).set(0, JSON.getNodeFactory().numberNode(0));
            mergeWith(outcome, m.toString().replaceFirst("\"command\":\\[0", "\"command\":[" + java.util.regex.Matcher.quoteReplacement(value)));
        } else {
            m.put(key, 0);
            mergeWith(outcome, m.toString().replace("\"" + key + "\":0", "\"" + key + "\":" + value));
        }
    }

    @Provide
    Arbitrary<String> manifestKeys() {
        return Arbitraries.of("epsim", "grid", "zip", "kind", "options", "probe", "hash", "command", "command[0]");
    }

    /** Merges with these files: a table of possible figures, or a one-line refusal; the originals are put back. */
    private static void mergeWith(String outcomeText, String manifestText) throws Exception {
        Files.writeString(outcomeFile(), outcomeText);
        Files.writeString(sweep.resolve(SweepManifest.FILE), manifestText);
        Files.deleteIfExists(sweep.resolve("sweep.csv"));
        try {
            TestSupport.Run r = TestSupport.cli("sweep", "merge", sweep.toString());
            if (r.exitCode() != 0) {
                TestSupport.assertOneLineError(r, sweep.toString());
                return;
            }
            List<String> rows = Files.readAllLines(sweep.resolve("sweep.csv"));
            assertEquals(2, rows.size(), rows.toString());
            String[] h = rows.get(0).split(","), v = rows.get(1).split(",", -1);
            for (int i = 0; i < h.length && i < v.length; i++) {
                if (v[i].isEmpty() || v[i].equals("NaN") || !h[i].matches("test_accuracy|train_accuracy|gradient_cosine|gradient_cosine_ci95|seconds|.*_J|.*_s")) continue;
                double x = Double.parseDouble(v[i]);
                boolean ok = h[i].equals("gradient_cosine") ? Math.abs(x) <= 1 + 1e-6 : h[i].endsWith("accuracy") ? x >= 0 && x <= 1
                        : x >= 0 && Double.isFinite(x);
                assertTrue(ok, h[i] + " = " + v[i] + " in the merged table");
            }
        } finally {
            Files.writeString(outcomeFile(), outcome);
            Files.writeString(sweep.resolve(SweepManifest.FILE), manifest);
        }
        try (Stream<Path> all = Files.walk(sweep.getParent())) {
            assertFalse(all.anyMatch(f -> f.getFileName().toString().equals("MARKER")), "nothing ran from a file");
        }
    }

    /** The merge's hint for a missing point quotes every word of the recorded command for sh. */
    @Property(tries = 20)
    void theRunAgainHintIsQuoted(@ForAll("values") String value) throws Exception {
        ObjectNode m = (ObjectNode) JSON.readTree(manifest);
        JsonNode command = m.get("command");
        ((com.fasterxml.jackson.databind.node.ArrayNode) command).add(value);
        Files.delete(outcomeFile());
        try {
            Files.writeString(sweep.resolve(SweepManifest.FILE), m.toString());
            TestSupport.Run r = TestSupport.cli("sweep", "merge", sweep.toString());
            TestSupport.assertOneLineError(r);
            if (r.err().contains("run the sweep again")) {
                String hint = r.err().substring(r.err().indexOf(": epsim ") + 2).strip();
                assertTrue(hint.matches("epsim( '([^']|'\\\\'')*')+"), "every word quoted: " + hint);
            }
        } finally {
            Files.writeString(outcomeFile(), outcome);
            Files.writeString(sweep.resolve(SweepManifest.FILE), manifest);
        }
    }
}
