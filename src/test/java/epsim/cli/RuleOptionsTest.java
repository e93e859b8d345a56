package epsim.cli;

import epsim.TestSupport;
import epsim.rule.RuleSetting;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every rule setting is an option of every command that runs a rule, with its declared help. */
class RuleOptionsTest {
    @Test
    void everySettingIsAnOption() {
        for (String command : new String[] {"train", "sweep", "gradient"}) {
            TestSupport.Run help = TestSupport.cli(command, "--help");
            assertEquals(0, help.exitCode(), help.err());
            String text = help.out().replaceAll("\\s+", ""); // free of picocli's line wrapping
            for (RuleSetting s : RuleSetting.values()) {
                assertTrue(text.contains(s.flag + "=" + s.paramLabel), command + " lacks " + s.flag);
                assertTrue(text.contains(s.helpWithDefault().replaceAll("\\s+", "")), command + ": help of " + s.flag);
            }
        }
    }
}
