package epsim.testbench;

import epsim.chip.AnalogChip;
import epsim.common.UserError;
import epsim.data.SyntheticBatch;
import epsim.math.LayerParams;
import epsim.math.Topology;
import epsim.model.HardwareModel;
import epsim.reference.Compare;
import epsim.rule.EquilibriumPropagation;
import epsim.spice.Netlist;
import epsim.spice.Ngspice;
import epsim.spice.SpiceChip;

import java.util.ArrayList;
import java.util.List;

/** epsim's chip against ngspice solving the same circuit (docs/spice.md). */
final class SpiceChecks {
    private SpiceChecks() {}

    private static void requireNgspice(Testbench tb) {
        if (!Ngspice.available()) throw new UserError(tb.file() + ": ngspice is not installed (apt-get install -y ngspice)");
    }

    private static List<String> texts(Testbench tb, String key) {
        var a = tb.params().get(key);
        if (a == null || !a.isArray() || a.isEmpty()) throw new UserError(tb.file() + ": params." + key + ": expected a non-empty array of strings");
        List<String> out = new ArrayList<>();
        for (var v : a) {
            if (!v.isTextual()) throw new UserError(tb.file() + ": params." + key + ": expected strings, got " + v);
            out.add(v.asText());
        }
        return out;
    }

    /** Free and nudged equilibria: epsim's relaxation to 1e-13 against ngspice's operating point, per net and transfer curve. */
    static List<Row> equilibrium(Testbench tb) {
        requireNgspice(tb);
        List<Row> rows = new ArrayList<>();
        double beta = tb.rule().beta();
        for (String net : texts(tb, "nets")) {
            Topology t = Topology.parse(net, tb.file() + ": params.nets");
            for (String transfer : texts(tb, "transfers")) {
                HardwareModel m = CheckSupport.model(tb, List.of("neuron.transfer=" + transfer));
                SyntheticBatch d = SyntheticBatch.draw(t, tb.batch(), tb.seed());
                AnalogChip chip = AnalogChip.fabricate(m, t, tb.seed());
                SpiceChip spice = new SpiceChip(m, t, tb.seed());
                double worstFree = 0, worstNudged = 0, spiceSeconds = 0, epsimSeconds = 0;
                for (int phase = 0; phase < 2; phase++) {
                    double b = phase == 0 ? 0 : beta;
                    chip.setInputs(d.inputs(), tb.batch());
                    spice.setInputs(d.inputs(), tb.batch());
                    chip.resetState();
                    chip.setNudge(d.targets(), 0);
                    spice.setNudge(d.targets(), 0);
                    long s0 = System.nanoTime();
                    chip.relax(tb.rule().freeSteps(), tb.rule().tolerance());
                    long s1 = System.nanoTime();
                    spice.relax(1, 0);
                    long s2 = System.nanoTime();
                    if (phase == 0) {
                        spiceSeconds = (s2 - s1) / 1e9;
                        epsimSeconds = warmTime(chip, tb);
                    } else {
                        chip.setNudge(d.targets(), b);
                        spice.setNudge(d.targets(), b);
                        chip.relax(tb.rule().nudgeSteps(), tb.rule().tolerance());
                        spice.relax(1, 0);
                    }
                    double worst = 0;
                    for (int l = 1; l < t.neuronLayers(); l++) {
                        double[] a = chip.read(l), s = spice.read(l);
                        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - s[i]));
                    }
                    if (phase == 0) worstFree = worst;
                    else worstNudged = worst;
                }
                String what = net + " " + transfer + ": max |rho(u) epsim - ngspice| (V), ";
                rows.add(new Row(tb.name(), what + "free", worstFree, tb.bounds().get("maxDifference")));
                rows.add(new Row(tb.name(), what + "nudged (beta " + beta + ")", worstNudged, tb.bounds().get("maxDifference")));
                rows.add(new Row(tb.name(), net + " " + transfer + ": seconds per free equilibrium of the batch, ngspice", spiceSeconds, Bound.REPORT));
                rows.add(new Row(tb.name(), net + " " + transfer + ": seconds per free equilibrium of the batch, epsim", epsimSeconds, Bound.REPORT));
                rows.add(new Row(tb.name(), net + " " + transfer + ": ratio ngspice / epsim", spiceSeconds / Math.max(epsimSeconds, 1e-12), Bound.REPORT));
            }
        }
        return rows;
    }

    /**
     * One tile with resistive wires, epsim's solver against ngspice's operating point of the same
     * netlist: for every tile shape and pair of (row, column) wire resistances, a forward read
     * (random row voltages, columns at 0 V) and a backward read (random column voltages, rows at
     * 0 V); the largest difference of any terminal current of either array, relative to the largest
     * current. Conductances are drawn uniformly over the model's [gMin, gMax] from the seed. The
     * forward read also reports the IR drop: how far the G+ array's column currents fall from the
     * ideal wires' G V, mean and worst over the columns, by epsim and by ngspice. Tiles of more than
     * {@code params.spiceUpTo} devices (default 20000) are solved by epsim alone: ngspice's own time
     * grows fast with them (docs/tiles.md).
     */
    static List<Row> tile(Testbench tb) {
        HardwareModel m = CheckSupport.model(tb, List.of());
        epsim.common.Rng rng = epsim.common.Rng.stream(tb.seed(), "spice-tile");
        List<Row> rows = new ArrayList<>();
        var pairs = tb.params().get("ohms");
        if (pairs == null || !pairs.isArray() || pairs.isEmpty()) throw new UserError(tb.file() + ": params.ohms: expected [[row, column], ...] in ohms");
        var limit = tb.params().get("spiceUpTo");
        if (limit != null && (!limit.canConvertToInt() || limit.asInt() < 0)) throw new UserError(tb.file() + ": params.spiceUpTo: expected an integer >= 0 (devices)");
        int spiceUpTo = limit == null ? 20_000 : limit.asInt();
        for (String shape : texts(tb, "tiles")) {
            String[] rc = shape.split("x");
            int r, c;
            try {
                r = Integer.parseInt(rc[0]);
                c = Integer.parseInt(rc[1]);
            } catch (RuntimeException e) {
                throw new UserError(tb.file() + ": params.tiles: expected ROWSxCOLUMNS such as 16x8, got " + shape);
            }
            if (rc.length != 2 || r < 1 || c < 1 || (long) r * c > 1_048_576) {
                throw new UserError(tb.file() + ": params.tiles: " + shape + ": expected ROWSxCOLUMNS with at most 1024 x 1024 devices");
            }
            boolean spice = (long) r * c <= spiceUpTo;
            if (spice) requireNgspice(tb);
            for (var pair : pairs) {
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isNumber() || !pair.get(1).isNumber()
                        || !(pair.get(0).asDouble() >= 0) || !(pair.get(1).asDouble() >= 0) || pair.get(0).asDouble() > 1e4 || pair.get(1).asDouble() > 1e4) {
                    throw new UserError(tb.file() + ": params.ohms: expected pairs [row, column] of resistances in [0, 1e4], got " + pair);
                }
                double rowOhms = pair.get(0).asDouble(), colOhms = pair.get(1).asDouble();
                epsim.math.WiredArray plus = new epsim.math.WiredArray(r, c, rowOhms, colOhms), minus = new epsim.math.WiredArray(r, c, rowOhms, colOhms);
                for (epsim.math.WiredArray a : new epsim.math.WiredArray[] {plus, minus}) {
                    for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) a.set(i, j, m.device().gMin() + rng.nextDouble() * (m.device().gMax() - m.device().gMin()));
                    a.factor();
                }
                for (boolean forward : new boolean[] {true, false}) {
                    double[] vr = new double[r], vc = new double[c];
                    if (forward) for (int i = 0; i < r; i++) vr[i] = rng.nextDouble();
                    else for (int j = 0; j < c; j++) vc[j] = rng.nextDouble();
                    epsim.spice.TileNetlist.Currents ours;
                    try {
                        ours = epsim.spice.TileNetlist.solved(plus, minus, vr, vc);
                    } catch (UserError e) {
                        throw new UserError(tb.file() + ": the " + shape + " tile at " + rowOhms + " / " + colOhms + " ohm: " + e.getMessage());
                    }
                    String what = shape + " tile, wires " + rowOhms + " / " + colOhms + " ohm, " + (forward ? "forward" : "backward") + " read: ";
                    epsim.spice.TileNetlist.Currents theirs = null;
                    if (spice) {
                        theirs = epsim.spice.TileNetlist.solve(epsim.spice.TileNetlist.of(plus, minus, rowOhms, colOhms, vr, vc, tb.name()), r, c, 3600);
                        rows.add(new Row(tb.name(), what + "max |epsim - ngspice| / max |current|", ours.differenceFrom(theirs), tb.bounds().get("relativeError")));
                    }
                    if (forward) {
                        double[] ideal = new double[c];
                        for (int j = 0; j < c; j++) for (int i = 0; i < r; i++) ideal[j] += plus.conductance(i, j) * vr[i];
                        irDrop(rows, tb, what, "epsim", ideal, ours.colsPlus());
                        if (theirs != null) irDrop(rows, tb, what, "ngspice", ideal, theirs.colsPlus());
                    }
                }
            }
        }
        return rows;
    }

    /** The G+ array's column currents against the ideal wires' G V: mean and worst relative shortfall over the columns. */
    private static void irDrop(List<Row> rows, Testbench tb, String what, String solver, double[] ideal, double[] wired) {
        double sum = 0, worst = 0;
        for (int j = 0; j < ideal.length; j++) {
            double e = (ideal[j] - wired[j]) / ideal[j];
            sum += e;
            worst = Math.max(worst, Math.abs(e));
        }
        rows.add(new Row(tb.name(), what + "IR drop of the column currents (" + solver + "), mean relative", sum / ideal.length, Bound.REPORT));
        rows.add(new Row(tb.name(), what + "IR drop of the column currents (" + solver + "), worst relative", worst, Bound.REPORT));
    }

    /** Mean seconds of epsim's free relaxation after 20 warm-up runs (the first runs time the JIT, not the chip). */
    private static double warmTime(AnalogChip chip, Testbench tb) {
        chip.setNudge(null, 0);
        for (int i = 0; i < 20; i++) {
            chip.resetState();
            chip.relax(tb.rule().freeSteps(), tb.rule().tolerance());
        }
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            chip.resetState();
            chip.relax(tb.rule().freeSteps(), tb.rule().tolerance());
        }
        return (System.nanoTime() - start) / 20e9;
    }

    /** The discrete-time trajectory at small dt against ngspice's transient of the same circuit. */
    static List<Row> transientMatch(Testbench tb) {
        requireNgspice(tb);
        double[] dts = CheckSupport.numbers(tb, "dts", 2);
        double duration = tb.fields().number(tb.params(), "duration", "params.duration", 0, false);
        HardwareModel base = CheckSupport.model(tb, List.of());
        Topology t = tb.net();
        SyntheticBatch d = SyntheticBatch.draw(t, 1, tb.seed());
        AnalogChip ref = AnalogChip.fabricate(base, t, tb.seed());
        LayerParams w = ref.readWeights();
        double tau = base.neuron().tau();
        List<String> nodes = new ArrayList<>();
        for (int l = 1; l < t.neuronLayers(); l++) for (int i = 0; i < t.size(l); i++) nodes.add(Netlist.node("", l, i));
        double[][] start = new double[t.neuronLayers()][];
        for (int l = 1; l < t.neuronLayers(); l++) start[l] = new double[t.size(l)];
        String deck = Netlist.header(base.neuron().transfer(), t, tau, "transient check")
                + Netlist.body("", w, tau, 1, d.inputs(), 0, null, start, true) + Netlist.options();
        List<Row> rows = new ArrayList<>();
        double[] logDt = new double[dts.length], logErr = new double[dts.length];
        for (int k = 0; k < dts.length; k++) {
            double dt = dts[k];
            HardwareModel m = CheckSupport.model(tb, List.of("neuron.dt=" + dt));
            AnalogChip chip = AnalogChip.withWeights(m, w, tb.seed());
            chip.setInputs(d.inputs(), 1);
            chip.resetState();
            int steps = (int) Math.round(duration / dt);
            List<double[]> spice = Ngspice.transientRun(deck, dt, steps * dt, nodes);
            double worst = 0;
            for (int s = 1; s <= steps; s++) {
                chip.relax(1, 0);
                double time = s * dt;
                double[] row = nearest(spice, time);
                if (row == null) continue;
                int c = 1;
                for (int l = 1; l < t.neuronLayers(); l++) {
                    double[] r = chip.read(l);
                    for (int i = 0; i < r.length; i++) worst = Math.max(worst, Math.abs(r[i] - base.neuron().transfer().rho(row[c++])));
                }
            }
            rows.add(new Row(tb.name(), "dt = tau * " + (dt / tau) + ": max |rho(u) epsim - ngspice| over " + steps + " steps (V)",
                    worst, k == dts.length - 1 ? tb.bounds().get("maxDifference") : Bound.REPORT));
            logDt[k] = Math.log(dt);
            logErr[k] = Math.log(worst);
        }
        rows.add(new Row(tb.name(), "log-log slope of the error over dt (Euler is first order)", CheckSupport.slope(logDt, logErr), tb.bounds().get("order")));
        return rows;
    }

    private static double[] nearest(List<double[]> rows, double time) {
        double[] best = null;
        double gap = Double.POSITIVE_INFINITY;
        for (double[] r : rows) {
            double g = Math.abs(r[0] - time);
            if (g < gap) {
                gap = g;
                best = r;
            }
        }
        return gap <= 1e-6 * time + 1e-15 ? best : null;
    }

    /** EP's update computed from ngspice equilibria against the same update on epsim's chip. */
    static List<Row> epUpdate(Testbench tb) {
        requireNgspice(tb);
        HardwareModel m = CheckSupport.model(tb, List.of());
        SyntheticBatch d = SyntheticBatch.draw(tb.net(), tb.batch(), tb.seed());
        LayerParams onChip = new EquilibriumPropagation(tb.rule(), tb.seed()).estimate(AnalogChip.fabricate(m, tb.net(), tb.seed()),
                d.inputs(), d.targets(), tb.batch()).gradient();
        LayerParams onSpice = new EquilibriumPropagation(tb.rule(), tb.seed()).estimate(new SpiceChip(m, tb.net(), tb.seed()),
                d.inputs(), d.targets(), tb.batch()).gradient();
        List<Row> rows = new ArrayList<>();
        for (int k = 0; k < tb.net().weightLayers(); k++) {
            rows.add(new Row(tb.name(), "layer " + (k + 1) + ": EP update from ngspice equilibria vs from epsim's, relative error",
                    Compare.relativeError(onSpice.layerVector(k), onChip.layerVector(k)), tb.bounds().get("relativeError")));
        }
        return rows;
    }
}
