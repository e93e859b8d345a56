package epsim.experiment;

import epsim.TestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sweep on a real one-node Slurm cluster (scripts/slurm_local.sh): submitted as a job array,
 * merged, and row for row the sweep run on one machine; with one task cancelled mid-run and the
 * sweep submitted again, still the same. Under CI=true a Slurm that does not start is a failure;
 * elsewhere the tests are skipped with the reason.
 */
class SlurmSweepTest {
    @TempDir
    static Path cluster;

    private static String slurmConf;

    @BeforeAll
    static void startCluster() throws Exception {
        String why = null;
        if (!"root".equals(System.getProperty("user.name"))) why = "the one-node cluster's daemons run as root";
        else if (!TestSupport.onPath("sbatch") || !Files.isExecutable(Path.of("/usr/sbin/slurmctld"))) why = "slurm-wlm and munge are not installed";
        if (why != null) {
            assertTrue(!TestSupport.inCi(), "a Slurm cluster is required in CI: " + why);
            Assumptions.abort(why);
        }
        Process p = new ProcessBuilder("bash", TestSupport.root().resolve("scripts/slurm_local.sh").toString(), "start", cluster.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "the one-node Slurm did not start: " + out);
        slurmConf = cluster.resolve("slurm.conf").toString();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (slurmConf == null) return;
        new ProcessBuilder("bash", TestSupport.root().resolve("scripts/slurm_local.sh").toString(), "stop", cluster.toString())
                .inheritIO().start().waitFor(60, TimeUnit.SECONDS);
    }

    @TempDir
    Path dir;

    private static final List<String> SWEEP = List.of("sweep", "--vary", "device.levels=16,64,256", "--vary", "seed=1,2", "--net", "784-40-10",
            "--epochs", "2", "--train-limit", "400", "--test-limit", "200", "--threads", "1", "--no-progress");

    /** Runs a command with the cluster's SLURM_CONF; returns its output. */
    private static String run(List<String> command) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.environment().put("SLURM_CONF", slurmConf);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        assertEquals(0, p.exitValue(), command + ": " + out);
        return out;
    }

    private static List<String> epsim(String... args) {
        List<String> c = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "epsim.cli.Main"));
        c.addAll(List.of(args));
        return c;
    }

    /** Submits the sweep into {@code out} as 3 array tasks; returns the job id. */
    private static String submit(Path out) throws Exception {
        List<String> args = new ArrayList<>(SWEEP);
        args.addAll(List.of("--slurm", "--slurm-tasks", "3", "--out", out.toString()));
        String said = run(epsim(args.toArray(new String[0])));
        Matcher m = Pattern.compile("submitted job array (\\d+)").matcher(said);
        assertTrue(m.find(), said);
        return m.group(1);
    }

    private static void awaitEmptyQueue(String job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (!run(List.of("squeue", "-h", "-j", job)).isBlank()) {
            assertTrue(System.nanoTime() < deadline, "job " + job + " did not finish within 300 s");
            Thread.sleep(500);
        }
    }

    private static List<String> withoutSeconds(Path csv) throws Exception {
        return TestSupport.sweepRowsWithoutSeconds(csv);
    }

    private List<String> oneMachine() throws Exception {
        Path whole = dir.resolve("one-machine");
        List<String> args = new ArrayList<>(SWEEP);
        args.addAll(List.of("--out", whole.toString()));
        TestSupport.Run r = TestSupport.cli(args.toArray(new String[0]));
        assertEquals(0, r.exitCode(), r.err());
        return withoutSeconds(whole.resolve("sweep.csv"));
    }

    /** The array tasks' own output, for a failure message. */
    private static String taskLogs(Path out) throws Exception {
        StringBuilder b = new StringBuilder();
        if (!Files.isDirectory(out.resolve("slurm"))) return "no slurm/ folder";
        try (var files = Files.list(out.resolve("slurm"))) {
            for (Path f : files.sorted().toList()) b.append("\n").append(f.getFileName()).append(": ").append(Files.readString(f));
        }
        return b.toString();
    }

    /** An --out path with a space, a quote, a %, a # and shell syntax: the real sbatch puts each task's log in it, and nothing runs. */
    @Test
    void aPathWithSpacesQuotesAndPercentsReachesSlurmIntact() throws Exception {
        Path out = dir.resolve("a b'c%A#d;$(touch INJECTED)").resolve("sweep");
        String said = run(epsim("sweep", "--vary", "device.levels=16", "--net", "784-4-10", "--kind", "gradient", "--gradient-batch", "2",
                "--gradient-batches", "1", "--threads", "1", "--no-progress", "--slurm", "--out", out.toString()));
        Matcher m = Pattern.compile("submitted job array (\\d+)").matcher(said);
        assertTrue(m.find(), said);
        awaitEmptyQueue(m.group(1));
        assertTrue(Files.isRegularFile(out.resolve("slurm").resolve(m.group(1) + "_1.out")), "the task's log in the path asked for" + taskLogs(out));
        assertTrue(Files.isRegularFile(out.resolve("points/0000").resolve(SweepOutcome.FILE)), "the point ran" + taskLogs(out));
        try (var all = Files.walk(dir)) {
            assertTrue(all.noneMatch(f -> f.getFileName().toString().equals("INJECTED")), "no command ran from the path");
        }
    }

    @Test
    void aJobArrayMergesIntoTheOneMachineSweep() throws Exception {
        Path out = dir.resolve("cluster");
        awaitEmptyQueue(submit(out));
        TestSupport.Run merged = TestSupport.cli("sweep", "merge", out.toString());
        assertEquals(0, merged.exitCode(), merged.err() + taskLogs(out));
        assertEquals(oneMachine(), withoutSeconds(out.resolve("sweep.csv")), "the same rows and figures as one machine");
        for (String f : List.of("sweep-summary.csv", "sweep-device-levels.png", "sweep-pareto.png")) assertTrue(Files.size(out.resolve(f)) > 0, f);
    }

    @Test
    void aCancelledTaskIsRunAgainAndTheMergeIsUnchanged() throws Exception {
        Path out = dir.resolve("cancelled");
        String job = submit(out);
        // cancel task 2 once it has started a point
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(out.resolve("points/0001/run.json"))) {
            assertTrue(System.nanoTime() < deadline, "task 2 did not start" + taskLogs(out));
            Thread.sleep(100);
        }
        run(List.of("scancel", job + "_2"));
        awaitEmptyQueue(job);
        TestSupport.Run incomplete = TestSupport.cli("sweep", "merge", out.toString());
        assertEquals(2, incomplete.exitCode(), "task 2's points are missing: " + incomplete.out());
        awaitEmptyQueue(submit(out)); // the same sweep again: the finished points are skipped
        TestSupport.Run merged = TestSupport.cli("sweep", "merge", out.toString());
        assertEquals(0, merged.exitCode(), merged.err());
        assertEquals(oneMachine(), withoutSeconds(out.resolve("sweep.csv")));
    }
}
