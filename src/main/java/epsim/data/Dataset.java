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
