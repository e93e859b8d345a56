package epsim.chip;

import epsim.math.LayerParams;
import epsim.math.Topology;

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
        Topology t = chip.topology();
        LayerParams map = new LayerParams(t);
        for (int k = 0; k < t.weightLayers(); k++) {
            int inputs = t.size(k), layer = k;
            int[] tiles = chip.tileCounts(k + 1);
            for (int p = 0; p < tiles[0]; p++) {
                for (int q = 0; q < tiles[1]; q++) {
                    chip.tile(k + 1, p, q).map(chip.model().device().gRef(), (row, col, v) -> {
                        if (row < inputs) map.w[layer][col * inputs + row] = v;
                        else map.b[layer][col] = v;
                    });
                }
            }
        }
        return map;
    }

    /** dL/dw of the device weights (push-pull programming), from {@code effectiveGradient} = dL/dW_eff. */
    public static LayerParams pullBack(AnalogChip chip, LayerParams effectiveGradient) {
        Topology t = chip.topology();
        LayerParams out = new LayerParams(t);
        for (int k = 0; k < t.weightLayers(); k++) {
            int inputs = t.size(k), layer = k;
            int[] tiles = chip.tileCounts(k + 1);
            TileCircuit.Gradient g = (row, col) -> row < inputs ? effectiveGradient.w[layer][col * inputs + row] : effectiveGradient.b[layer][col];
            for (int p = 0; p < tiles[0]; p++) {
                for (int q = 0; q < tiles[1]; q++) {
                    chip.tile(k + 1, p, q).pullBack(g, (row, col, v) -> {
                        if (row < inputs) out.w[layer][col * inputs + row] = v;
                        else out.b[layer][col] = v;
                    });
                }
            }
        }
        return out;
    }
}
