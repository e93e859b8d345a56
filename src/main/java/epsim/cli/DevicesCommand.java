package epsim.cli;

import epsim.common.AtomicFiles;
import epsim.common.UserError;
import epsim.device.PulsePlots;
import epsim.device.PulseResponse;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

@Command(name = "devices", mixinStandardHelpOptions = true, description = "Look at a hardware model's devices.",
        subcommands = {DevicesCommand.Pulse.class, DevicesCommand.Fit.class})
final class DevicesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: pulse or fit");
    }

    @Command(name = "pulse", mixinStandardHelpOptions = true,
            description = "Simulate pulse trains on a population of the model's devices, as a device characterisation would measure them "
                    + "(docs/hardware-models.md): writes pulses.csv (conductance after every pulse), steps.csv (the step up and down against "
                    + "conductance, mean and spread), ramps.png and steps.png, and prints the measured steps beside the model's nominal one.")
    static final class Pulse implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "NAME|FILE", description = "Preset name or path to a model file.")
        String model;

        @Option(names = "--set", paramLabel = "SECTION.FIELD=VALUE", description = "Override a model field (repeatable).")
        List<String> overrides = new java.util.ArrayList<>();

        @Option(names = "--devices", defaultValue = "100", paramLabel = "N", description = "Devices (default: ${DEFAULT-VALUE}).")
        int devices;

        @Option(names = "--pulses", paramLabel = "P", description = "Pulses per ramp (ramps) or in all (alternating, random); default: "
                + "twice the model's levels, enough to cross the whole range.")
        Integer pulses;

        @Option(names = "--cycles", defaultValue = "2", paramLabel = "C", description = "ramps: up-then-down cycles (default: ${DEFAULT-VALUE}).")
        int cycles;

        @Option(names = "--train", defaultValue = "ramps", paramLabel = "KIND", description = "ramps (from the low bound, P up then P down, C times), "
                + "alternating (from mid-range, up and down in turn) or random (from mid-range, random polarity) (default: ${DEFAULT-VALUE}).")
        String train;

        @Option(names = "--bins", defaultValue = "20", paramLabel = "B", description = "Conductance bins of steps.csv and steps.png (default: ${DEFAULT-VALUE}).")
        int bins;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of fabrication and pulse noise (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the files.")
        Path out;

        @Override
        public Integer call() {
            epsim.model.ModelLoader.Loaded loaded = epsim.model.ModelLoader.loadWithWarnings(model, overrides);
            loaded.warnings().forEach(w -> System.err.println("epsim: warning: " + w));
            HardwareModel m = loaded.model();
            HardwareModel.Device d = m.device();
            PulseResponse.Train kind = PulseResponse.Train.parse(train, "--train");
            if (devices < 1 || devices > 100_000) throw new UserError("--devices " + devices + ": expected 1..100000");
            if (cycles < 1 || cycles > 1000) throw new UserError("--cycles " + cycles + ": expected 1..1000");
            if (bins < 1 || bins > 1000) throw new UserError("--bins " + bins + ": expected 1..1000");
            if (d.continuous()) throw new UserError("devices pulse: model " + m.name() + " has continuous devices (device.levels \"ideal\"): they take analog writes, not pulses");
            int p = pulses != null ? pulses : (int) Math.min(1_000_000, 2L * d.levels());
            if (p < 1 || p > 1_000_000) throw new UserError("--pulses " + p + ": expected 1..1000000");
            List<PulseResponse.Pulse> trace = PulseResponse.simulate(d, devices, p, cycles, kind, seed);
            Path dir = AtomicFiles.folder(out, "--out"); // only once the input is known good: nothing on disk otherwise
            List<PulseResponse.Bin> binned = PulseResponse.binned(trace, bins, d.gMin(), d.gMax());
            StringBuilder csv = new StringBuilder("device,ramp,pulse,polarity,conductance_uS\n");
            int lastDevice = -1, lastRamp = -1;
            for (PulseResponse.Pulse x : trace) {
                if (x.device() != lastDevice || x.ramp() != lastRamp) { // each ramp opens with the conductance before its first pulse
                    csv.append(x.device()).append(',').append(x.ramp()).append(",0,").append(x.up() ? "up" : "down").append(',').append(x.before()).append('\n');
                    lastDevice = x.device();
                    lastRamp = x.ramp();
                }
                csv.append(x.device()).append(',').append(x.ramp()).append(',').append(x.pulse() + 1).append(',').append(x.up() ? "up" : "down")
                        .append(',').append(x.after()).append('\n');
            }
            AtomicFiles.writeString(dir.resolve("pulses.csv"), csv.toString());
            StringBuilder steps = new StringBuilder("conductance_uS,mean_up_uS,std_up_uS,count_up,mean_down_uS,std_down_uS,count_down\n");
            for (PulseResponse.Bin b : binned) {
                steps.append(String.format(Locale.ROOT, "%.6g,%.6g,%.6g,%d,%.6g,%.6g,%d%n", b.center(), b.meanUp(), b.stdUp(), b.countUp(),
                        b.meanDown(), b.stdDown(), b.countDown()));
            }
            AtomicFiles.writeString(dir.resolve("steps.csv"), steps.toString());
            String title = m.name() + ": " + kind.label + ", " + devices + " devices, seed " + seed;
            PulsePlots.ramps(dir.resolve("ramps.png"), title, trace, Math.min(5, devices));
            PulsePlots.steps(dir.resolve("steps.png"), title, binned);
            // the mean step away from the bounds: one bin over the pulses that start more than one nominal step inside their
            // device's own bounds in their direction (a pulse into the bound is clipped, and a ramp spends many there)
            PulseResponse.Bin away = PulseResponse.binned(trace.stream().filter(x -> !x.nearBound()).toList(), 1, d.gMin(), d.gMax()).get(0);
            System.out.printf(Locale.ROOT, "%s: %d devices, %d pulses; nominal step %.4g µS (%d levels over %.4g..%.4g µS)%n", m.name(), devices,
                    trace.size(), d.step(), d.levels(), d.gMin(), d.gMax());
            System.out.printf(Locale.ROOT, "steps up:   mean %.4g µS, std %.4g µS over %d pulses away from the bounds%n", away.meanUp(), away.stdUp(),
                    away.countUp());
            System.out.printf(Locale.ROOT, "steps down: mean %.4g µS, std %.4g µS over %d pulses away from the bounds (magnitudes)%n", away.meanDown(),
                    away.stdDown(), away.countDown());
            System.out.println("wrote " + dir.resolve("pulses.csv") + ", steps.csv, ramps.png, steps.png");
            return 0;
        }

    }

    @Command(name = "fit", mixinStandardHelpOptions = true,
            description = "Fit a device model to pulse data in the layout of 'devices pulse' (pulses.csv; docs/hardware-models.md): writes fitted.json "
                    + "(the base model with the fitted device section), fit.txt (every parameter with its standard error, the fit's quality, what "
                    + "the data could not identify) and fit.png (measured against fitted steps).")
    static final class Fit implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "DATA", arity = "0..1", description = "Pulse data: device,ramp,pulse,polarity,conductance_uS per line.")
        Path data;

        @Option(names = "--up-ramps", paramLabel = "FILE", description = "Instead of DATA, the wide layout: one ramp of identical up pulses per column "
                + "(a header row naming them, then one row per pulse), with --down-ramps.")
        Path upRamps;

        @Option(names = "--down-ramps", paramLabel = "FILE", description = "The wide layout's ramps of down pulses.")
        Path downRamps;

        @Option(names = "--read-voltage", defaultValue = "0", paramLabel = "V", description = "Wide layout: the values are currents (A) read at V volts; "
                + "0: they are conductances in siemens (default: ${DEFAULT-VALUE}).")
        double readVoltage;

        @Option(names = "--response", defaultValue = "auto", paramLabel = "KIND", description = "linearStep (soft bounds are its slope 1), power, lookup "
                + "(tables over conductance) or auto (the parametric two, keeping the better R^2) (default: ${DEFAULT-VALUE}).")
        String response;

        @Option(names = "--base", defaultValue = "default", paramLabel = "NAME|FILE", description = "The model whose other sections (and the "
                + "device's read noise, faults and drift) the fitted model keeps (default: ${DEFAULT-VALUE}).")
        String base;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the files.")
        Path out;

        @Override
        public Integer call() throws java.io.IOException {
            HardwareModel.Response kind = response.equals("auto") ? null : epsim.common.JsonName.lookup(HardwareModel.Response.class, response);
            if (kind == null && !response.equals("auto")) throw new UserError("--response " + response + ": expected linearStep, power, lookup or auto");
            ModelLoader.load(base, List.of()); // a bad base is refused before any work
            if ((data == null) == (upRamps == null || downRamps == null) || (upRamps == null) != (downRamps == null)) {
                throw new UserError("devices fit: give DATA, or --up-ramps and --down-ramps (the wide layout), not both");
            }
            List<epsim.device.PulseData.Step> steps = data != null ? epsim.device.PulseData.read(data)
                    : epsim.device.PulseData.readWide(upRamps, downRamps, readVoltage);
            String name = data != null ? data.getFileName().toString() : upRamps.getFileName() + " and " + downRamps.getFileName();
            epsim.device.DeviceFit.Fit f = epsim.device.DeviceFit.fit(steps, kind);
            epsim.model.HardwareModel fitted = ModelLoader.load(base, epsim.device.DeviceFit.overrides(f));
            List<String> report = report(f);
            report.addAll(epsim.device.DeviceFit.comparison(steps, f));
            Path dir = AtomicFiles.folder(out, "--out");
            com.fasterxml.jackson.databind.node.ObjectNode json = ModelLoader.toJson(fitted);
            json.put("name", "fitted");
            json.put("description", "Fitted by epsim devices fit from " + name + " (" + f.response().jsonName + ", " + f.devices()
                    + " devices, " + f.pulses() + " pulses); the other sections are " + base + "'s.");
            json.put("source", String.join(" ", report));
            AtomicFiles.writeString(dir.resolve("fitted.json"),
                    new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
            AtomicFiles.writeString(dir.resolve("fit.txt"), String.join("\n", report) + "\n");
            PulsePlots.fit(dir.resolve("fit.png"), "fit of " + name, PulseResponse.binnedSteps(steps, 20, f.gMin(), f.gMax()), f);
            PulsePlots.replay(dir.resolve("fit-ramps.png"), "measured ramps and the fitted model (" + f.response().jsonName + ")", steps, fitted.device(),
                    1, 4 * Math.max(2, f.levels()));
            report.forEach(System.out::println);
            System.out.println("wrote " + dir.resolve("fitted.json") + ", fit.txt, fit.png, fit-ramps.png");
            return 0;
        }

        private static List<String> report(epsim.device.DeviceFit.Fit f) {
            List<String> r = new java.util.ArrayList<>();
            r.add(String.format(Locale.ROOT, "data: %d devices, %d pulses, %d of them away from the bounds and fitted", f.devices(), f.pulses(), f.used()));
            r.add(String.format(Locale.ROOT, "response %s; bounds %.4g .. %.4g uS; nominal step %s uS (levels %d)", f.response().jsonName, f.gMin(), f.gMax(),
                    f.step(), f.levels()));
            r.add("gammaUp " + f.gammaUp() + ", gammaDown " + f.gammaDown() + ", upDown " + f.upDown());
            r.add("writeNoise " + f.writeNoise() + " steps (cycle to cycle); stepDtod " + f.stepDtod() + ", upDownDtod " + f.upDownDtod()
                    + ", boundsDtod " + f.boundsDtod() + " (device to device)");
            r.add(String.format(Locale.ROOT, "quality: R^2 %.4f of the mean-step curve over the pulses fitted (the rest is cycle-to-cycle noise); binned mean "
                    + "steps within %.3g s (rms) of the curve", f.rSquared(), f.binnedError()));
            r.addAll(f.notes());
            r.addAll(epsim.device.DeviceFit.clamped(f));
            return r;
        }
    }
}
