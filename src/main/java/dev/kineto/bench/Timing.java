package dev.kineto.bench;

import java.util.Arrays;
import java.util.function.DoubleSupplier;

/** What every bench command measures with: medians of repeated runs after a warm-up, robust on a noisy shared machine. */
final class Timing {
    private Timing() {}

    /** The work being timed. */
    interface Body {
        void run() throws Exception;
    }

    /** Median seconds of body over repeats runs, after one untimed warm-up run. */
    static double medianSeconds(int repeats, Body body) throws Exception {
        body.run();
        double[] seconds = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            body.run();
            seconds[r] = (System.nanoTime() - start) / 1e9;
        }
        return median(seconds);
    }

    /** Median of repeats runs that time themselves (returning seconds, so setup can stay outside), after one warm-up run. */
    static double medianOfTimedRuns(int repeats, DoubleSupplier timedRun) {
        timedRun.getAsDouble();
        double[] seconds = new double[repeats];
        for (int r = 0; r < repeats; r++) seconds[r] = timedRun.getAsDouble();
        return median(seconds);
    }

    /** The middle value (the upper middle of an even count). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
