package epsim.cost;

import epsim.math.Topology;
import epsim.model.HardwareModel;

/**
 * The same network trained by backprop on a digital accelerator, costed at the model's own
 * per-operation energies (docs/cost.md): multiply-accumulates at {@code macEnergy}, 32-bit SRAM
 * accesses at {@code memoryEnergy}, one MAC at a time at {@code macSeconds} (divide by an
 * accelerator's parallelism for its latency). With F = sum_k n_k n_{k+1} the synapses, P the
 * weights and biases, A = sum_l n_l the activations and B the batch, per sample:
 * <pre>
 *   inference MACs   P                                  (F products and the bias adds)
 *   training MACs    P + (F - n_0 n_1 + 2 A_free) + P + 2P / B
 *                    (forward; backward: W^T delta above layer 1 and error x slope; the gradient's
 *                     outer products and bias sums; the update, lr x gradient added to the weight)
 *   inference words  P / B + 2A                         (each weight fetched once per batch; activations written and read)
 *   training words   7P / B + 2A + 2 A_free             (per batch: weights read forward and backward, gradient
 *                                                        written, then weight and gradient read and weight written
 *                                                        twice over; per sample: activations and deltas)
 * </pre>
 * A_free counts the neurons of layers 1..L, A adds the inputs.
 */
public final class DigitalBaseline {
    private DigitalBaseline() {}

    /** Multiply-accumulates and memory words of one sample. */
    public record Work(double macs, double words) {}

    public static Work inference(Topology t, int batch) {
        long parameters = t.parameterCount();
        return new Work(parameters, (double) parameters / batch + 2.0 * activations(t));
    }

    public static Work training(Topology t, int batch) {
        long synapses = synapses(t), parameters = t.parameterCount(), free = t.freeNeurons();
        double forward = parameters;                                            // F products and the bias adds
        double backward = synapses - (long) t.size(0) * t.size(1) + 2.0 * free; // W^T delta above layer 1, error x slope
        double gradient = parameters;                                           // delta x activation outer products, bias sums
        double update = 2.0 * parameters / batch;
        double words = 7.0 * parameters / batch + 2.0 * activations(t) + 2.0 * free;
        return new Work(forward + backward + gradient + update, words);
    }

    /** The energy (J) and time (s, one MAC at a time) of {@code w} at the model's constants. */
    public static double[] energyAndLatency(HardwareModel m, Work w) {
        HardwareModel.Cost c = m.cost();
        return new double[] {w.macs() * c.macEnergy() * 1e-12 + w.words() * c.memoryEnergy() * 1e-12, w.macs() * c.macSeconds()};
    }

    private static long synapses(Topology t) {
        long n = 0;
        for (int k = 0; k < t.weightLayers(); k++) n += (long) t.size(k) * t.size(k + 1);
        return n;
    }

    private static long activations(Topology t) {
        return t.freeNeurons() + t.inputSize();
    }
}
