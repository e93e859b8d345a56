package epsim.spice;

import epsim.TestSupport;
import epsim.spice.Ngspice;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ngspice backend and the netlist export, from the CLI, with a real ngspice. */
class SpiceTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needNgspice() {
        if (!Ngspice.available()) {
            assertFalse(TestSupport.inCi(), "ngspice is required in CI (apt-get install -y ngspice)");
            Assumptions.abort("ngspice is not installed");
        }
    }

    @Test
    void spiceChipTrainsLikeTheInProcessChip() throws Exception {
        String[] common = {"--model", "ideal", "--set", "neuron.transfer=sigmoid", "--beta", "0.5", "--net", "784-10-10",
                "--train-limit", "100", "--test-limit", "50", "--epochs", "1", "--seed", "4", "--no-progress"};
        Path local = dir.resolve("local"), spice = dir.resolve("spice");
        TestSupport.Run a = TestSupport.cli(concat(common, "--out", local.toString()));
        assertEquals(0, a.exitCode(), a.err());
        TestSupport.Run b = TestSupport.cli(concat(common, "--out", spice.toString(), "--chip", "spice"));
        assertEquals(0, b.exitCode(), b.err());
        String[] x = Files.readAllLines(local.resolve("metrics.csv")).get(1).split(","), y = Files.readAllLines(spice.resolve("metrics.csv")).get(1).split(",");
        // equilibria agree to ~1e-12 V (spice-equilibrium), so the losses agree far below 1e-6
        for (int c : new int[] {1, 3}) assertEquals(Double.parseDouble(x[c]), Double.parseDouble(y[c]), 1e-6, "column " + c);
        assertEquals(x[2], y[2]);
        assertEquals(x[4], y[4]);
    }

    @Test
    void epLearnsOnNgspiceEquilibria() throws Exception {
        Path out = dir.resolve("tanh");
        TestSupport.Run run = TestSupport.cli("train", "--chip", "spice", "--model", "ideal", "--set", "neuron.transfer=tanh",
                "--set", "neuron.dt=5e-7", "--beta", "0.5", "--net", "784-16-10", "--train-limit", "200", "--test-limit", "100",
                "--epochs", "3", "--seed", "1", "--no-progress", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        double accuracy = Double.parseDouble(rows.get(rows.size() - 1).split(",")[4]);
        // chance is 10%; the same run on the in-process chip reaches ~50%, on ngspice's equilibria similar
        assertTrue(accuracy > 0.3, "test accuracy " + accuracy);
    }

    @Test
    void hardSigmoidIsRefusedInOneLine() {
        TestSupport.Run run = TestSupport.cli("train", "--chip", "spice", "--model", "ideal", "--net", "784-10-10", "--epochs", "1",
                "--train-limit", "20", "--out", dir.resolve("r").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("hardSigmoid transfer is not supported"), run.err());
    }

    @Test
    void exportedNetlistSolvesToTheChipsEquilibrium() throws Exception {
        Path cir = dir.resolve("net.cir");
        TestSupport.Run run = TestSupport.cli("export-spice", "--model", "ideal", "--set", "neuron.transfer=sigmoid", "--net", "6-5-3",
                "--seed", "2", "--out", cir.toString());
        assertEquals(0, run.exitCode(), run.err());
        String deck = Files.readString(cir);
        assertTrue(deck.contains("Vin0 in0 0 ") && deck.contains("Cn1_0 n1_0 0 ") && deck.contains("Bn2_2 0 n2_2 I={") && deck.trim().endsWith(".end"));
        String body = deck.substring(0, deck.lastIndexOf(".control"));
        var v = Ngspice.operatingPoint(body);
        epsim.chip.AnalogChip chip = epsim.chip.AnalogChip.fabricate(epsim.model.ModelLoader.load("ideal", List.of("neuron.transfer=sigmoid")),
                epsim.math.Topology.parse("6-5-3", "net"), 2);
        chip.setInputs(epsim.data.SyntheticBatch.draw(chip.topology(), 1, 2).inputs(), 1);
        chip.resetState();
        chip.relax(100000, 1e-14);
        double[] out = chip.read(2);
        for (int i = 0; i < 3; i++) {
            double u = v.get("n2_" + i);
            assertEquals(out[i], 1 / (1 + Math.exp(-u)), 1e-9, "output " + i);
        }
        // the netlist checks itself against ngspice: its full-precision operating point against epsim's equilibrium
        TestSupport.Run checked = TestSupport.cli("export-spice", "--model", "ideal", "--set", "neuron.transfer=sigmoid", "--net", "6-5-3",
                "--seed", "2", "--check", "--out", dir.resolve("checked.cir").toString());
        assertEquals(0, checked.exitCode(), checked.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("max \\|u difference\\| (\\S+) V over 8 neurons").matcher(checked.out());
        assertTrue(m.find(), checked.out());
        assertTrue(Double.parseDouble(m.group(1)) < 1e-9, "ngspice and epsim agree to 1e-9 V (ngspice's reltol 1e-10): " + checked.out());
    }

    /** One tile of a wired chip as a netlist: ngspice runs it as written, and --check finds it equal to epsim's solver, both reads. */
    @Test
    void anExportedTileIsTheSolversNetwork() throws Exception {
        for (String read : new String[] {"forward", "backward"}) {
            Path cir = dir.resolve(read + ".cir");
            TestSupport.Run run = TestSupport.cli("export-spice", "--net", "20-12-5", "--set", "array.tileRows=8", "--set", "array.tileColumns=5",
                    "--set", "array.rowWireResistance=40", "--set", "array.columnWireResistance=25", "--tile", "2,1,0", "--read", read, "--check",
                    "--out", cir.toString());
            assertEquals(0, run.exitCode(), run.err());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("max difference (\\S+) of the largest current").matcher(run.out());
            assertTrue(m.find(), run.out());
            // both solve the same linear network exactly (spice-tile's bound and reasoning)
            assertTrue(Double.parseDouble(m.group(1)) < 1e-9, run.out());
            String deck = Files.readString(cir);
            // layer 2's 12 inputs and bias row on tiles of 8 rows: tile (1, 0) holds rows 8..12, the bias last; 5 columns
            assertTrue(deck.contains("rdp4_4 ") && deck.contains("vcm4 ") && !deck.contains("vrp5 ") && deck.trim().endsWith(".end"), "devices, terminals, an end");
        }
        TestSupport.assertOneLineError(TestSupport.cli("export-spice", "--net", "20-12-5", "--set", "array.tileRows=8", "--tile", "2,2,0",
                "--out", dir.resolve("none.cir").toString()), "tile (2, 0)");
        assertFalse(Files.exists(dir.resolve("none.cir")));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length + 1];
        all[0] = "train";
        System.arraycopy(a, 0, all, 1, a.length);
        System.arraycopy(b, 0, all, 1 + a.length, b.length);
        return all;
    }
}
