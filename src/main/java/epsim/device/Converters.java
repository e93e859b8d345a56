package epsim.device;

import epsim.common.Rng;
import epsim.model.HardwareModel;

/**
 * The chip's periphery: input DACs and read-out ADCs. Each clips to its range, then quantizes
 * uniformly with 2^bits levels spanning it ({@link HardwareModel#IDEAL} bits: clipping only). An
 * ADC with input-referred noise (periphery.adcNoise) adds a fresh Gaussian to every conversion first.
 */
public final class Converters {
    private final HardwareModel.Periphery io;

    public Converters(HardwareModel.Periphery io) {
        this.io = io;
    }

    /** The voltage a DAC applies when asked for {@code v}. */
    public double dac(double v) {
        return quantize(v, io.dacMin(), io.dacMax(), io.dacBits());
    }

    /** What an ADC reports for the voltage {@code v}. */
    public double adc(double v) {
        return quantize(v, io.adcMin(), io.adcMax(), io.adcBits());
    }

    /** {@link #adc} of every value, in place; returns {@code voltages}. Only a noise-free ADC converts without a noise source. */
    public double[] adcAll(double[] voltages) {
        if (io.adcNoise() > 0) throw new IllegalStateException("a noisy ADC converts with a noise source");
        return adcAll(voltages, null);
    }

    /** {@link #adc} of every value plus, with adcNoise, a Gaussian from {@code noise} each; in place. */
    public double[] adcAll(double[] voltages, Rng noise) {
        double sigma = io.adcNoise();
        for (int i = 0; i < voltages.length; i++) voltages[i] = adc(sigma > 0 ? voltages[i] + sigma * noise.nextGaussian() : voltages[i]);
        return voltages;
    }

    /** Clips to [low, high], then a uniform quantizer with 2^bits levels spanning it. */
    public static double quantize(double v, double low, double high, int bits) {
        double c = v < low ? low : (v > high ? high : v);
        if (bits == HardwareModel.IDEAL) return c;
        double levels = (1L << bits) - 1;
        return low + Math.rint((c - low) / (high - low) * levels) / levels * (high - low);
    }
}
