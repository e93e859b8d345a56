package epsim.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Default run folders never collide: runs started in the same second each get a folder of their own. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void runsStartedTogetherGetTheirOwnFolders() throws Exception {
        Set<Path> made = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> made.add(AtomicFiles.newFolder(dir.resolve("runs"), "20261201-120000", "--out")));
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        assertEquals(8, made.size(), "eight runs, eight folders");
        assertTrue(made.contains(dir.resolve("runs/20261201-120000")) && made.contains(dir.resolve("runs/20261201-120000-8")), made.toString());
        for (Path p : made) assertTrue(Files.isDirectory(p));
    }
}
