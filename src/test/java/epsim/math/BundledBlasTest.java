package epsim.math;

import epsim.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenBLAS Maven ships is written into the user's cache once and loaded from there; where
 * the cache cannot be written, a private temporary folder serves. Each case runs a small training
 * in a JVM of its own, since a process loads one native library.
 */
class BundledBlasTest {
    @TempDir
    Path dir;

    private String kernelsOfARun(String cacheHome, String name, String... jvmOptions) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(BundledBlas.platformSupported(), "no bundled OpenBLAS for this platform");
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of(TestSupport.trainArgs("--model", "ideal", "--epochs", "1", "--out", out.toString())));
        args.remove(0);
        args.add(0, "train");
        List<String> env = new ArrayList<>(List.of("env", "XDG_CACHE_HOME=" + cacheHome, "EPSIM_KERNELS=native", "OPENBLAS_NUM_THREADS=1"));
        if (jvmOptions.length > 0) env.add("JAVA_TOOL_OPTIONS=" + String.join(" ", jvmOptions));
        Process p = TestSupport.launch(env, args.toArray(new String[0]));
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the run did not finish");
        assertEquals(0, p.exitValue());
        return epsim.common.JsonFields.readFile(out.resolve("run.json"), "run.json").path("kernels").asText();
    }

    @Test
    void theLibraryIsCachedOnceAndLoadedFromTheCache() throws Exception {
        Path cache = dir.resolve("cache");
        String kernels = kernelsOfARun(cache.toString(), "first");
        assertTrue(kernels.startsWith("native (bundled OpenBLAS " + BundledBlas.VERSION), kernels);
        Path lib;
        try (var found = Files.find(cache.resolve("epsim"), 2, (p, a) -> p.getFileName().toString().equals("libopenblas.so.0"))) {
            lib = found.findFirst().orElseThrow();
        }
        long size = Files.size(lib);
        assertTrue(size > 1_000_000, "a whole library: " + size);
        try (var parts = Files.list(lib.getParent())) {
            assertEquals(0, parts.filter(p -> p.toString().endsWith(".part")).count(), "no partial copy left behind");
        }
        long modified = Files.getLastModifiedTime(lib).toMillis();
        assertTrue(kernelsOfARun(cache.toString(), "second").startsWith("native (bundled OpenBLAS"));
        assertEquals(modified, Files.getLastModifiedTime(lib).toMillis(), "a complete cached copy is used as it is, not written again");
    }

    @Test
    void anUnwritableCacheFallsBackToAPrivateFolder() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("a-file"), "x"); // no folder can be made under a file
        Path tmp = dir.resolve("tmp");
        Files.createDirectories(tmp);
        String kernels = kernelsOfARun(notAFolder.toString(), "fallback", "-Djava.io.tmpdir=" + tmp);
        assertTrue(kernels.startsWith("native (bundled OpenBLAS " + BundledBlas.VERSION), kernels);
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("epsim-openblas-")).toList(),
                    "the private copy is deleted once loaded");
        }
    }
}
