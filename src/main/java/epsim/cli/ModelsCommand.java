package epsim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import epsim.model.HardwareModel;
import epsim.model.ModelLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

@Command(name = "models", mixinStandardHelpOptions = true, description = "List and show hardware models.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Show.class})
final class ModelsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list or show");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the bundled hardware-model presets.")
    static final class ListModels implements Runnable {
        @Override
        public void run() {
            for (String name : ModelLoader.presetNames()) {
                HardwareModel m = ModelLoader.load(name, List.of());
                System.out.printf("%-12s %s%n", name, m.description());
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print a hardware model fully resolved (presets, files and --set overrides applied).")
    static final class Show implements Runnable {
        @Parameters(paramLabel = "NAME|FILE", description = "Preset name or path to a model file.")
        String model;

        @CommandLine.Option(names = "--set", paramLabel = "SECTION.FIELD=VALUE", description = "Override a field (repeatable).")
        List<String> overrides = new ArrayList<>();

        @Override
        public void run() {
            ModelLoader.Loaded loaded = ModelLoader.loadWithWarnings(model, overrides);
            loaded.warnings().forEach(w -> System.err.println("epsim: warning: " + w));
            HardwareModel m = loaded.model();
            try {
                System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(ModelLoader.toJson(m)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
