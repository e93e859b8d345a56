package epsim.common;

/**
 * A problem with something the user gave (a file, a flag, a message). The CLI prints the
 * message as one line and exits with code 2; no stack trace reaches the user.
 */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message, null, false, false);
    }
}
