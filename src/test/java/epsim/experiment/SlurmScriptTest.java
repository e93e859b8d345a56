package epsim.experiment;

import epsim.TestSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Slurm job script on generated --out paths (shell syntax, quotes, %, #, spaces, newlines,
 * backslashes): either refused in one line before any file, or written so that sbatch reads the
 * output path back exactly (its directive reading, below) and sh, running the script, passes the
 * path to epsim as one argument and runs nothing else (a marker file that no path may create).
 */
class SlurmScriptTest {
    private static Path dir;

    @BeforeContainer
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("epsim-slurm-script");
    }

    @AfterContainer
    static void tearDown() throws Exception {
        TestSupport.deleteTree(dir);
    }

    @Provide
    Arbitrary<String> names() {
        Arbitrary<String> pieces = Arbitraries.of(" ", "'", "\"", "%", "%A", "%%", "#", ";", "&", "|", "$", "$(touch MARKER)", "`touch MARKER`",
                "\ntouch MARKER\n", "\\", "*", "?", "~", "!", "(", ")", "{", "}", "<", ">", "a", "b", "-", "=", "\t", "é");
        return pieces.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join("", l)).filter(s -> !s.equals(".") && !s.equals(".."));
    }

    @Property
    void aPathIsOneArgumentAndOneOutputPattern(@ForAll("names") String name) throws Exception {
        Path base = Files.createTempDirectory(dir, "p");
        Path out = base.resolve(name).resolve("sweep");
        TestSupport.Run r = TestSupport.cli("sweep", "--vary", "device.levels=16,64", "--net", "784-4-10", "--kind", "gradient",
                "--slurm", "--dry-run", "--out", out.toString());
        if (r.exitCode() != 0) {
            TestSupport.assertOneLineError(r, "--out");
            assertTrue(name.contains("\\") || name.contains("\"") || name.chars().anyMatch(c -> c < 0x20),
                    "refused only what no directive can carry: " + r.err());
            assertFalse(Files.exists(out), "nothing written for a refused path");
            return;
        }
        Path script = out.resolve("sweep.sbatch");
        String text = Files.readString(script);
        String directive = text.lines().filter(l -> l.startsWith("#SBATCH --output=")).findFirst().orElseThrow();
        assertEquals(out.resolve("slurm") + "/%A_%a.out", sbatchPattern(directive.substring("#SBATCH ".length())).replace("--output=", ""),
                "sbatch reads the output path back");
        // run the script's command with printf in place of java: the same words, expanded by the same sh
        String exec = text.lines().filter(l -> l.startsWith("exec ")).findFirst().orElseThrow();
        String line = "exec printf '%s\\n'" + exec.substring(exec.indexOf(' ', "exec ".length()));
        ProcessBuilder b = new ProcessBuilder("sh", "-c", line).directory(base.toFile()).redirectErrorStream(true);
        b.environment().put("SLURM_ARRAY_TASK_ID", "1");
        Process p = b.start();
        List<String> words = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        int at = words.lastIndexOf("--out");
        assertTrue(at >= 0 && at + 1 < words.size(), "the script passes --out: " + words);
        assertEquals(out.toString(), words.get(at + 1), "the path reaches epsim as one argument");
        try (Stream<Path> all = Files.walk(base)) {
            assertTrue(all.noneMatch(f -> f.getFileName().toString().equals("MARKER")), "no command ran from the path");
        }
    }

    /**
     * An #SBATCH directive's value as sbatch reads it: whitespace splits words, quotes group, a
     * backslash takes the next character as it is; then the output file-name pattern, where %% is
     * a literal % (every other % starts a replacement, kept as written here).
     */
    static String sbatchPattern(String line) {
        StringBuilder word = new StringBuilder();
        List<String> words = new ArrayList<>();
        boolean escape = false, quoted = false, any = false;
        char q = 0;
        for (char c : line.toCharArray()) {
            if (escape) {
                word.append(c);
                escape = false;
            } else if (c == '\\') {
                escape = true;
            } else if (quoted) {
                if (c == q) quoted = false;
                else word.append(c);
            } else if (c == '"' || c == '\'') {
                quoted = true;
                q = c;
                any = true;
            } else if (c == '#') {
                break;
            } else if (Character.isWhitespace(c)) {
                if (word.length() > 0 || any) words.add(word.toString());
                word.setLength(0);
                any = false;
                continue;
            } else {
                word.append(c);
            }
            any = true;
        }
        if (word.length() > 0 || any) words.add(word.toString());
        assertEquals(1, words.size(), "one word: " + words);
        StringBuilder pattern = new StringBuilder();
        String w = words.get(0);
        for (int i = 0; i < w.length(); i++) {
            if (w.charAt(i) == '%' && i + 1 < w.length() && w.charAt(i + 1) == '%') {
                pattern.append("%%");
                i++;
            } else {
                pattern.append(w.charAt(i));
            }
        }
        // the pattern's literal %% back to %, leaving %A_%a (the replacements) as they are
        return pattern.toString().replace("%%", "\u0000").replace("\u0000", "%");
    }
}
