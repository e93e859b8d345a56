package epsim.common;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A table a person reads or pastes: aligned text for the terminal, or Markdown, CSV or a LaTeX
 * tabular for a document. The first column is the row's name (left-aligned), the others are
 * figures (right-aligned); every cell is text, formatted by the caller once for every format.
 */
public final class TextTable {
    /** How a table is written. */
    public enum Format {
        TEXT, MD, CSV, TEX;

        /** The format named on the command line ({@code text}, {@code md}, {@code csv}, {@code tex}). */
        public static Format parse(String name, String where) {
            for (Format f : values()) if (f.name().toLowerCase(Locale.ROOT).equals(name)) return f;
            throw new UserError(where + " " + name + ": expected text, md, csv or tex");
        }

        /** A line of prose beside the tables: as is in text and Markdown, a comment in CSV and LaTeX. */
        public String note(String line) {
            return switch (this) {
                case TEXT, MD -> line;
                case CSV -> "# " + line;
                case TEX -> "% " + line;
            };
        }
    }

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final java.util.Set<Integer> text = new java.util.HashSet<>(List.of(0));

    public TextTable(String... header) {
        this.header = List.of(header);
    }

    /** Marks columns as text (left-aligned, like the first) rather than figures. */
    public TextTable textColumns(int... columns) {
        for (int c : columns) text.add(c);
        return this;
    }

    /** A row of as many cells as the header. */
    public TextTable row(String... cells) {
        if (cells.length != header.size()) throw new IllegalArgumentException(cells.length + " cells for " + header.size() + " columns");
        rows.add(Arrays.asList(cells));
        return this;
    }

    public String render(Format f) {
        return switch (f) {
            case TEXT -> text();
            case MD -> markdown();
            case CSV -> csv();
            case TEX -> tex();
        };
    }

    private String text() {
        int[] width = new int[header.size()];
        for (List<String> r : all()) for (int c = 0; c < width.length; c++) width[c] = Math.max(width[c], r.get(c).length());
        StringBuilder b = new StringBuilder();
        for (List<String> r : all()) {
            for (int c = 0; c < width.length; c++) {
                String cell = r.get(c);
                String pad = c == width.length - 1 && text.contains(c) ? "" : " ".repeat(width[c] - cell.length());
                b.append(c == 0 ? "" : "  ").append(text.contains(c) ? cell + pad : pad + cell);
            }
            b.append('\n');
        }
        return b.toString();
    }

    private String markdown() {
        StringBuilder b = new StringBuilder();
        line(b, header, "| ", " | ", " |", TextTable::markdownCell);
        for (int c = 0; c < header.size(); c++) b.append(text.contains(c) ? "|---" : "|---:");
        b.append("|\n");
        for (List<String> r : rows) line(b, r, "| ", " | ", " |", TextTable::markdownCell);
        return b.toString();
    }

    private String csv() {
        StringBuilder b = new StringBuilder();
        for (List<String> r : all()) line(b, r, "", ",", "", TextTable::csvCell);
        return b.toString();
    }

    private String tex() {
        StringBuilder b = new StringBuilder("\\begin{tabular}{");
        for (int c = 0; c < header.size(); c++) b.append(text.contains(c) ? 'l' : 'r');
        b.append("}\n\\hline\n");
        line(b, header, "", " & ", " \\\\", TextTable::texCell);
        b.append("\\hline\n");
        for (List<String> r : rows) line(b, r, "", " & ", " \\\\", TextTable::texCell);
        return b.append("\\hline\n\\end{tabular}\n").toString();
    }

    private List<List<String>> all() {
        List<List<String>> out = new ArrayList<>();
        out.add(header);
        out.addAll(rows);
        return out;
    }

    private static void line(StringBuilder b, List<String> cells, String open, String between, String close,
                             java.util.function.UnaryOperator<String> escape) {
        b.append(open);
        for (int c = 0; c < cells.size(); c++) b.append(c == 0 ? "" : between).append(escape.apply(cells.get(c)));
        b.append(close).append('\n');
    }

    static String markdownCell(String s) {
        return s.replace("|", "\\|");
    }

    static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String texCell(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&', '%', '$', '#', '_', '{', '}' -> b.append('\\').append(ch);
                case '\\' -> b.append("\\textbackslash{}");
                case '~' -> b.append("\\textasciitilde{}");
                case '^' -> b.append("\\textasciicircum{}");
                case 'µ' -> b.append("\\textmu{}");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
