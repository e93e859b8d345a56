package epsim.cli;

import epsim.common.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

@Command(name = "epsim", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Simulates an analog neuromorphic chip and runs learning rules on it.",
        subcommands = {TrainCommand.class, EvalCommand.class, SweepCommand.class, ServeCommand.class, ExportSpiceCommand.class, TestbenchCommand.class, GradientCommand.class, CostCommand.class, CompareCommand.class, AtlasCommand.class, ConformanceCommand.class, ModelsCommand.class, DevicesCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** The network whose rule defaults --help shows (only learning rates depend on it, and their help says how). */
    private static final epsim.math.Topology HELP_NET = new epsim.math.Topology(1, 1, 1);

    /** Exit code for bad input: a file, a flag, a value. */
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command (see epsim --help)");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI in-process and returns its exit code (tests use this). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (sub.getCommand() instanceof RuleOptions.Command c) c.ruleOptions().register(sub.getCommandSpec(), c.ruleDefaults(HELP_NET));
            if (sub.getCommand() instanceof RunOptions.Command c) c.runOptions().register(sub.getCommandSpec());
        }
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UserError) {
                commandLine.getErr().println("epsim: " + e.getMessage());
                return USAGE;
            }
            commandLine.getErr().println("epsim: internal error: " + e
                    + (System.getenv("EPSIM_DEBUG") == null ? " (set EPSIM_DEBUG=1 for the stack trace)" : ""));
            if (System.getenv("EPSIM_DEBUG") != null) e.printStackTrace(commandLine.getErr());
            return 1;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("epsim: " + e.getMessage() + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            return USAGE;
        });
        return cli.execute(args);
    }

    public static String version() {
        try (InputStream in = Main.class.getResourceAsStream("/epsim/version.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"epsim " + version()};
        }
    }
}
