package epsim.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes go to a temporary file beside the target, then one rename: readers never see half a file. */
public final class AtomicFiles {
    private AtomicFiles() {}

    public interface Writer {
        void write(Path temporary) throws IOException;
    }

    public static void write(Path target, Writer writer) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            writer.write(tmp);
            try {
                // temporary files are created owner-only; a result file is for everyone to read
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep its defaults
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UserError(target + ": cannot write (" + e.getMessage() + ")");
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the target is either complete or untouched
                }
            }
        }
    }

    /** A path from user text; {@code where} names it in the one-line error when it cannot be one (a NUL character). */
    public static Path path(String text, String where) {
        try {
            return Path.of(text);
        } catch (java.nio.file.InvalidPathException e) {
            throw new UserError(where + ": not a usable path (" + e.getReason() + ")");
        }
    }

    /**
     * Makes sure {@code dir} is a folder epsim can write into, creating it (and its parents) if
     * needed; {@code flag} names the option in the one-line error (an existing file, a path under
     * a file, a folder without write permission, an empty path).
     */
    /**
     * A new folder {@code parent/stem} (then {@code stem-2}, {@code stem-3}, ... when taken), created
     * atomically, so that two runs started in the same second never share a default folder.
     */
    public static Path newFolder(Path parent, String stem, String flag) {
        folder(parent, flag);
        for (int n = 1; n < 10_000; n++) {
            Path candidate = parent.resolve(n == 1 ? stem : stem + "-" + n);
            try {
                return Files.createDirectory(candidate);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // taken: try the next name
            } catch (IOException e) {
                throw new UserError(flag + " " + candidate + ": cannot create the folder (" + e.getMessage() + ")");
            }
        }
        throw new UserError(flag + ": " + parent + " already holds 10000 folders named " + stem + "*; give --out");
    }

    public static Path folder(Path dir, String flag) {
        if (dir == null || dir.toString().isBlank()) throw new UserError(flag + ": expected a folder, got an empty path");
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new UserError(flag + " " + dir + ": is a file, not a folder");
        try {
            Files.createDirectories(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new UserError(flag + " " + dir + ": cannot create the folder (" + e.getFile() + " is a file)");
        } catch (java.nio.file.FileSystemException e) {
            throw new UserError(flag + " " + dir + ": cannot create the folder (" + e.getFile() + ": " + (e.getReason() == null ? "refused" : e.getReason()) + ")");
        } catch (IOException | RuntimeException e) {
            throw new UserError(flag + " " + dir + ": cannot create the folder (" + e.getMessage() + ")");
        }
        if (!Files.isWritable(dir)) throw new UserError(flag + " " + dir + ": the folder is not writable");
        return dir;
    }

    /** Removes what a killed write left: the temporary files beside a folder's results ({@code .NAME*.tmp}). */
    public static void removeLeftovers(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(p)) Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UserError(dir + ": cannot clean up temporary files (" + e.getMessage() + ")");
        }
    }

    public static void writeString(Path target, String text) {
        write(target, tmp -> Files.writeString(tmp, text));
    }
}
