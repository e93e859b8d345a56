package epsim.rule;

import epsim.TestSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every rule trains from the CLI, on the default (noisy, quantized) chip, to well above chance. */
class RulesTrainingTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"bp", "chl", "gaitprop", "lagrangian", "ghost"})
    void learnsWellAboveChance(String rule) throws Exception {
        Path out = dir.resolve(rule);
        TestSupport.Run run = TestSupport.cli(TestSupport.trainArgs("--rule", rule, "--epochs", "3", "--out", out.toString()));
        assertEquals(0, run.exitCode(), run.err());
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        double testAccuracy = Double.parseDouble(rows.get(rows.size() - 1).split(",")[4]);
        // Chance is 10%. 600 examples and 3 epochs on 784-40-10 reach 60-85% depending on the rule
        // (the squared-error rules, lagrangian, learn slowest); 35% is far above chance and below all of them.
        assertTrue(testAccuracy > 0.35, rule + ": test accuracy " + testAccuracy);
        TestSupport.Run probe = TestSupport.cli("eval", "--checkpoint", out.toString(), "--test-limit", "10", "--gradient-probe", "5");
        assertEquals(0, probe.exitCode(), probe.err());
        assertTrue(probe.out().contains("cosine"), probe.out());
    }
}
