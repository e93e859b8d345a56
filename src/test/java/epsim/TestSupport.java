package epsim;

import epsim.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

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
}
