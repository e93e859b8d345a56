package epsim.common;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A table renders to aligned text, Markdown, CSV and LaTeX, each with its own escaping. */
class TextTableTest {
    private static TextTable table() {
        return new TextTable("energy (J)", "share", "note").row("crossbar", "92.1%", "a, b").row("x_1 & µ", "7.9%", "say \"hi\"");
    }

    @Test
    void everyFormatWritesTheSameCells() {
        assertEquals("""
                energy (J)  share      note
                crossbar    92.1%      a, b
                x_1 & µ      7.9%  say "hi"
                """, table().render(TextTable.Format.TEXT));
        assertEquals("""
                | energy (J) | share | note |
                |---|---:|---:|
                | crossbar | 92.1% | a, b |
                | x_1 & µ | 7.9% | say "hi" |
                """, table().render(TextTable.Format.MD));
        assertEquals("""
                energy (J),share,note
                crossbar,92.1%,"a, b"
                x_1 & µ,7.9%,"say ""hi\"""
                """, table().render(TextTable.Format.CSV));
        assertEquals("""
                \\begin{tabular}{lrr}
                \\hline
                energy (J) & share & note \\\\
                \\hline
                crossbar & 92.1\\% & a, b \\\\
                x\\_1 \\& \\textmu{} & 7.9\\% & say "hi" \\\\
                \\hline
                \\end{tabular}
                """, table().render(TextTable.Format.TEX));
    }

    @Test
    void aRowOfTheWrongWidthAndAnUnknownFormatAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TextTable("a", "b").row("only one"));
        UserError e = assertThrows(UserError.class, () -> TextTable.Format.parse("xml", "--format"));
        assertEquals("--format xml: expected text, md, csv or tex", e.getMessage());
        assertEquals("# a note", TextTable.Format.CSV.note("a note"));
        assertEquals("% a note", TextTable.Format.TEX.note("a note"));
    }
}
