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

/** The second edition's tables: cells over seeds, paired differences per rule and pooled over rules, and refused inputs. */
class AtlasGridTest {
    @TempDir
    Path dir;

    private static final String HEADER = "index,device.levels,update.mode,seed,test_accuracy,train_accuracy,seconds,error";

    /** Two levels x two modes x three seeds; outerProduct is host minus {@code gap} minus a seed-dependent wobble. */
    private void rule(String name, double gap) throws Exception {
        StringBuilder csv = new StringBuilder(HEADER + "\n");
        int index = 0;
        for (String levels : new String[] {"16", "64"}) {
            for (String mode : new String[] {"host", "outerProduct"}) {
                for (int seed = 1; seed <= 3; seed++) {
                    double host = 0.80 + 0.01 * seed;
                    double acc = mode.equals("host") ? host : host - gap - 0.001 * seed;
                    String error = index == 11 ? "\"a message, with a comma\"" : "";
                    csv.append(index++).append(',').append(levels).append(',').append(mode).append(',').append(seed).append(',')
                            .append(String.format(java.util.Locale.ROOT, "%.6f", acc)).append(",0.5,1.0,").append(error).append('\n');
                }
            }
        }
        Files.createDirectories(dir.resolve(name));
        Files.writeString(dir.resolve(name).resolve("sweep.csv"), csv.toString());
    }

    @Test
    void pairsBySeedPerRuleAndPooled() throws Exception {
        rule("a", 0.10);
        rule("b", 0.20);
        List<AtlasGrid.Grid> grids = AtlasGrid.read(dir, List.of());
        assertEquals(2, grids.size());
        assertEquals(List.of("host", "outerProduct"), grids.get(0).columns());
        String md = AtlasGrid.markdown(grids);
        // rule a: differences -0.101, -0.102, -0.103: mean -10.2 points, resolved
        assertTrue(md.contains("**-10.2 ["), md);
        assertTrue(md.contains("**-20.2 ["), md);
        assertTrue(md.contains("All 2 rules pooled"), md);
        assertTrue(md.contains("6 pairs a cell"), md);
        assertTrue(md.contains("-15.2 ["), "the pooled mean of both rules' differences: " + md);
        String csv = AtlasGrid.csv(grids);
        assertTrue(csv.lines().anyMatch(l -> l.startsWith("a,16,outerProduct,3,") && l.contains(",host,-0.102000,")), csv);

        Path doc = dir.resolve("doc.md");
        Files.writeString(doc, "before\n<!-- atlas2-grid:begin -->\nold\n<!-- atlas2-grid:end -->\nafter\n");
        AtlasGrid.write(dir, grids, doc, "atlas2-grid");
        String written = Files.readString(doc);
        assertTrue(written.startsWith("before\n<!-- atlas2-grid:begin -->\n") && written.endsWith("<!-- atlas2-grid:end -->\nafter\n") && !written.contains("\nold\n"));
        assertThrows(UserError.class, () -> AtlasGrid.write(dir, grids, doc, "other"));
    }

    @Test
    void refusesWhatIsNotASweepTableInOneLine() throws Exception {
        Files.createDirectories(dir.resolve("r"));
        Path csv = dir.resolve("r").resolve("sweep.csv");
        Files.writeString(csv, "index,seed,test_accuracy\n0,1,0.5\n");
        UserError e = assertThrows(UserError.class, () -> AtlasGrid.read(dir, List.of("r")));
        assertTrue(e.getMessage().contains("sweep.csv:1"), e.getMessage());
        Files.writeString(csv, HEADER + "\n0,16,host,1,1.5,0.5,1.0,\n");
        e = assertThrows(UserError.class, () -> AtlasGrid.read(dir, List.of("r")));
        assertTrue(e.getMessage().contains("sweep.csv:2") && e.getMessage().contains("outside [0, 1]"), e.getMessage());
        Files.writeString(csv, HEADER + "\n0,16,host\n");
        assertThrows(UserError.class, () -> AtlasGrid.read(dir, List.of("r")));
        assertThrows(UserError.class, () -> AtlasGrid.read(dir, List.of("missing")));
        TestSupport.assertOneLineError(TestSupport.cli("atlas", dir.toString(), "--grid", "--rules", "../r"), "--rules");
        TestSupport.assertOneLineError(TestSupport.cli("atlas", dir.toString(), "--grid", "--markers", "a/b", "--into", dir.resolve("x.md").toString()), "--markers");
    }
}
