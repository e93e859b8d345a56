package epsim.math;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The OpenBLAS that Maven ships with epsim (org.bytedeco:openblas, its linux-x86_64 shared
 * libraries only), so that the native backend needs no system package and every machine runs the
 * same library: the bits of a seed then no longer depend on which BLAS, if any, the distribution
 * installed (docs/performance.md). netlib's JNI layer loads it by path; JavaCPP's own bindings are
 * not used (they copy every array across JNI, netlib's pin them).
 *
 * <p>A shared library must be a file to be loaded, so the four of them are copied once into the
 * user's cache ({@code $XDG_CACHE_HOME/epsim}, else {@code ~/.cache/epsim}), each written to a
 * temporary name and renamed, so that a concurrent run never loads half a file. Where the cache
 * cannot be written, a fresh owner-only temporary directory is used for this process.
 */
final class BundledBlas {
    private BundledBlas() {}

    /** The OpenBLAS release and its packaging, as named by the Maven artifact. */
    static final String VERSION = "0.3.31";
    private static final String PACKAGING = "1.5.13";
    private static final String PLATFORM = "linux-x86_64";
    /** libopenblas and what it needs beyond the C library, found beside it through its $ORIGIN run path. */
    private static final String[] LIBRARIES = {"libopenblas.so.0", "libgfortran.so.5", "libquadmath.so.0", "libgcc_s.so.1"};

    /** Whether this platform has a bundled build (Linux on x86_64). */
    static boolean platformSupported() {
        String os = System.getProperty("os.name", ""), arch = System.getProperty("os.arch", "");
        return os.equals("Linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** libopenblas.so.0 as a file ready to load, or null when this platform has no bundled build or it cannot be written out. */
    static Path library() {
        if (!platformSupported() || BundledBlas.class.getClassLoader().getResource(resource(LIBRARIES[0])) == null) return null;
        Path cache = cacheDirectory();
        try {
            if (cache != null) return extractInto(cache);
        } catch (IOException | RuntimeException e) {
            // an unwritable or full cache: fall through to a private directory
        }
        try {
            temporary = Files.createTempDirectory("epsim-openblas-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return extractInto(temporary);
        } catch (IOException | RuntimeException e) {
            releaseTemporary();
            return null;
        }
    }

    /** The private folder {@link #library} wrote into, or null (it used the cache). */
    private static Path temporary;

    /**
     * Deletes the private folder once the library is loaded (or failed to load): a loaded library
     * stays mapped, so nothing is left in /tmp by a process that could not use the cache.
     */
    static void releaseTemporary() {
        if (temporary == null) return;
        try (var files = Files.list(temporary)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(temporary);
        } catch (IOException | RuntimeException ignored) {
            // a folder of our own in the temporary directory: the system's cleaning removes what is left
        }
        temporary = null;
    }

    private static String resource(String name) {
        return "org/bytedeco/openblas/" + PLATFORM + "/" + name;
    }

    private static Path cacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME"), home = System.getProperty("user.home");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home != null && !home.isBlank() ? Path.of(home, ".cache") : null;
        return base == null ? null : base.resolve("epsim").resolve("openblas-" + VERSION + "-" + PACKAGING + "-" + PLATFORM);
    }

    private static Path extractInto(Path dir) throws IOException {
        Files.createDirectories(dir);
        ClassLoader loader = BundledBlas.class.getClassLoader();
        for (String name : LIBRARIES) {
            Path target = dir.resolve(name);
            long size = sizeOf(name);
            if (Files.isRegularFile(target) && Files.size(target) == size) continue;
            try (InputStream in = loader.getResourceAsStream(resource(name))) {
                if (in == null) throw new IOException("missing resource " + name);
                Path partial = Files.createTempFile(dir, name + ".", ".part");
                try {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    if (Files.size(partial) != size) throw new IOException("short copy of " + name);
                    try {
                        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
        }
        return dir.resolve(LIBRARIES[0]);
    }

    /** The size of a bundled library as the jar records it (a cached copy of another size is stale or partial). */
    private static long sizeOf(String name) throws IOException {
        java.net.URL url = BundledBlas.class.getClassLoader().getResource(resource(name));
        if (url == null) throw new IOException("missing resource " + name);
        java.net.URLConnection c = url.openConnection();
        c.setUseCaches(false);
        long size = c.getContentLengthLong();
        if (size >= 0) return size;
        try (InputStream in = c.getInputStream()) {
            return in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
