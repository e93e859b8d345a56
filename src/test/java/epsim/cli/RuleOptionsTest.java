package epsim.cli;

import epsim.TestSupport;
import epsim.math.Topology;
import epsim.rule.RuleSetting;
import epsim.rule.RuleSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every rule setting is an option of every command that runs a rule, with its declared help and the command's own default. */
class RuleOptionsTest {
    @Test
    void everySettingIsAnOption() {
        Map<String, RuleOptions.Command> commands = Map.of("train", new TrainCommand(), "sweep", new SweepCommand(), "gradient", new GradientCommand());
        for (String command : commands.keySet()) {
            RuleSettings defaults = commands.get(command).ruleDefaults(new Topology(1, 1, 1));
            TestSupport.Run help = TestSupport.cli(command, "--help");
            assertEquals(0, help.exitCode(), help.err());
            String text = help.out().replaceAll("\\s+", ""); // free of picocli's line wrapping
            for (RuleSetting s : RuleSetting.values()) {
                assertTrue(text.contains(s.flag + "=" + s.paramLabel), command + " lacks " + s.flag);
                assertTrue(text.contains(s.helpWithDefault(defaults).replaceAll("\\s+", "")), command + ": help of " + s.flag);
            }
        }
        String gradientHelp = TestSupport.cli("gradient", "--help").out().replaceAll("\\s+", "");
        assertTrue(gradientHelp.contains("(default:0.01)") && gradientHelp.contains("(default:1.0E-12)"), "gradient shows its own defaults");
    }
}
