package epsim;

import epsim.model.ModelField;
import epsim.rule.RuleSetting;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The settings tables in the docs are the declarations' own tables, word for word. */
class DocsTablesTest {
    @Test
    void ruleSettingsTableIsTheDeclaration() throws Exception {
        assertEquals(RuleSetting.markdownTable(), between(Path.of("docs/rules.md"), "rule-settings"));
    }

    @Test
    void modelFieldTableIsTheDeclaration() throws Exception {
        assertEquals(ModelField.markdownTable(), between(Path.of("docs/hardware-models.md"), "model-fields"));
    }

    @Test
    void runSettingsTableIsTheDeclaration() throws Exception {
        assertEquals(epsim.train.RunSetting.markdownTable(), between(Path.of("docs/cli.md"), "run-settings"));
    }

    private static String between(Path file, String marker) throws Exception {
        String s = Files.readString(file);
        String begin = "<!-- " + marker + ":begin -->\n", end = "<!-- " + marker + ":end -->";
        int a = s.indexOf(begin), b = s.indexOf(end);
        if (a < 0 || b < a) throw new AssertionError(file + ": no " + marker + " markers");
        return s.substring(a + begin.length(), b);
    }
}
