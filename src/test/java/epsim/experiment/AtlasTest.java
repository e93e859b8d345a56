package epsim.experiment;

import epsim.TestSupport;
import epsim.common.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtlasTest {
    @TempDir
    Path dir;

    private static final String HEADER = "device.levels,seeds,test_accuracy_mean,test_accuracy_sd,test_accuracy_ci95,train_accuracy_mean,"
            + "train_accuracy_sd,train_accuracy_ci95,gradient_cosine_mean,gradient_cosine_sd,gradient_cosine_ci95";

    /** A summary of values ideal, 64, 16, 4 with these mean accuracies (or, for a gradient sweep, cosines). */
    private void summary(String family, String rule, String kind, double... means) throws Exception {
        String[] values = {"ideal", "64", "16", "4"};
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < means.length; i++) {
            boolean train = kind.equals("train");
            b.append(values[i]).append(",3,").append(train ? means[i] : Double.NaN).append(",0.01,0.02,0.9,0.01,0.02,")
                    .append(train ? Double.NaN : means[i]).append(",0.05,0.1\n");
        }
        Path f = dir.resolve(family).resolve(rule).resolve(kind);
        Files.createDirectories(f);
        Files.writeString(f.resolve("sweep-summary.csv"), b.toString());
    }

    @Test
    void theToleranceIsTheHarshestValueUpToWhichEveryValueStaysWithinTwoPoints() throws Exception {
        summary("levels", "a", "train", 0.90, 0.885, 0.881, 0.70);
        summary("levels", "a", "gradient", 0.99, 0.98, 0.9, 0.5);
        summary("levels", "b", "train", 0.90, 0.85, 0.89, 0.89); // a failure before a recovery still ends the tolerance
        summary("levels", "c", "train", 0.80, 0.81, 0.79, 0.795);
        summary("levels", "d", "train", 0.80, Double.NaN, 0.80, 0.80); // a failed point is not within
        List<Atlas.Family> f = Atlas.read(dir, List.of(), List.of());
        assertEquals(1, f.size());
        assertEquals(List.of("ideal", "64", "16", "4"), f.get(0).values());
        int[] expected = {2, 0, 3, 0};
        for (int r = 0; r < 4; r++) assertEquals(expected[r], f.get(0).curves().get(r).tolerated(), f.get(0).curves().get(r).rule());
        assertEquals(0.9, f.get(0).curves().get(0).cells().get(2).cosineInit(), 0);
        String md = Atlas.markdown(f, "img");
        assertTrue(md.contains("| a | 16, 90.0% |"), md);
        assertTrue(md.contains("| b | none (64 fails), 90.0% |"), md);
        assertTrue(md.contains("| c | all (4), 80.0% |"), md);
        assertTrue(md.contains("![levels: test accuracy](img/atlas-levels.png)"), md);
        Atlas.plots(dir, f);
        assertTrue(Files.size(dir.resolve("atlas-levels.png")) > 0 && Files.size(dir.resolve("atlas-levels-cosine.png")) > 0);
    }

    @Test
    void summariesAreDataAndAreChecked() throws Exception {
        summary("levels", "a", "train", 0.9, 0.8);
        Path bad = dir.resolve("levels/a/train/sweep-summary.csv");
        Files.writeString(bad, HEADER + "\nideal,3,0.9,oops,0,0,0,0,0,0,0\n");
        UserError e = assertThrows(UserError.class, () -> Atlas.read(dir, List.of(), List.of()));
        assertTrue(e.getMessage().contains("sweep-summary.csv:2") && e.getMessage().contains("test_accuracy_sd"), e.getMessage());
        Files.writeString(bad, "index,seed\n1,2\n");
        assertThrows(UserError.class, () -> Atlas.read(dir, List.of(), List.of()));
        summary("levels", "a", "train", 0.9, 0.8);
        summary("levels", "b", "train", 0.9, 0.8, 0.7);
        e = assertThrows(UserError.class, () -> Atlas.read(dir, List.of(), List.of()));
        assertTrue(e.getMessage().contains("the family's other rules"), e.getMessage());
        TestSupport.assertOneLineError(TestSupport.cli("atlas", dir.toString(), "--families", "../etc"), "--families");
        TestSupport.assertOneLineError(TestSupport.cli("atlas", dir.resolve("nowhere").toString()), "not a folder");
    }

    @Test
    void theTablesGoBetweenTheDocumentsMarkers() throws Exception {
        summary("levels", "a", "train", 0.9, 0.8);
        Path doc = dir.resolve("doc.md");
        Files.writeString(doc, "intro\n" + Atlas.BEGIN + "\nold\n" + Atlas.END + "\nafter\n");
        TestSupport.Run r = TestSupport.cli("atlas", dir.toString(), "--into", doc.toString(), "--images", dir.resolve("img").toString());
        assertEquals(0, r.exitCode(), r.err());
        String text = Files.readString(doc);
        assertTrue(text.startsWith("intro\n" + Atlas.BEGIN) && text.endsWith(Atlas.END + "\nafter\n") && !text.contains("old"), text);
        assertTrue(text.contains("](img/atlas-levels.png)"), text);
        assertTrue(Files.size(dir.resolve("img/atlas-levels.png")) > 0);
        Files.writeString(doc, "no markers\n");
        TestSupport.assertOneLineError(TestSupport.cli("atlas", dir.toString(), "--into", doc.toString()), "markers");
    }
}
