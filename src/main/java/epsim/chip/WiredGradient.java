package epsim.chip;

import epsim.math.LayerParams;

/**
 * The gradient of the chip as built, with its wires (docs/tiles.md). With every array terminal
 * held at a voltage the tiles are reciprocal, so the wired chip is the ideal network of its
 * effective weights: the maps its reads see, W_eff(G), forward and (transposed) backward. A loss's
 * gradient with respect to those, from any of the references, is pulled back through each tile's
 * adjoint ({@link TileCircuit#pullBack}) to the device weights w = (G+ - G-) / gRef a controller
 * programs: the direction that lowers the wired chip's loss. With ideal wires W_eff = w and the
 * pull-back is the identity.
 */
public final class WiredGradient {
    private WiredGradient() {}

    /** The weights and biases the chip's reads see: each tile's solved map, assembled per layer (the device weights with ideal wires). */
    public static LayerParams effectiveWeights(AnalogChip chip) {
        LayerParams map = new LayerParams(chip.topology());
        eachTile(chip, (k, tile) -> tile.map(chip.model().device().gRef(), into(map, k, chip.topology().size(k))));
        return map;
    }

    /** dL/dw of the device weights (push-pull programming), from {@code effectiveGradient} = dL/dW_eff. */
    public static LayerParams pullBack(AnalogChip chip, LayerParams effectiveGradient) {
        LayerParams out = new LayerParams(chip.topology());
        eachTile(chip, (k, tile) -> {
            int inputs = chip.topology().size(k);
            tile.pullBack((row, col) -> row < inputs ? effectiveGradient.w[k][col * inputs + row] : effectiveGradient.b[k][col],
                    into(out, k, inputs));
        });
        return out;
    }

    /** What one tile of weight layer k (0-based) gives. */
    private interface TileVisitor {
        void visit(int k, TileCircuit tile);
    }

    private static void eachTile(AnalogChip chip, TileVisitor visitor) {
        for (int k = 0; k < chip.topology().weightLayers(); k++) {
            int[] tiles = chip.tileCounts(k + 1);
            for (int p = 0; p < tiles[0]; p++) for (int q = 0; q < tiles[1]; q++) visitor.visit(k, chip.tile(k + 1, p, q));
        }
    }

    /** Entries of layer k's matrix (input row, output column) and its bias (row {@code inputs}) into {@code params}. */
    private static TileCircuit.Entries into(LayerParams params, int k, int inputs) {
        return (row, col, v) -> {
            if (row < inputs) params.w[k][col * inputs + row] = v;
            else params.b[k][col] = v;
        };
    }
}
