package epsim.rule;

/**
 * One group of rank-one terms of a rule's gradient estimate: weight layer {@code layer}'s estimate
 * holds coefficient sum_t rows_t columns_t^T (its biases coefficient sum_t rows_t), rows_t the
 * t-th of {@code terms} vectors of the layer above (terms x size(layer + 1)), columns_t of the
 * layer below (terms x size(layer)). What an array that updates itself is handed (docs/update.md).
 */
public record RankOne(int layer, double[] rows, double[] columns, int terms, double coefficient) {}
