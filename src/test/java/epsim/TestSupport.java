package epsim;

import epsim.cli.Main;
import epsim.train.Checkpoint;
import epsim.train.EpochRow;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the CLI in-process, capturing what it prints. */
public final class TestSupport {
    private TestSupport() {}

    public record Run(int exitCode, String out, String err) {}

    public static synchronized Run cli(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** The project root (surefire runs in it; EPSIM_HOME says so explicitly). */
    public static Path root() {
        String home = System.getenv("EPSIM_HOME");
        return Path.of(home != null ? home : ".").toAbsolutePath().normalize();
    }

    /** Under CI a missing external tool is a failure, elsewhere the test may be skipped. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** A small, quick training run: the first 600 examples, a 784-40-10 net. */
    public static final String[] SMALL = {"--net", "784-40-10", "--train-limit", "600", "--test-limit", "300", "--seed", "3",
            "--no-progress"};

    /** {@code train} with {@link #SMALL} and {@code extra}. */
    public static String[] trainArgs(String... extra) {
        List<String> a = new ArrayList<>(List.of("train"));
        a.addAll(List.of(SMALL));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    /** Two run folders hold the same checkpoint: devices, random streams, progress and every figure but the seconds. */
    public static void assertSameRun(Path expected, Path actual) throws Exception {
        Checkpoint a = Checkpoint.read(expected), b = Checkpoint.read(actual);
        assertEquals(a.epoch(), b.epoch());
        assertEquals(a.batchIndex(), b.batchIndex());
        assertArrayEquals(a.dataOrder(), b.dataOrder());
        assertArrayEquals(a.ruleRandom(), b.ruleRandom());
        assertArrayEquals(a.chip().noiseState(), b.chip().noiseState());
        assertArrayEquals(a.chip().writeState(), b.chip().writeState());
        assertEquals(a.chip().time(), b.chip().time(), 0.0);
        assertEquals(a.chip().devices().length, b.chip().devices().length);
        for (int i = 0; i < a.chip().devices().length; i++) {
            for (int j = 0; j < a.chip().devices()[i].length; j++) {
                assertArrayEquals(a.chip().devices()[i][j], b.chip().devices()[i][j], 0.0, "device array " + i + "." + j);
            }
        }
        assertEquals(a.history().size(), b.history().size());
        for (int i = 0; i < a.history().size(); i++) {
            EpochRow x = a.history().get(i), y = b.history().get(i);
            // every figure but the wall-clock seconds must be identical
            assertEquals(x.trainLoss(), y.trainLoss(), 0.0);
            assertEquals(x.trainAccuracy(), y.trainAccuracy(), 0.0);
            assertEquals(x.testLoss(), y.testLoss(), 0.0);
            assertEquals(x.testAccuracy(), y.testAccuracy(), 0.0);
            assertEquals(x.meanFreeSteps(), y.meanFreeSteps(), 0.0);
            assertArrayEquals(x.gradient(), y.gradient(), "tracked gradient of epoch " + (i + 1));
        }
    }

    /** Exit code 2 and one line naming each of {@code mustContain}, no stack trace. */
    public static void assertOneLineError(TestSupport.Run run, String... mustContain) {
        assertEquals(2, run.exitCode(), () -> "exit code; stderr: " + run.err());
        String err = run.err().strip();
        assertFalse(err.isEmpty(), "an error message");
        assertFalse(err.contains("\n"), () -> "one line, got: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), () -> "no stack trace: " + err);
        for (String s : mustContain) assertTrue(err.contains(s), () -> "'" + s + "' missing from: " + err);
    }

    /** A sweep.csv's rows without its seconds column (the wall time is the one figure that differs between runs). */
    public static List<String> sweepRowsWithoutSeconds(Path csv) throws IOException {
        List<String> rows = new ArrayList<>(), lines = java.nio.file.Files.readAllLines(csv);
        int seconds = List.of(lines.get(0).split(",")).indexOf("seconds");
        for (String line : lines) {
            List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
            cells.remove(seconds);
            rows.add(String.join(",", cells));
        }
        return rows;
    }

    /** Whether an executable {@code name} is on the PATH. */
    public static boolean onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(java.io.File.pathSeparator)) {
            if (java.nio.file.Files.isExecutable(Path.of(d, name))) return true;
        }
        return false;
    }

    /** The first of {@code names} that runs (answers --version), or null. */
    public static String findExecutable(String... names) throws InterruptedException {
        for (String exe : names) {
            try {
                Process p = new ProcessBuilder(exe, "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return exe;
            } catch (IOException e) {
                // try the next one
            }
        }
        return null;
    }

    /** A python with numpy, or null. */
    public static String python() throws InterruptedException {
        for (String exe : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(exe, "-c", "import numpy").redirectErrorStream(true).start();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return exe;
            } catch (IOException e) {
                // try the next one
            }
        }
        return null;
    }

    /** One epoch of the small run on the ideal chip in {@code run}: a run folder to resume, evaluate or tamper with. */
    public static Path trainedRun(Path run) {
        Run r = cli(trainArgs("--model", "ideal", "--epochs", "1", "--out", run.toString()));
        assertEquals(0, r.exitCode(), r.err());
        return run;
    }

    /** Starts the CLI in a separate JVM (output discarded). */
    public static Process launch(String... cliArgs) throws Exception {
        return launch(List.of(), cliArgs);
    }

    public static Process launch(List<String> prefix, String... cliArgs) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new java.util.ArrayList<>(prefix);
        cmd.addAll(List.of(java, "-cp", System.getProperty("java.class.path"), "epsim.cli.Main"));
        cmd.addAll(List.of(cliArgs));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new java.io.File("/dev/null")).start();
    }

    public static void waitFor(java.util.function.BooleanSupplier condition, Process p) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            org.junit.jupiter.api.Assertions.assertTrue(p.isAlive(), "the training process ended before it was interrupted");
            org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(10);
        }
    }

    /** Deletes {@code root} and everything below it (a test's own temporary folder). */
    public static void deleteTree(Path root) throws IOException {
        if (!java.nio.file.Files.exists(root)) return;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(root)) {
            for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) java.nio.file.Files.deleteIfExists(p);
        }
    }
}
