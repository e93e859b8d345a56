package epsim.cli;

import epsim.math.Topology;
import epsim.rule.RuleSettings;
import epsim.train.RunSetting;
import epsim.train.TrainConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The run settings on the command line: one option per {@link RunSetting} a command takes, derived
 * from its declaration (flag, label, help, range), with the command's own defaults where they differ.
 */
final class RunOptions {
    /** A command that takes run settings. */
    interface Command {
        RunOptions runOptions();
    }

    private final Set<RunSetting> settings;
    private final Map<RunSetting, Object> defaults = new EnumMap<>(RunSetting.class);
    private CommandSpec command;

    /** Every run setting, with the declared defaults. */
    RunOptions() {
        this(EnumSet.allOf(RunSetting.class));
    }

    RunOptions(Set<RunSetting> settings) {
        this.settings = EnumSet.copyOf(settings);
        for (RunSetting s : settings) defaults.put(s, s.defaultValue);
    }

    /** The command's own default for {@code s}, shown in its help. */
    RunOptions withDefault(RunSetting s, Object value) {
        defaults.put(s, value);
        return this;
    }

    /** Adds the options to {@code spec} (before parsing). */
    void register(CommandSpec spec) {
        command = spec;
        for (RunSetting s : settings) {
            spec.addOption(OptionSpec.builder(s.flag).paramLabel(s.paramLabel).type(String.class).description(s.help(defaults.get(s))).build());
        }
    }

    /** Whether the user gave {@code s}. */
    boolean given(RunSetting s) {
        return command.commandLine().getParseResult().hasMatchedOption(s.flag);
    }

    /**
     * The value of {@code s}, given or the command's default, validated either way ({@code t}: the
     * run's network, for a batch's range: a default batch can be too large for a large network).
     */
    Object value(RunSetting s, Topology t) {
        Object fallback = defaults.get(s);
        if (!given(s) && fallback == null) return null;
        String text = given(s) ? command.commandLine().getParseResult().matchedOptionValue(s.flag, "") : String.valueOf(fallback);
        return s.parse(text, s.flag, t);
    }

    Topology topology() {
        return Topology.parse((String) value(RunSetting.NET, null), RunSetting.NET.flag);
    }

    long seed() {
        return (Long) value(RunSetting.SEED, null);
    }

    /** The validated options of a run with these settings ({@code chip}: null for the in-process chip); the model is validated too. */
    TrainConfig config(ModelOptions model, RuleOptions rule, String chip) {
        Topology t = topology();
        if (!settings.containsAll(EnumSet.complementOf(EnumSet.of(RunSetting.EPOCHS)))) {
            throw new IllegalStateException("a run needs every run setting");
        }
        int epochs = settings.contains(RunSetting.EPOCHS) ? (Integer) value(RunSetting.EPOCHS, t) : 1;
        model.load(); // validates the model before any work
        TrainConfig c = new TrainConfig(model.model, model.overrides, t.toString(), rule.settings(t, RuleSettings.defaults(t)), (Integer) value(RunSetting.BATCH, t), epochs,
                seed(), null, null, 0, 0, chip, null);
        for (RunSetting s : EnumSet.of(RunSetting.DATASET, RunSetting.DATA_DIR, RunSetting.TRAIN_LIMIT, RunSetting.TEST_LIMIT)) {
            c = s.with(c, value(s, t));
        }
        return c;
    }
}
