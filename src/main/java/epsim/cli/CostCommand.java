package epsim.cli;

import epsim.backend.ChipFactory;
import epsim.chip.AnalogChip;
import epsim.chip.ChipCounters;
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

    @Option(names = "--wear-fraction", paramLabel = "F", defaultValue = "0.01", description = "The fraction of worn-out devices the wear line "
            + "counts epochs to (default: ${DEFAULT-VALUE}).")
    double wearFraction;

    @Override
    public Integer call() {
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

        System.out.printf(Locale.ROOT, "%s on %s, net %s, batch %d: per training sample (%d samples) and per inference (%d)%n",
                config.rule().rule().describe(config.rule()), m.name(), t, batch, trained, inferred);
        System.out.printf(Locale.ROOT, "%-34s %16s %16s%n", "event", "training sample", "inference");
        Counts counts = new Counts(training, trained, inference, inferred);
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
        System.out.printf(Locale.ROOT, "%-34s %16.6g %16.6g%n", "host multiply-accumulates", (double) trainingMacs / trained,
                (double) inferenceMacs / inferred);
        System.out.printf(Locale.ROOT, "(initialisation, not in the figures above: %d devices written with write-verify)%n", initialisation);
        System.out.printf(Locale.ROOT, "wear, at the rates of these %d samples over an epoch of %d: %s%n", trained, data.train().count(), wear.describe());
        if (m.cost() == null) {
            System.out.println("model " + m.name() + " has no cost section: no energy or latency (docs/cost.md)");
            return 0;
        }
        EventCost.Figures trainCost = EventCost.of(m, t, training, trainingMacs).per(trained);
        EventCost.Figures inferCost = EventCost.of(m, t, inference, inferenceMacs).per(inferred);
        System.out.println();
        table("energy (J)", trainCost.energy().components(), trainCost.energy().total(), inferCost.energy().components(),
                inferCost.energy().total());
        System.out.println();
        table("latency (s)", trainCost.latency().components(), trainCost.latency().total(), inferCost.latency().components(),
                inferCost.latency().total());

        phases(m, t, trainingPhases, trainingMacs, trained);
        baseline(m, t, batch, trainCost.energy().total(), inferCost.energy().total());
        return 0;
    }

    /** Each training phase's events, energy and latency per training sample. */
    private static void phases(HardwareModel m, Topology t, PhaseLedger trainingPhases, long trainingMacs, int trained) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-22s %12s %10s %12s %12s %12s %12s%n", "phase (per training sample)", "relaxations",
                "steps", "ADC", "device reads", "energy (J)", "latency (s)");
        for (Map.Entry<String, ChipCounters> p : trainingPhases.phases().entrySet()) {
            ChipCounters c = p.getValue();
            long macs = p.getKey().equals("update") ? trainingMacs : 0; // the host forms the update
            EventCost.Figures f = EventCost.of(m, t, c, macs).per(trained);
            System.out.printf(Locale.ROOT, "%-28s %6.3g %10.4g %12.4g %12.4g %12.4g %12.4g%n", p.getKey(),
                    (double) c.relaxations() / trained, (double) c.steps() / trained, (double) (c.adcConversions() + c.weightReads()) / trained,
                    (double) c.deviceReads() / trained, f.energy().total(), f.latency().total());
        }

    }

    /** Backprop on a digital accelerator at the model's MAC and SRAM energies, and the analog chip against it. */
    private static void baseline(HardwareModel m, Topology t, int batch, double trainEnergy, double inferEnergy) {
        DigitalBaseline.Work dTrain = DigitalBaseline.training(t, batch), dInfer = DigitalBaseline.inference(t, batch);
        double[] dt = DigitalBaseline.energyAndLatency(m, dTrain), di = DigitalBaseline.energyAndLatency(m, dInfer);
        System.out.println();
        System.out.printf(Locale.ROOT, "digital baseline (backprop on a digital accelerator at this model's %.3g pJ per MAC and %.3g pJ per "
                + "SRAM word): training sample %.4g J (%.4g MACs, %.4g words), %.4g s; inference %.4g J, %.4g s (one MAC at a time)%n",
                m.cost().macEnergy(), m.cost().memoryEnergy(), dt[0], dTrain.macs(), dTrain.words(), dt[1], di[0], di[1]);
        System.out.printf(Locale.ROOT, "analog / digital energy: training %.3g, inference %.3g%n", trainEnergy / dt[0],
                inferEnergy / di[0]);
    }

    private static void table(String title, Map<String, Double> train, double trainTotal, Map<String, Double> infer, double inferTotal) {
        System.out.printf(Locale.ROOT, "%-22s %16s %7s %16s %7s%n", title, "training sample", "share", "inference", "share");
        for (String k : train.keySet()) {
            double a = train.get(k), b = infer.get(k);
            System.out.printf(Locale.ROOT, "%-22s %16.6g %6.1f%% %16.6g %6.1f%%%n", k, a, share(a, trainTotal), b, share(b, inferTotal));
        }
        System.out.printf(Locale.ROOT, "%-22s %16.6g %6.1f%% %16.6g %6.1f%%%n", "total", trainTotal, 100.0, inferTotal, 100.0);
    }

    private static double share(double part, double total) {
        return total == 0 ? 0 : 100 * part / total;
    }

    private record Counts(ChipCounters training, int trained, ChipCounters inference, int inferred) {
        void row(String name, ToDoubleFunction<ChipCounters> event) {
            System.out.printf(Locale.ROOT, "%-34s %16.6g %16.6g%n", name, event.applyAsDouble(training) / trained,
                    event.applyAsDouble(inference) / inferred);
        }
    }
}
