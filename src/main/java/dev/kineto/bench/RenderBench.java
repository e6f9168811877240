package dev.kineto.bench;

import dev.kineto.video.VideoFiles;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Split;
import dev.kineto.world.World;
import dev.kineto.world.WorldClip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `kineto bench render`: synthetic-world render and MP4 encode throughput, in frames per second on one thread. */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Frames per second of World.sample (render) and MP4 encoding at 64x64 and 256x256; medians of repeated runs.")
final class RenderBench implements Callable<Integer> {

    @Option(names = "--clips", defaultValue = "16", description = "Clips per run (default: ${DEFAULT-VALUE}).")
    int clips;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed runs per figure, after one warm-up (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--frames", defaultValue = "17", description = "Frames per clip, at 8 fps (default: ${DEFAULT-VALUE}).")
    int frames;

    @Override
    public Integer call() throws Exception {
        if (clips < 1 || repeats < 1 || frames < 1) throw new IllegalArgumentException("--clips, --repeats and --frames must be at least 1");
        Path dir = Files.createTempDirectory("kineto-render-bench");
        try {
            System.out.printf("%-9s %14s %14s %18s%n", "size", "render fps", "encode fps", "render+encode fps");
            for (int side : new int[] {64, 256}) {
                RenderSpec spec = new RenderSpec(side, side, frames, 8);
                List<WorldClip> rendered = new ArrayList<>();
                double render = Timing.medianSeconds(repeats, () -> {
                    rendered.clear();
                    for (int i = 0; i < clips; i++) rendered.add(World.sample(i, Split.TRAIN, spec));
                });
                double encode = Timing.medianSeconds(repeats, () -> {
                    for (int i = 0; i < clips; i++) VideoFiles.write(rendered.get(i).clip(), dir.resolve(i + ".mp4"));
                });
                double total = (double) clips * frames;
                System.out.printf("%-9s %14.0f %14.0f %18.0f%n", side + "x" + side, total / render, total / encode, total / (render + encode));
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.delete(p);
            }
            Files.delete(dir);
        }
        return 0;
    }
}
