package epsim.common;

/**
 * A problem with something the user gave (a file, a flag, a message). The CLI prints the
 * message as one line and exits with code 2; no stack trace reaches the user. Text quoted from
 * the input may hold line breaks or other control characters: they are shown escaped, so the
 * message stays one line whatever the input.
 */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(oneLine(message), null, false, false);
    }

    static String oneLine(String message) {
        if (message == null) return "";
        StringBuilder b = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\n') b.append("\\n");
            else if (c == '\r') b.append("\\r");
            else if (c == '\t') b.append("\\t");
            else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }
}
