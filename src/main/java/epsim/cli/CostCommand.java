package epsim.cli;

import epsim.chip.AnalogChip;
import epsim.chip.ChipCounters;
import epsim.common.UserError;
import epsim.data.Dataset;
import epsim.math.Topology;
import epsim.model.ModelLoader;
import epsim.rule.LearningRule;
import epsim.train.TrainConfig;
import epsim.train.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;

@Command(name = "cost", mixinStandardHelpOptions = true,
        description = "The events one training sample and one inference cost the chip (conversions, steps, crossbar reads, "
                + "programming pulses), counted over a few batches of the dataset on a freshly fabricated chip (docs/cost.md).")
final class CostCommand implements Callable<Integer>, RuleOptions.Command {
    @Mixin
    ModelOptions model;

    @Mixin
    RunOptions run;

    final RuleOptions rule = new RuleOptions();

    @Override
    public RuleOptions ruleOptions() {
        return rule;
    }

    @Option(names = "--batches", paramLabel = "N", defaultValue = "5", description = "Training batches (and as many test batches) counted (default: ${DEFAULT-VALUE}).")
    int batches;

    @Override
    public Integer call() {
        if (batches < 1 || batches > 100_000) throw new UserError("--batches " + batches + ": expected an integer in 1..100000");
        TrainConfig config = run.config(model, rule, 1, null);
        Topology t = Topology.parse(config.net(), "--net");
        TrainingData data = TrainingData.load(config, t);
        AnalogChip chip = AnalogChip.fabricate(ModelLoader.load(config.model(), config.overrides()), t, config.seed());
        LearningRule learning = config.rule().create(config.seed());
        int batch = config.batch();

        chip.resetCounters();
        int trained = 0;
        for (int b = 0; b < batches && trained < data.train().count(); b++) {
            int size = Math.min(batch, data.train().count() - trained);
            Dataset.Examples e = data.train().examples(null, trained, size, t.outputSize());
            learning.train(chip, e.inputs(), e.targets(), size);
            trained += size;
        }
        ChipCounters training = chip.counters();
        chip.resetCounters();
        int inferred = 0;
        for (int b = 0; b < batches && inferred < data.test().count(); b++) {
            int size = Math.min(batch, data.test().count() - inferred);
            learning.infer(chip, data.test().examples(null, inferred, size, t.outputSize()).inputs(), size);
            inferred += size;
        }
        ChipCounters inference = chip.counters();

        System.out.printf(Locale.ROOT, "%s on %s, net %s, batch %d: events per training sample (%d samples) and per inference (%d)%n",
                config.rule().rule().describe(config.rule()), chip.model().name(), t, batch, trained, inferred);
        System.out.printf(Locale.ROOT, "%-34s %16s %16s%n", "event", "training sample", "inference");
        row("relaxations", ChipCounters::relaxations, training, trained, inference, inferred);
        row("integration steps", ChipCounters::steps, training, trained, inference, inferred);
        row("chip time (s)", ChipCounters::chipSeconds, training, trained, inference, inferred);
        row("DAC conversions", ChipCounters::dacConversions, training, trained, inference, inferred);
        row("ADC conversions", ChipCounters::adcConversions, training, trained, inference, inferred);
        row("crossbar device reads", ChipCounters::deviceReads, training, trained, inference, inferred);
        row("programming pulses up", ChipCounters::pulsesUp, training, trained, inference, inferred);
        row("programming pulses down", ChipCounters::pulsesDown, training, trained, inference, inferred);
        row("device updates", ChipCounters::deviceUpdates, training, trained, inference, inferred);
        return 0;
    }

    private static void row(String name, ToDoubleFunction<ChipCounters> event, ChipCounters training, int trained,
                            ChipCounters inference, int inferred) {
        System.out.printf(Locale.ROOT, "%-34s %16.6g %16.6g%n", name, event.applyAsDouble(training) / trained,
                event.applyAsDouble(inference) / inferred);
    }
}
