package epsim.cli;

import epsim.backend.ChipFactory;
import epsim.chip.AnalogChip;
import epsim.chip.ChipCounters;
import epsim.common.TextTable;
import epsim.common.UserError;
import epsim.cost.DigitalBaseline;
import epsim.cost.EventCost;
import epsim.cost.PhaseLedger;
import epsim.data.Dataset;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.rule.LearningRule;
import epsim.train.RunSetting;
import epsim.train.TrainConfig;
import epsim.train.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;

@Command(name = "cost", mixinStandardHelpOptions = true,
        description = "What one training sample and one inference cost the chip: the events (conversions, steps, crossbar reads, "
                + "programming pulses, the host's multiply-accumulates), their energy and latency by component and by phase, "
                + "and a digital baseline, counted over a few batches of the dataset on a freshly fabricated chip (docs/cost.md).")
final class CostCommand implements Callable<Integer>, RuleOptions.Command, RunOptions.Command {
    @Mixin
    ModelOptions model;

    final RunOptions run = new RunOptions(java.util.EnumSet.complementOf(java.util.EnumSet.of(RunSetting.EPOCHS)));

    final RuleOptions rule = new RuleOptions();

    @Override
    public RunOptions runOptions() {
        return run;
    }

    @Override
    public RuleOptions ruleOptions() {
        return rule;
    }

    @Option(names = "--batches", paramLabel = "N", defaultValue = "5", description = "Training batches (and as many test batches) counted (default: ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--wear-fraction", paramLabel = "F", defaultValue = epsim.device.WearReport.DEFAULT_FRACTION, description = "The fraction of worn-out devices the wear line "
            + "counts epochs to (default: ${DEFAULT-VALUE}).")
    double wearFraction;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text (aligned, for the terminal), md, csv or tex "
            + "(tables to paste into a document; prose lines become comments in csv and tex) (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        TextTable.Format written = TextTable.Format.parse(format, "--format"); // refused before any work
        if (!(wearFraction > 0 && wearFraction <= 1)) throw new UserError("--wear-fraction " + wearFraction + ": expected a fraction in (0, 1]");
        if (batches < 1 || batches > 100_000) throw new UserError("--batches " + batches + ": expected an integer in 1..100000");
        TrainConfig config = run.config(model, rule, null);
        Topology t = Topology.parse(config.net(), "--net");
        TrainingData data = TrainingData.load(config, t);
        HardwareModel m = model.load();
        AnalogChip chip = ChipFactory.inProcess(m, t, config.seed());
        long initialisation = chip.counters().verifyWrites();
        LearningRule learning = config.rule().create(config.seed());
        int batch = config.batch();

        chip.resetCounters();
        PhaseLedger trainingPhases = new PhaseLedger(chip);
        long macsBefore = learning.hostWork().macs();
        int trained = 0;
        for (int b = 0; b < batches && trained < data.train().count(); b++) {
            int size = Math.min(batch, data.train().count() - trained);
            Dataset.Examples e = data.train().examples(null, trained, size, t.outputSize());
            learning.train(trainingPhases, e.inputs(), e.targets(), size);
            trained += size;
        }
        trainingPhases.close();
        long trainingMacs = learning.hostWork().macs() - macsBefore;
        ChipCounters training = chip.counters();
        // every pulse so far came from the counted training batches (write-verify at fabrication takes none)
        epsim.device.WearReport wear = chip.wear((double) trained / data.train().count(), wearFraction);
        chip.resetCounters();
        macsBefore = learning.hostWork().macs();
        int inferred = 0;
        for (int b = 0; b < batches && inferred < data.test().count(); b++) {
            int size = Math.min(batch, data.test().count() - inferred);
            learning.infer(chip, data.test().examples(null, inferred, size, t.outputSize()).inputs(), size);
            inferred += size;
        }
        long inferenceMacs = learning.hostWork().macs() - macsBefore;
        ChipCounters inference = chip.counters();

        Report out = new Report(written);
        out.note(String.format(Locale.ROOT, "%s on %s, net %s, batch %d: per training sample (%d samples) and per inference (%d)",
                config.rule().rule().describe(config.rule()), m.name(), t, batch, trained, inferred));
        Counts counts = new Counts(training, trained, inference, inferred, new TextTable("event", "training sample", "inference"));
        counts.row("relaxations", ChipCounters::relaxations);
        counts.row("integration steps", ChipCounters::steps);
        counts.row("chip time (s)", ChipCounters::chipSeconds);
        counts.row("DAC conversions", ChipCounters::dacConversions);
        counts.row("ADC conversions", ChipCounters::adcConversions);
        counts.row("crossbar device reads", ChipCounters::deviceReads);
        counts.row("crossbar energy (J)", ChipCounters::crossbarJoules);
        counts.row("programming pulses up", ChipCounters::pulsesUp);
        counts.row("programming pulses down", ChipCounters::pulsesDown);
        counts.row("device updates", ChipCounters::deviceUpdates);
        counts.row("programming slots", ChipCounters::programmingSlots);
        counts.row("weight verification reads", ChipCounters::weightReads);
        if (!m.array().equals(epsim.model.HardwareModel.Array.NONE)) {
            counts.row("tile reads", ChipCounters::tileReads);
            counts.row("partial-sum conversions", ChipCounters::partialSumConversions);
        }
        counts.table().row("host multiply-accumulates", number((double) trainingMacs / trained), number((double) inferenceMacs / inferred));
        out.table(counts.table());
        out.note(String.format(Locale.ROOT, "(initialisation, not in the figures above: %d devices written with write-verify)", initialisation));
        out.note(String.format(Locale.ROOT, "wear, at the rates of these %d samples over an epoch of %d: %s", trained, data.train().count(), wear.describe()));
        if (m.cost() == null) {
            out.note("model " + m.name() + " has no cost section: no energy or latency (docs/cost.md)");
            return 0;
        }
        EventCost.Figures trainCost = EventCost.of(m, t, training, trainingMacs).per(trained);
        EventCost.Figures inferCost = EventCost.of(m, t, inference, inferenceMacs).per(inferred);
        out.gap();
        out.table(shares("energy (J)", trainCost.energy().components(), trainCost.energy().total(), inferCost.energy().components(),
                inferCost.energy().total()));
        out.gap();
        out.table(shares("latency (s)", trainCost.latency().components(), trainCost.latency().total(), inferCost.latency().components(),
                inferCost.latency().total()));
        out.gap();
        out.table(phases(m, t, trainingPhases, trainingMacs, trained));
        boolean hostKeepsWeights = training.weightReads() > 0; // the rule reads the weights back for its update
        if (training.layers() != null && inference.layers() != null) {
            out.gap();
            out.table(layers(t, EventCost.byLayer(m, t, training, trainingMacs, batch, hostKeepsWeights).per(trained),
                    EventCost.byLayer(m, t, inference, inferenceMacs, batch, hostKeepsWeights).per(inferred)));
        }
        baseline(out, m, t, batch, trainCost.energy().total(), inferCost.energy().total());
        out.gap();
        EventCost.Area area = EventCost.area(m, t, batch, hostKeepsWeights);
        if (area == null) {
            out.note("area: not reported (the model names no cost.technology and states no area figures; docs/cost.md)");
        } else {
            TextTable areas = new TextTable("area (mm²)", "chip", "share");
            for (Map.Entry<String, Double> e : area.components().entrySet()) {
                areas.row(e.getKey(), number(e.getValue() * 1e-6), percent(share(e.getValue(), area.total())));
            }
            out.table(areas.row("total", number(area.total() * 1e-6), percent(100.0)));
        }
        out.gap();
        out.note(readPoint(m));
        out.gap();
        out.table(constants(m));
        return 0;
    }

    /** The read operating point that sets the crossbars' energy, and the Johnson noise it implies against the neurons' own. */
    private static String readPoint(HardwareModel m) {
        HardwareModel.Periphery p = m.periphery();
        double columnMicrosiemens = (m.device().gMin() + m.device().gMax()) * 100; // a column of 100 inputs at mid-range, both devices
        double johnson = Math.sqrt(epsim.chip.NeuronDynamics.johnsonVariancePerMicrosiemens(m, 300) * columnMicrosiemens);
        return String.format(Locale.ROOT, "read point: %.3g V full scale on the rows for %.3g s of each %.3g s step (crossbar energy G V^2 x pulse); "
                + "Johnson noise %s (at 300 K a column of 100 mid-range inputs would add %.3g per step in drive units, against thermalNoise %.3g)",
                p.readVoltage(), p.readPulse(), m.neuron().dt(),
                m.device().temperature() > 0 ? "on at " + m.device().temperature() + " K" : "off (device.temperature 0)", johnson, m.neuron().thermalNoise());
    }

    /** Every cost constant with its value, how it was obtained and where from: a table's entry, or the model's own statement. */
    private static TextTable constants(HardwareModel m) {
        TextTable table = new TextTable("constant", "value", "unit", "basis", "source");
        for (epsim.model.ModelField f : epsim.model.ModelField.inSection(epsim.model.ModelField.COST_SECTION)) {
            if (f == epsim.model.ModelField.TECHNOLOGY || f == epsim.model.ModelField.CELL || f == epsim.model.ModelField.COST_SOURCE) continue;
            epsim.model.TechnologyTable.Constant c = m.cost().provenance().get(f.name);
            Object stated = f.valueIn(m);
            if (c != null) {
                String from = epsim.model.TechnologyTable.CELLS.contains(m.cost().cell()) && epsim.model.TechnologyTable.cell(m.cost().cell()).containsKey(f.name)
                        ? "cell " + m.cost().cell() : "technology " + m.cost().technology();
                table.row(f.name, number(c.value()), f.unit, c.basis().jsonName, from + ": " + c.source() + (c.year() > 0 ? " (" + c.year() + ")" : ""));
            } else if (stated != null) {
                table.row(f.name, stated instanceof Double d ? number(d) : String.valueOf(stated), f.unit, "stated by the model", "see the model's cost.source");
            }
        }
        return table;
    }

    /** Notes and tables, written as they come in the chosen format. */
    private record Report(TextTable.Format format) {
        void note(String line) {
            System.out.println(format.note(line));
        }

        void table(TextTable t) {
            // Markdown: a table stands apart from the paragraphs around it, or a line of prose becomes one of its rows
            boolean md = format == TextTable.Format.MD;
            System.out.print((md ? "\n" : "") + t.render(format) + (md ? "\n" : ""));
        }

        /** A blank line between blocks (a comment line in CSV, so that a spreadsheet keeps the blocks apart). */
        void gap() {
            System.out.println(format == TextTable.Format.CSV ? "#" : "");
        }
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f%%", v);
    }

    /** Each training phase's events, energy and latency per training sample. */
    private static TextTable phases(HardwareModel m, Topology t, PhaseLedger trainingPhases, long trainingMacs, int trained) {
        TextTable table = new TextTable("phase (per training sample)", "relaxations", "steps", "ADC", "device reads", "energy (J)", "latency (s)");
        for (Map.Entry<String, ChipCounters> p : trainingPhases.phases().entrySet()) {
            ChipCounters c = p.getValue();
            long macs = p.getKey().equals("update") ? trainingMacs : 0; // the host forms the update
            EventCost.Figures f = EventCost.of(m, t, c, macs).per(trained);
            table.row(p.getKey(), String.format(Locale.ROOT, "%.3g", (double) c.relaxations() / trained), String.format(Locale.ROOT, "%.4g",
                    (double) c.steps() / trained), String.format(Locale.ROOT, "%.4g", (double) (c.adcConversions() + c.weightReads()) / trained),
                    String.format(Locale.ROOT, "%.4g", (double) c.deviceReads() / trained), String.format(Locale.ROOT, "%.4g", f.energy().total()),
                    String.format(Locale.ROOT, "%.4g", f.latency().total()));
        }
        return table;
    }

    /** Each weight layer's energy, latency and area per training sample (and energy per inference), then what the layers share. */
    private static TextTable layers(Topology t, EventCost.ByLayer train, EventCost.ByLayer infer) {
        TextTable table = new TextTable("layer", "energy / training sample (J)", "share", "latency (s)", "area (mm²)", "energy / inference (J)");
        double total = train.sharedEnergy().total();
        for (EventCost.LayerFigures l : train.layers()) total += l.energy().total();
        for (int i = 0; i < train.layers().size(); i++) {
            EventCost.LayerFigures l = train.layers().get(i);
            table.row("layer " + l.layer() + " (" + t.size(l.layer() - 1) + "-" + t.size(l.layer()) + ")", number(l.energy().total()),
                    percent(share(l.energy().total(), total)), number(l.latency().total()), area(l.areaUm2()),
                    number(infer.layers().get(i).energy().total()));
        }
        return table.row("shared (host; integration; read-out ADCs, host memory)", number(train.sharedEnergy().total()),
                percent(share(train.sharedEnergy().total(), total)), number(train.sharedLatency().total()), area(train.sharedAreaUm2()),
                number(infer.sharedEnergy().total()));
    }

    private static String area(double squareMicrometres) {
        return Double.isNaN(squareMicrometres) ? "—" : number(squareMicrometres * 1e-6);
    }

    /** Backprop on a digital accelerator at the model's MAC and SRAM energies, and the analog chip against it. */
    private static void baseline(Report out, HardwareModel m, Topology t, int batch, double trainEnergy, double inferEnergy) {
        DigitalBaseline.Work dTrain = DigitalBaseline.training(t, batch), dInfer = DigitalBaseline.inference(t, batch);
        double[] dt = DigitalBaseline.energyAndLatency(m, dTrain), di = DigitalBaseline.energyAndLatency(m, dInfer);
        out.gap();
        out.note(String.format(Locale.ROOT, "digital baseline (backprop on a digital accelerator at this model's %.3g pJ per MAC and %.3g pJ per "
                + "SRAM word): training sample %.4g J (%.4g MACs, %.4g words), %.4g s; inference %.4g J, %.4g s (one MAC at a time)",
                m.cost().macEnergy(), m.cost().memoryEnergy(), dt[0], dTrain.macs(), dTrain.words(), dt[1], di[0], di[1]));
        out.note(String.format(Locale.ROOT, "analog / digital energy: training %.3g, inference %.3g", trainEnergy / dt[0], inferEnergy / di[0]));
    }

    private static TextTable shares(String title, Map<String, Double> train, double trainTotal, Map<String, Double> infer, double inferTotal) {
        TextTable table = new TextTable(title, "training sample", "share", "inference", "share");
        for (String k : train.keySet()) {
            double a = train.get(k), b = infer.get(k);
            table.row(k, number(a), percent(share(a, trainTotal)), number(b), percent(share(b, inferTotal)));
        }
        return table.row("total", number(trainTotal), percent(100.0), number(inferTotal), percent(100.0));
    }

    private static double share(double part, double total) {
        return total == 0 ? 0 : 100 * part / total;
    }

    private record Counts(ChipCounters training, int trained, ChipCounters inference, int inferred, TextTable table) {
        void row(String name, ToDoubleFunction<ChipCounters> event) {
            table.row(name, number(event.applyAsDouble(training) / trained), number(event.applyAsDouble(inference) / inferred));
        }
    }
}
