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

    /** Whether {@code s} holds a control character (a newline, a carriage return, an escape...), which no hint or script line may carry. */
    public static boolean hasControl(String s) {
        return s.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f);
    }
}
