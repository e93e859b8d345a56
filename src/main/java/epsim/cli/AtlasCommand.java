package epsim.cli;

import epsim.common.AtomicFiles;
import epsim.common.UserError;
import epsim.experiment.Atlas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "atlas", mixinStandardHelpOptions = true,
        description = "The robustness atlas from the sweeps scripts/atlas.sh ran (DIR/FAMILY/RULE/{train,gradient}): a plot per family "
                + "(accuracy and gradient cosine against the varied value, one line per rule), each rule's tolerance and the full tables, "
                + "in DIR/atlas.md and DIR/atlas-*.png; with --grid, the second edition from the sweeps scripts/atlas2.sh ran (DIR/RULE): "
                + "per rule a grid of accuracies with paired comparisons, in DIR/atlas2.md and DIR/atlas2.csv (docs/atlas.md).")
final class AtlasCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The atlas folder scripts/atlas.sh wrote.")
    Path dir;

    @Option(names = "--families", split = ",", paramLabel = "F", description = "Families in this order (default: every folder, by name).")
    List<String> families = List.of();

    @Option(names = "--rules", split = ",", paramLabel = "R", description = "Rules in this order (default: every folder, by name).")
    List<String> rules = List.of();

    @Option(names = "--grid", description = "The second edition: DIR/RULE/sweep.csv, one sweep per rule over a grid and the seeds (scripts/atlas2.sh).")
    boolean grid;

    @Option(names = "--into", paramLabel = "FILE", description = "Also put the tables between FILE's <!-- atlas:begin --> and <!-- atlas:end --> markers "
            + "(with --grid: <!-- NAME:begin --> and <!-- NAME:end -->, NAME from --markers).")
    Path into;

    @Option(names = "--markers", paramLabel = "NAME", defaultValue = "atlas2",
            description = "With --grid --into: the name of FILE's markers the tables go between (default: ${DEFAULT-VALUE}).")
    String markers;

    @Option(names = "--images", paramLabel = "DIR", description = "With --into: copy the plots here, and link them from FILE (default: link them in the atlas folder).")
    Path images;

    @Override
    public Integer call() throws IOException {
        for (String name : families) safeName(name, "--families");
        for (String name : rules) safeName(name, "--rules");
        if (images != null && into == null) throw new UserError("atlas: --images goes with --into");
        if (grid) {
            if (!families.isEmpty() || images != null) throw new UserError("atlas: --grid takes no --families or --images (its tables have no plots)");
            safeName(markers, "--markers");
            List<epsim.experiment.AtlasGrid.Grid> grids = epsim.experiment.AtlasGrid.read(dir, rules);
            epsim.experiment.AtlasGrid.write(dir, grids, into, markers);
            System.out.println("atlas: " + grids.size() + " rules; atlas2.md and atlas2.csv in " + dir + (into != null ? ", the tables in " + into : ""));
            return 0;
        }
        List<Atlas.Family> read = Atlas.read(dir, families, rules);
        Atlas.plots(dir, read);
        AtomicFiles.writeString(dir.resolve("atlas.md"), Atlas.markdown(read, "."));
        System.out.println("atlas: " + read.size() + " families; atlas.md and the plots in " + dir);
        if (into != null) {
            Path imageDir = images != null ? AtomicFiles.folder(images, "--images") : dir;
            if (images != null) {
                for (Atlas.Family f : read) {
                    for (String suffix : List.of(".png", "-cosine.png")) {
                        Path png = dir.resolve("atlas-" + f.name() + suffix);
                        if (Files.isRegularFile(png)) Files.copy(png, imageDir.resolve(png.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Path base = into.toAbsolutePath().getParent();
            String link = base.relativize(imageDir.toAbsolutePath()).toString().replace('\\', '/');
            Atlas.into(into, Atlas.markdown(read, link.isEmpty() ? "." : link));
            System.out.println("atlas: the tables in " + into + (images != null ? ", the plots in " + imageDir : ""));
        }
        return 0;
    }

    /** A family or rule is a folder name inside DIR, never a path. */
    private static void safeName(String name, String flag) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || name.contains("..")) {
            throw new UserError("atlas: " + flag + " " + name + ": expected a folder name (letters, digits, '.', '_', '-')");
        }
    }
}
