package epsim.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The progress bars of train and sweep: only on a terminal (unless asked), never wider than it. */
final class ProgressBars {
    private ProgressBars() {}

    /** Whether to show a bar: as --[no-]progress says, else when standard output is a terminal. */
    static boolean wanted(Boolean flag) {
        return flag != null ? flag : System.console() != null;
    }

    /**
     * A bar fitting the terminal: $COLUMNS when the shell exports it, else 80, the width every
     * terminal has (the library's own probe of the width does not see through a pipe or a wrapper script).
     */
    static ProgressBar create(String task, long max) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(200).setMaxRenderedLength(columns() - 1).build();
    }

    static int columns() {
        try {
            int c = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80").trim());
            return c >= 40 && c <= 500 ? c : 80;
        } catch (NumberFormatException e) {
            return 80;
        }
    }
}
