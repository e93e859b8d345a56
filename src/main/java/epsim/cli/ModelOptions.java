package epsim.cli;

import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** --model and --set, shared by every command that builds a chip. */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "NAME|FILE", defaultValue = "default",
            description = "Hardware model: a preset name (see 'epsim models list') or a .json file (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--set", paramLabel = "SECTION.FIELD=VALUE",
            description = "Override one model field, e.g. --set device.levels=64 (repeatable).")
    List<String> overrides = new ArrayList<>();

    private HardwareModel loaded;

    /**
     * The model, parsed once however often a command asks; the first call says on stderr, in one
     * line each, what the overrides did that the user may not expect.
     */
    HardwareModel load() {
        if (loaded == null) {
            ModelLoader.Loaded l = ModelLoader.loadWithWarnings(model, overrides);
            l.warnings().forEach(w -> System.err.println("epsim: warning: " + w));
            loaded = l.model();
        }
        return loaded;
    }
}
