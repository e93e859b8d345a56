package epsim.common;

import java.util.List;
import java.util.stream.Collectors;

/** Text for a POSIX shell: a word quoted so that nothing in it is expanded, and a command of such words. */
public final class Shell {
    private Shell() {}

    /** One word for sh in single quotes (a quote inside becomes '\''): no expansion, no splitting. */
    public static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** {@code program} followed by every argument quoted, as a hint a user may paste. */
    public static String command(String program, List<String> args) {
        return program + args.stream().map(a -> " " + quote(a)).collect(Collectors.joining());
    }

    /**
     * How the user runs epsim, for the commands its hints print: the launcher as it was typed
     * (./epsim, which the launcher passes on), else "epsim". Only the command line sets it.
     */
    public static String launcher() {
        String l = System.getProperty("epsim.launcher");
        return l == null || l.isBlank() || hasControl(l) ? "epsim" : l.contains(" ") || l.contains("'") ? quote(l) : l;
    }

    /** Whether {@code s} holds a control character (a newline, a carriage return, an escape...), which no hint or script line may carry. */
    public static boolean hasControl(String s) {
        return s.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f);
    }
}
