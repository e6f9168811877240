package dev.kineto.bench;

import dev.kineto.evaluation.scores.Evaluator;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Split;
import dev.kineto.world.World;
import dev.kineto.world.WorldClip;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `kineto bench eval`: evaluation throughput, in videos per second on one thread. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Videos per second scored by `kineto eval` at 64x64 and 256x256 (world clips of 17 frames at 8 fps): "
                + "quality dimensions alone, and with prompt adherence; medians of repeated runs.")
final class EvalBench implements Callable<Integer> {

    @Option(names = "--clips", defaultValue = "8", description = "Clips per run (default: ${DEFAULT-VALUE}).")
    int clips;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed runs per figure, after one warm-up (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() throws Exception {
        if (clips < 1 || repeats < 1) throw new IllegalArgumentException("--clips and --repeats must be at least 1");
        System.out.printf("%-9s %18s %24s%n", "size", "quality videos/s", "quality+adherence videos/s");
        for (int side : new int[] {64, 256}) {
            List<WorldClip> videos = new ArrayList<>();
            for (int i = 0; i < clips; i++) videos.add(World.sample(i, Split.TRAIN, new RenderSpec(side, side, 17, 8)));
            double quality = Timing.medianSeconds(repeats, () -> videos.forEach(v -> Evaluator.evaluate(v.clip(), null)));
            double full = Timing.medianSeconds(repeats, () -> videos.forEach(v -> Evaluator.evaluate(v.clip(), v.caption())));
            System.out.printf("%-9s %18.2f %24.2f%n", side + "x" + side, clips / quality, clips / full);
        }
        return 0;
    }
}
