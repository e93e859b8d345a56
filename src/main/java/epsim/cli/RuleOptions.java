package epsim.cli;

import epsim.math.Topology;
import epsim.rule.RuleSetting;
import epsim.rule.RuleSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.util.EnumMap;
import java.util.List;

/**
 * The learning rule and its settings on the command line: one option per {@link RuleSetting},
 * derived from its declaration (flag, label, help, default), for every command that runs a rule.
 */
final class RuleOptions {
    /** A command that takes the rule options. */
    interface Command {
        RuleOptions ruleOptions();

        /** The settings the command uses where the user gives none (its help shows them). */
        default RuleSettings ruleDefaults(Topology t) {
            return RuleSettings.defaults(t);
        }
    }

    private CommandSpec command;

    /** Adds the options to {@code spec} (before parsing), their help showing {@code defaults}. */
    void register(CommandSpec spec, RuleSettings defaults) {
        command = spec;
        for (RuleSetting s : RuleSetting.values()) {
            OptionSpec.Builder o = OptionSpec.builder(s.flag).paramLabel(s.paramLabel)
                    .description(s.helpWithDefault(defaults));
            if (s.isList()) o.type(List.class).auxiliaryTypes(String.class).splitRegex(",");
            else o.type(String.class);
            spec.addOption(o.build());
        }
    }

    /** The settings: {@code defaults} overlaid with what the user gave, each value validated. */
    RuleSettings settings(Topology t, RuleSettings defaults) {
        ParseResult parsed = command.commandLine().getParseResult();
        EnumMap<RuleSetting, Object> given = new EnumMap<>(RuleSetting.class);
        for (RuleSetting s : RuleSetting.values()) {
            if (!parsed.hasMatchedOption(s.flag)) continue;
            // a list from the words as typed, split keeping empty items ("0.1," has two, the second empty and refused)
            List<String> items = s.isList() ? List.of(String.join(",", parsed.matchedOption(s.flag).originalStringValues()).split(",", -1))
                    : List.of(parsed.matchedOptionValue(s.flag, ""));
            given.put(s, s.parse(items, s.flag, t));
        }
        return defaults.given(given);
    }
}
