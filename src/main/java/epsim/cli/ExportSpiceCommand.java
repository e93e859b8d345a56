package epsim.cli;

import epsim.backend.ChipFactory;
import epsim.chip.AnalogChip;
import epsim.common.AtomicFiles;
import epsim.common.UserError;
import epsim.data.SyntheticBatch;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import epsim.spice.Netlist;
import epsim.train.Checkpoint;
import epsim.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "export-spice", mixinStandardHelpOptions = true,
        description = "Write the chip as a SPICE netlist (docs/spice.md): neuron nodes with their capacitor and leak, "
                + "synaptic and nudging currents as behavioural sources, inputs as voltage sources; ends with a "
                + "control block that prints the operating point's outputs to 16 digits (or .tran and .print with --tran), so that 'ngspice -b FILE' "
                + "prints them; --check compares ngspice's operating point with epsim's equilibrium.")
final class ExportSpiceCommand implements Callable<Integer>, RunOptions.Command {
    @Mixin
    ModelOptions model;

    final RunOptions run = new RunOptions(java.util.EnumSet.of(epsim.train.RunSetting.NET, epsim.train.RunSetting.SEED));

    @Override
    public RunOptions runOptions() {
        return run;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Take the model, network and weights of a training run's last checkpoint.")
    Path checkpoint;

    @Option(names = "--example", defaultValue = "0", paramLabel = "N", description = "Which example of the seed's synthetic batch drives the inputs (default: ${DEFAULT-VALUE}).")
    int example;

    @Option(names = "--beta", defaultValue = "0", description = "Nudging strength (0: the free phase, the default).")
    double beta;

    @Option(names = "--target-class", defaultValue = "0", paramLabel = "C", description = "With --beta: the one-hot target's class (default: ${DEFAULT-VALUE}).")
    int targetClass;

    @Option(names = "--check", description = "Also run ngspice on the netlist and print how far its operating point is from epsim's free equilibrium "
            + "(every neuron's u; needs ngspice).")
    boolean check;

    @Option(names = "--tran", paramLabel = "STEP,STOP", split = ",", description = "End with a transient from rest instead of an operating point.")
    double[] tran;

    @Option(names = "--tile", paramLabel = "LAYER,P,Q", description = "Write one tile of weight layer LAYER (1..L) instead: row tile P, "
            + "column tile Q (from 0), every device and wire segment a resistor, its terminals voltage sources (docs/tiles.md).")
    String tileSpec;

    private int[] tile;

    @Option(names = "--read", defaultValue = "forward", paramLabel = "DIRECTION", description = "With --tile: forward (the rows driven by the layer below's "
            + "outputs at the ideal copy's free equilibrium, the columns at 0 V) or backward (the columns driven by the layer above's, the rows at 0 V) "
            + "(default: ${DEFAULT-VALUE}).")
    String read;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Netlist file to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
        HardwareModel m;
        Topology t;
        LayerParams weights;
        long seed = run.seed(); // the synthetic input's, also beside --checkpoint
        if (checkpoint != null) {
            for (String flag : java.util.List.of("--model", "--set", "--net")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
                    throw new UserError(flag + ": with --checkpoint the model and network are the run's (" + checkpoint + "/run.json)");
                }
            }
            TrainConfig c = TrainConfig.read(checkpoint, "no run record (is --checkpoint a run folder?)");
            TrainConfig.checkModelFile(checkpoint, c);
            m = ModelLoader.load(c.model(), c.overrides());
            if (!c.external()) TrainConfig.checkModel(checkpoint, m); // as resume and eval: the run's own model, not an edited set
            t = Topology.parse(c.net(), checkpoint.resolve("run.json") + ": net");
            AnalogChip chip = ChipFactory.inProcess(m, t, c.seed());
            Checkpoint cp = Checkpoint.read(checkpoint);
            if (cp.chip() == null) {
                throw new UserError(checkpoint + ": the checkpoint holds no chip state (the run's chip kept its own); export from the chip itself");
            }
            chip.restore(cp.chip());
            weights = chip.readWeights();
        } else {
            m = model.load();
            t = run.topology();
            weights = ChipFactory.inProcess(m, t, seed).readWeights();
        }
        if (example < 0 || example >= 1000) throw new UserError("--example " + example + ": expected 0..999");
        if (!Double.isFinite(beta)) throw new UserError("--beta " + beta + ": expected a finite number");
        if (targetClass < 0 || targetClass >= t.outputSize()) throw new UserError("--target-class " + targetClass + ": expected 0.." + (t.outputSize() - 1));
        if (tran != null && (tran.length != 2 || !(tran[0] > 0) || !(tran[1] > tran[0]) || !Double.isFinite(tran[1]))) {
            throw new UserError("--tran: expected STEP,STOP with 0 < STEP < STOP (seconds)");
        }
        if (tileSpec == null && spec.commandLine().getParseResult().hasMatchedOption("--read")) throw new UserError("--read: only with --tile");
        if (tileSpec != null) tile = tileOf(tileSpec);
        SyntheticBatch d = SyntheticBatch.draw(t, example + 1, seed);
        AnalogChip dac = AnalogChip.withWeights(m, weights, seed);
        dac.setInputs(d.inputs(), example + 1);
        double[] all = dac.read(0);
        double[] x = new double[t.inputSize()];
        System.arraycopy(all, example * t.inputSize(), x, 0, x.length);
        if (tile != null) return tile(checkpoint != null ? chipOf(m, t) : ChipFactory.inProcess(m, t, seed), weights, m, x);
        double[] y = new double[t.outputSize()];
        y[targetClass] = 1;
        double[][] rest = null;
        if (tran != null) {
            rest = new double[t.neuronLayers()][];
            for (int l = 1; l < t.neuronLayers(); l++) rest[l] = new double[t.size(l)];
        }
        StringBuilder deck = new StringBuilder(Netlist.header(m.neuron().transfer(), t, m.neuron().tau(),
                "epsim " + Main.version() + ": model " + m.name() + ", net " + t + (checkpoint != null ? ", weights of " + checkpoint : ", seed " + seed)));
        deck.append("* neuron node nL_I: membrane potential u of neuron I of layer L; output rho(u)\n");
        deck.append(Netlist.body("", weights, m.neuron().tau(), 1, x, beta, beta == 0 ? null : y, rest, tran != null));
        deck.append(Netlist.options());
        String circuit = deck.toString();
        StringBuilder outputs = new StringBuilder();
        for (int i = 0; i < t.outputSize(); i++) outputs.append(" v(").append(Netlist.node("", t.neuronLayers() - 1, i)).append(')');
        if (tran != null) {
            deck.append(".tran ").append(Netlist.num(tran[0])).append(' ').append(Netlist.num(tran[1])).append(" uic\n");
            deck.append("* ngspice -b prints the output layer's u over time (rho(u) is the chip's output)\n.print tran").append(outputs).append('\n');
        } else {
            // the operating point in a control block: full precision (16 digits), and no '.print' that ngspice would call an error
            deck.append("* ngspice -b prints the output layer's u at the operating point (rho(u) is the chip's output), to 16 digits\n");
            // 'quit 0': ngspice -b ends a control block's run with exit status 1 unless told otherwise
            deck.append(".control\nset numdgt=16\nop\nprint").append(outputs).append("\nquit 0\n.endc\n");
        }
        deck.append(".end\n");
        AtomicFiles.writeString(out, deck.toString());
        System.out.printf("wrote %s (%s, %d neurons, %d weights and biases)%n", out, t, t.freeNeurons(), t.parameterCount());
        if (check) check(circuit, weights, m, t, x);
        return 0;
    }

    private static int[] tileOf(String spec) {
        String[] parts = spec.split(",", -1);
        if (parts.length != 3) throw new UserError("--tile " + spec + ": expected LAYER,P,Q, e.g. 1,0,0");
        int[] t = new int[3];
        for (int i = 0; i < 3; i++) {
            try {
                t[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new UserError("--tile " + spec + ": expected three integers LAYER,P,Q, e.g. 1,0,0");
            }
        }
        return t;
    }

    private AnalogChip chipOf(HardwareModel m, Topology t) {
        TrainConfig c = TrainConfig.read(checkpoint, "no run record (is --checkpoint a run folder?)");
        AnalogChip chip = ChipFactory.inProcess(m, t, c.seed());
        chip.restore(Checkpoint.read(checkpoint).chip());
        return chip;
    }

    /**
     * One tile with its wires (--tile): the voltages its read applies are the layer's neighbours'
     * outputs rho(u) at the free equilibrium of the ideal copy of these weights for this example.
     */
    private int tile(AnalogChip chip, LayerParams weights, HardwareModel m, double[] x) throws IOException {
        if (tran != null || beta != 0) throw new UserError("--tile: a tile's read is an operating point: give neither --tran nor --beta");
        if (!read.equals("forward") && !read.equals("backward")) throw new UserError("--read " + read + ": expected forward or backward");
        epsim.chip.TileCircuit c = chip.tile(tile[0], tile[1], tile[2]);
        epsim.reference.IdealNetwork ideal = new epsim.reference.IdealNetwork(weights, m.neuron().transfer(), m.neuron().epsilon());
        double[][] u = epsim.reference.References.equilibria(ideal, x, 1)[0];
        boolean forward = read.equals("forward");
        int layer = tile[0];
        double[] neighbour = forward ? (layer == 1 ? x : rho(m, u[layer - 1])) : rho(m, u[layer]);
        double[] vr = forward ? c.rowVoltages(neighbour) : new double[c.plus().rows()];
        double[] vc = forward ? new double[c.plus().cols()] : c.columnVoltages(neighbour);
        String title = "epsim " + Main.version() + ": model " + m.name() + ", layer " + layer + " tile (" + tile[1] + ", " + tile[2] + "), " + read + " read"
                + (checkpoint != null ? ", weights of " + checkpoint : ", seed " + run.seed());
        String netlist = epsim.spice.TileNetlist.of(c.plus(), c.minus(), c.rowOhms(), c.columnOhms(), vr, vc, title);
        AtomicFiles.writeString(out, netlist);
        System.out.printf("wrote %s (layer %d tile (%d, %d): %d x %d devices per array, %s read)%n", out, layer, tile[1], tile[2], c.plus().rows(),
                c.plus().cols(), read);
        if (!check) return 0;
        epsim.spice.TileNetlist.Currents spice = epsim.spice.TileNetlist.solve(netlist, c.plus().rows(), c.plus().cols(), 600);
        double difference = epsim.spice.TileNetlist.solved(c.plus(), c.minus(), vr, vc).differenceFrom(spice);
        System.out.printf(java.util.Locale.ROOT, "check: ngspice's terminal currents against epsim's solver: max difference %.3g of the largest current (%.4g uA)%n",
                difference, spice.largest());
        return 0;
    }

    private static double[] rho(HardwareModel m, double[] u) {
        double[] v = new double[u.length];
        for (int i = 0; i < u.length; i++) v[i] = m.neuron().transfer().rho(u[i]);
        return v;
    }

    /**
     * Runs ngspice on the netlist's circuit and compares its operating point, every neuron's u, with
     * the free equilibrium epsim's ideal copy relaxes to from the same weights and inputs.
     */
    private void check(String circuit, LayerParams weights, HardwareModel m, Topology t, double[] x) {
        if (tran != null || beta != 0) throw new UserError("--check compares the free operating point: give neither --tran nor --beta");
        epsim.spice.Ngspice.OperatingPoint op = epsim.spice.Ngspice.solve(circuit, 600);
        epsim.reference.IdealNetwork ideal = new epsim.reference.IdealNetwork(weights, m.neuron().transfer(), m.neuron().epsilon());
        double[][] u = epsim.reference.References.equilibria(ideal, x, 1)[0];
        double worst = 0;
        int neurons = 0;
        for (int l = 1; l < t.neuronLayers(); l++) {
            for (int i = 0; i < t.size(l); i++) {
                Double v = op.voltages().get(Netlist.node("", l, i).toLowerCase());
                if (v == null) throw new UserError("--check: ngspice gave no voltage for node " + Netlist.node("", l, i));
                worst = Math.max(worst, Math.abs(v - u[l][i]));
                neurons++;
            }
        }
        System.out.printf(java.util.Locale.ROOT, "check: ngspice's operating point against epsim's equilibrium: max |u difference| %.3g V over %d neurons%s%n",
                worst, neurons, op.direct() ? "" : " (ngspice needed gmin or source stepping)");
    }
}
