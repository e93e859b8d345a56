package epsim.rule;

/**
 * One group of rank-one terms of a rule's gradient estimate: weight layer {@code layer}'s estimate
 * holds coefficient sum_t rows_t columns_t^T (its biases coefficient bias sum_t rows_t: the bias
 * column carries {@code bias}), rows_t the
 * t-th of {@code terms} vectors of the layer above (terms x size(layer + 1)), columns_t of the
 * layer below (terms x size(layer)). What an array that updates itself is handed (docs/update.md).
 */
public record RankOne(int layer, double[] rows, double[] columns, double bias, int terms, double coefficient) {
    /**
     * Where a rule lists its estimate's terms: a list for a chip that updates itself, null (list
     * nothing) for a host-mode chip, which is programmed from the gradient and needs no terms.
     */
    static java.util.List<RankOne> collector(epsim.chip.Chip chip) {
        return chip.updateMode().fromRankOneTerms() ? new java.util.ArrayList<>() : null;
    }

    /** Terms whose bias column carries 1 (the biases change by coefficient sum_t rows_t). */
    public RankOne(int layer, double[] rows, double[] columns, int terms, double coefficient) {
        this(layer, rows, columns, 1, terms, coefficient);
    }
}
