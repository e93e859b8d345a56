package epsim.spice;

import epsim.common.UserError;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.TransferCurve;

import java.util.Locale;

/**
 * The chip as a SPICE netlist, one example at a time (docs/spice.md). Units are normalised: each
 * neuron is a node whose voltage is its membrane potential u, with a 1-ohm leak to ground and a
 * capacitor of tau farads (time constant tau); the synapses and the nudge are one behavioural
 * current source per neuron injecting
 * <pre>
 *   I = rho'(u) ( sum_j W_ij rho(u_j^below) + b_i + gain sum_k W_ki rho(u_k^above) )  [- beta rho'(u) (rho(u) - y)]
 * </pre>
 * so that tau du/dt = -u + I is the chip's leaky integrator in continuous time. Inputs are voltage
 * sources holding the DAC outputs (layer 1 sees them directly, as rho_0 = x).
 */
public final class Netlist {
    private Netlist() {}

    /** Node name of neuron i of layer l (1..L) in the copy named {@code prefix}. */
    public static String node(String prefix, int l, int i) {
        return prefix + "n" + l + "_" + i;
    }

    /**
     * A text as one comment line's content. Texts from model files and paths are data: a newline
     * in them would start a card (a .control block can run a shell command inside ngspice), so
     * every character outside printable ASCII becomes a space, a trailing backslash (a line
     * continuation in some SPICE dialects) is dropped, and the line is cut at 200 characters.
     */
    public static String comment(String text) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < 200; i++) {
            char c = text.charAt(i);
            b.append(c >= 0x20 && c <= 0x7e ? c : ' ');
        }
        int end = b.length();
        while (end > 0 && (b.charAt(end - 1) == '\\' || b.charAt(end - 1) == ' ')) end--;
        return b.substring(0, end);
    }

    /** Title line (a comment, see {@link #comment}), the transfer curve's functions. */
    public static String header(TransferCurve f, Topology t, double tau, String title) {
        StringBuilder s = new StringBuilder();
        s.append("* ").append(comment(title)).append('\n');
        s.append("* epsim chip ").append(t).append(", transfer ").append(f.jsonName).append(", tau ").append(num(tau)).append(" s\n");
        switch (f) {
            case SIGMOID -> s.append(".func rho(x) {1/(1+exp(-x))}\n.func drho(x) {rho(x)*(1-rho(x))}\n");
            case TANH -> s.append(".func rho(x) {tanh(x)}\n.func drho(x) {1-tanh(x)*tanh(x)}\n");
            case HARD_SIGMOID -> s.append(".func rho(x) {min(max(x,0),1)}\n.func drho(x) {(x>=0 && x<=1) ? 1 : 0}\n");
        }
        return s.toString();
    }

    /** Tight tolerances: the comparisons with epsim are at the 1e-9 V level. */
    public static String options() {
        return ".options reltol=1e-10 abstol=1e-15 vntol=1e-13 gmin=1e-20 itl1=1000 itl4=200\n";
    }

    /** Looser tolerances for settling transients: at reltol 1e-10 the step control crawls (~1e-9 tau per step). */
    public static String settlingOptions() {
        return ".options reltol=1e-7 abstol=1e-12 vntol=1e-9 gmin=1e-20 itl4=200\n";
    }

    /**
     * One example's copy of the network, its nodes prefixed with {@code prefix}.
     *
     * @param x           inputs of the example (size(0))
     * @param target      output target, or null when beta = 0
     * @param initial     membrane potentials to start from ([l][i]), or null
     * @param forTransient true: {@code initial} becomes .ic (a transient's start); false: .nodeset (an operating point's first guess)
     */
    public static String body(String prefix, LayerParams p, double tau, double gain, double[] x, double beta,
                              double[] target, double[][] initial, boolean forTransient) {
        return body(prefix, p, tau, gain, x, beta, target, initial, forTransient, false);
    }

    /**
     * As above; with {@code foldInputs} the clamped input layer's current W_1 x + b_1 enters each
     * first-layer neuron as one constant instead of size(0) voltage sources and products (the
     * same exact shortcut the chip takes), which keeps a 784-input netlist small.
     */
    public static String body(String prefix, LayerParams p, double tau, double gain, double[] x, double beta,
                              double[] target, double[][] initial, boolean forTransient, boolean foldInputs) {
        Topology t = p.topology;
        int layers = t.weightLayers();
        StringBuilder s = new StringBuilder();
        for (int j = 0; j < t.inputSize() && !foldInputs; j++) {
            s.append("V").append(prefix).append("in").append(j).append(' ').append(prefix).append("in").append(j).append(" 0 ").append(num(x[j])).append('\n');
        }
        for (int l = 1; l <= layers; l++) {
            int n = t.size(l), below = t.size(l - 1);
            for (int i = 0; i < n; i++) {
                String node = node(prefix, l, i);
                s.append("C").append(node).append(' ').append(node).append(" 0 ").append(num(tau)).append('\n');
                s.append("R").append(node).append(' ').append(node).append(" 0 1\n");
                StringBuilder drive = new StringBuilder();
                if (l == 1 && foldInputs) {
                    double constant = p.b[0][i];
                    for (int j = 0; j < below; j++) constant += x[j] * p.w[0][i * below + j];
                    drive.append(num(constant));
                } else {
                    drive.append(num(p.b[l - 1][i]));
                }
                for (int j = 0; j < below && !(l == 1 && foldInputs); j++) {
                    double w = p.w[l - 1][i * below + j];
                    if (w == 0) continue;
                    drive.append('+').append(num(w)).append('*').append(l == 1 ? "V(" + prefix + "in" + j + ")" : "rho(V(" + node(prefix, l - 1, j) + "))");
                }
                if (l < layers && gain != 0) {
                    int above = t.size(l + 1);
                    for (int k = 0; k < above; k++) {
                        double w = gain * p.w[l][k * n + i];
                        if (w == 0) continue;
                        drive.append('+').append(num(w)).append("*rho(V(").append(node(prefix, l + 1, k)).append("))");
                    }
                }
                String u = "V(" + node + ")";
                s.append("B").append(node).append(" 0 ").append(node).append(" I={drho(").append(u).append(")*(").append(drive);
                if (l == layers && beta != 0) {
                    s.append('-').append(num(beta)).append("*(rho(").append(u).append(")-").append(num(target[i])).append(')');
                }
                s.append(")}\n");
            }
        }
        if (initial != null) {
            StringBuilder ic = new StringBuilder(forTransient ? ".ic" : ".nodeset");
            for (int l = 1; l <= layers; l++) {
                for (int i = 0; i < t.size(l); i++) ic.append(" V(").append(node(prefix, l, i)).append(")=").append(num(initial[l][i]));
            }
            s.append(ic).append('\n');
        }
        return s.toString();
    }

    /** A number for a card: only finite numbers ever reach a netlist. */
    public static String num(double v) {
        if (!Double.isFinite(v)) throw new UserError("netlist: the value " + v + " cannot go on a SPICE card (not finite)");
        return String.format(Locale.ROOT, "%.17g", v);
    }
}
