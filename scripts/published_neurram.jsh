// The published-chip comparison of docs/cost.md, section 7: one NeuRRAM core doing one
// matrix-vector multiplication (128 signed 4-bit inputs x 256 outputs, 6-bit outputs), as epsim
// counts and prices it with hardware-models/published/neurram-core.json.
//   jshell --class-path target/epsim.jar scripts/published_neurram.jsh
import epsim.chip.*;
import epsim.cost.EventCost;
import epsim.math.*;
import epsim.model.*;
import java.util.*;

// 4-bit signed values -7..7 with the bell-shaped histogram the CiMLoop transcription reads off the paper's Fig. 7e
int[] hist = {5, 5, 6, 6, 7, 7, 8, 8, 8, 7, 7, 6, 6, 5, 5};
Random random = new Random(1);
double draw() {
    int total = Arrays.stream(hist).sum(), r = random.nextInt(total), i = 0;
    while (r >= hist[i]) r -= hist[i++];
    return (i - 7) / 7.0;
}

HardwareModel m = ModelLoader.load("hardware-models/published/neurram-core.json", List.of());
Topology t = new Topology(128, 256);
LayerParams w = new LayerParams(t);
for (int i = 0; i < w.w[0].length; i++) w.w[0][i] = draw(); // weights in [-1, 1]: G+- = 2.5 +- 1.5 W uS
AnalogChip chip = AnalogChip.withWeights(m, w, 1);
int batch = 100;
double[] x = new double[batch * 128];
for (int i = 0; i < x.length; i++) x[i] = draw();
chip.resetCounters();
chip.setInputs(x, batch);
chip.resetState();
chip.relax(1, 0); // one integration step: the rows conduct for readPulse, every output integrates once
chip.read(1);     // every output converted once
ChipCounters c = chip.counters();
EventCost.Figures f = EventCost.of(m, t, c, 0).per(batch);
double ops = 2.0 * 128 * 256; // a multiply and an add per weight, as the paper counts operations
System.out.printf(Locale.ROOT, "per matrix-vector multiplication: crossbar %.4g J, ADC %.4g J, neurons %.4g J, DAC %.4g J, total %.4g J%n",
        f.energy().crossbar(), f.energy().adc(), f.energy().neurons(), f.energy().dac(), f.energy().total());
System.out.printf(Locale.ROOT, "per operation: crossbar %.2f fJ, neuron side (ADC + integrators) %.2f fJ, total %.2f fJ = %.1f TOPS/W%n",
        1e15 * f.energy().crossbar() / ops, 1e15 * (f.energy().adc() + f.energy().neurons()) / ops, 1e15 * f.energy().total() / ops,
        ops / f.energy().total() / 1e12);
System.out.printf(Locale.ROOT, "latency %.3g s (integration %.3g, ADC %.3g); area %.4g mm^2 (cells %.4g, neurons %.4g)%n",
        f.latency().total(), f.latency().integration(), f.latency().adc(),
        EventCost.area(m, t, 1, false).total() * 1e-6, EventCost.area(m, t, 1, false).crossbar() * 1e-6, EventCost.area(m, t, 1, false).neurons() * 1e-6);
// what the differences come from: the mean device conductance and the input coding
double meanAbs = 0, meanSq = 0;
for (double v : w.w[0]) meanAbs += Math.abs(v) / w.w[0].length;
for (double v : x) meanSq += v * v / x.length;
double inAbs = 0;
for (double v : x) inAbs += Math.abs(v) / x.length;
System.out.printf(Locale.ROOT, "mean device conductance: epsim's centred pairs 2.5 uS, one device at gMin (NeuRRAM's magnitude coding) %.3f uS; inputs E[x^2] %.4f, E|x| %.4f%n",
        1 + 1.5 * meanAbs, meanSq, inAbs);
/exit
