package epsim.device;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How hard a run uses its devices: the distribution over every device of the chip of the pulses it
 * takes per epoch (analog writes for continuous devices), the fraction worn out so far, and, at the
 * measured per-device rates, the epochs until {@code fraction} of the devices have worn out. Each
 * device wears out at its own endurance N_i (drawn at fabrication) after N_i / r_i epochs, r_i its
 * own rate; the answer is that time's {@code fraction}-quantile over the devices. It assumes the
 * rates stay what they were over the counted examples (early training's updates are larger than
 * late training's, so the figure errs on the short side when counted early).
 *
 * @param devices       devices counted (both of every pair, every layer, weights and biases)
 * @param epochs        epochs the counts cover
 * @param mean          pulses per device per epoch: mean, then quantiles
 * @param untouched     fraction of devices that took no pulse
 * @param worn          fraction of devices past their endurance now
 * @param fraction      the stated fraction of worn devices
 * @param epochsToWear  epochs until that fraction has worn out (+Infinity: never, at these rates, or no wear model)
 * @param limited       whether the devices have an endurance at all
 */
public record WearReport(long devices, double epochs, double mean, double median, double p90, double p99, double max, double untouched,
                         double worn, double fraction, double epochsToWear, boolean limited) {

    /** The worn fraction the reports count epochs to unless told otherwise (`epsim cost --wear-fraction`, run.json). */
    public static final String DEFAULT_FRACTION = "0.01";

    /** The report over {@code all} devices, whose counts cover {@code epochs} epochs. */
    public static WearReport of(List<PulsedDevices> all, double epochs, double fraction) {
        if (!(epochs > 0)) throw new IllegalArgumentException("epochs " + epochs);
        int total = 0;
        for (PulsedDevices d : all) total += d.size();
        double[] rate = new double[total], life = new double[total];
        double sum = 0;
        long worn = 0, untouched = 0;
        boolean limited = false;
        int at = 0;
        for (PulsedDevices d : all) {
            for (int i = 0; i < d.size(); i++, at++) {
                rate[at] = d.taken(i) / epochs;
                sum += rate[at];
                if (d.taken(i) == 0) untouched++;
                if (d.worn(i)) worn++;
                double n = d.endurance(i);
                limited |= Double.isFinite(n);
                // a stuck-at-fabrication device takes no pulses and never wears out: it is already a fault
                life[at] = rate[at] > 0 && Double.isFinite(n) ? n / rate[at] : Double.POSITIVE_INFINITY;
            }
        }
        Arrays.sort(rate);
        Arrays.sort(life);
        return new WearReport(total, epochs, total == 0 ? 0 : sum / total, quantile(rate, 0.5), quantile(rate, 0.9), quantile(rate, 0.99),
                total == 0 ? 0 : rate[total - 1], total == 0 ? 0 : (double) untouched / total, total == 0 ? 0 : (double) worn / total, fraction,
                quantile(life, fraction), limited);
    }

    /** The q-quantile of sorted {@code v} (the value at rank ceil(q n), the first at which a fraction q is reached). */
    static double quantile(double[] v, double q) {
        if (v.length == 0) return Double.NaN;
        int k = (int) Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1));
        return v[k];
    }

    /** One line for a person: the distribution, and the epochs to the stated fraction worn. */
    public String describe() {
        String life = !limited ? "no endurance in the model (device.endurance unlimited): no wear-out"
                : Double.isInfinite(epochsToWear) ? String.format(Locale.ROOT, "%.3g%% of devices never wear out at these rates", 100 * fraction)
                : String.format(Locale.ROOT, "%.4g epochs until %.3g%% of devices wear out", epochsToWear, 100 * fraction);
        return String.format(Locale.ROOT, "pulses per device per epoch: mean %.4g, median %.4g, 90%% %.4g, 99%% %.4g, max %.4g (%.3g%% of %d devices took none); "
                + "%s; worn now %.3g%%", mean, median, p90, p99, max, 100 * untouched, devices, life, 100 * worn);
    }

    /** The figures as run.json writes them. */
    public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
        com.fasterxml.jackson.databind.node.ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        o.put("note", "pulses per device per epoch over every device of the chip (docs/hardware-models.md, \"Wear\"), over the epochs the counts cover");
        o.put("devices", devices);
        o.put("epochs", epochs);
        com.fasterxml.jackson.databind.node.ObjectNode p = o.putObject("pulsesPerDevicePerEpoch");
        p.put("mean", mean).put("median", median).put("p90", p90).put("p99", p99).put("max", max);
        o.put("untouchedFraction", untouched);
        o.put("wornFraction", worn);
        if (limited) {
            o.put("wearFraction", fraction);
            if (Double.isFinite(epochsToWear)) o.put("epochsUntilWearFraction", epochsToWear);
            else o.put("epochsUntilWearFraction", "never at these rates");
        } else {
            o.put("epochsUntilWearFraction", "no endurance in the model");
        }
        return o;
    }
}
