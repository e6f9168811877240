package dev.kineto.cli;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The CLI's progress on stderr: a bar with an ETA redrawn in place on a terminal, a plain line now and then into a file or pipe. */
final class ProgressBars {
    /** How often a line is written when stderr is not a terminal: a log keeps a few lines a minute, not a redraw each tick. */
    private static final int PLAIN_LINE_MILLIS = 5_000;

    private ProgressBars() {}

    /** A bar over max units of work (unit as in " steps"), for try-with-resources. */
    static ProgressBar start(String task, long max, String unit) {
        var builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII).setUnit(unit, 1);
        if (System.console() == null || !System.console().isTerminal()) {
            builder.setConsumer(new DelegatingProgressBarConsumer(line -> System.err.println(line.strip()))).setUpdateIntervalMillis(PLAIN_LINE_MILLIS);
        }
        return builder.build();
    }
}
