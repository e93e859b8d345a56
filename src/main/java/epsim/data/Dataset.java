package epsim.data;

/**
 * Labelled images, pixels scaled to [0, 1] (byte / 255), row-major, one image per row.
 */
public record Dataset(String name, int count, int pixels, double[] images, int[] labels) {
    public int classes() {
        int max = -1;
        for (int l : labels) max = Math.max(max, l);
        return max + 1;
    }

    /** Copies image {@code index} into {@code out} at {@code offset}. */
    public void copyImage(int index, double[] out, int offset) {
        System.arraycopy(images, index * pixels, out, offset, pixels);
    }

    /** Images (batch x pixels) and one-hot targets (batch x outputs) of some examples. */
    public record Examples(double[] inputs, double[] targets) {}

    /**
     * Examples {@code order[from] .. order[from + size - 1]} ({@code from .. from + size - 1} when
     * {@code order} is null), with one-hot targets {@code outputs} wide: a batch for a chip.
     */
    public Examples examples(int[] order, int from, int size, int outputs) {
        double[] x = new double[size * pixels];
        double[] y = new double[size * outputs];
        for (int s = 0; s < size; s++) {
            int index = order == null ? from + s : order[from + s];
            copyImage(index, x, s * pixels);
            y[s * outputs + labels[index]] = 1;
        }
        return new Examples(x, y);
    }

    /** The first {@code n} examples (for quick runs and tests). */
    public Dataset head(int n) {
        if (n >= count) return this;
        double[] im = new double[n * pixels];
        System.arraycopy(images, 0, im, 0, im.length);
        int[] lb = new int[n];
        System.arraycopy(labels, 0, lb, 0, n);
        return new Dataset(name, n, pixels, im, lb);
    }
}
