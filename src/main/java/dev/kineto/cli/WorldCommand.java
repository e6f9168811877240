package dev.kineto.cli;

import dev.kineto.video.AtomicFiles;
import dev.kineto.video.Dataset;
import dev.kineto.video.VideoFiles;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Split;
import dev.kineto.world.World;
import dev.kineto.world.WorldClip;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** `kineto world ...`: render captions and sample captioned datasets from the synthetic world. */
@Command(name = "world", mixinStandardHelpOptions = true,
        description = "The synthetic world: captioned clips with an exact scene description behind each.",
        subcommands = {WorldCommand.Render.class, WorldCommand.Sample.class, WorldCommand.Words.class})
public final class WorldCommand {

    /** Output geometry shared by the subcommands. */
    static final class Geometry {
        @Option(names = "--size", paramLabel = "WxH", defaultValue = "256x256", converter = SizeConverter.class,
                description = "Frame size, any aspect ratio (default: ${DEFAULT-VALUE}).")
        FrameSize size;

        @Option(names = "--seconds", defaultValue = "2", description = "Clip length in seconds (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(names = "--fps", defaultValue = "16", description = "Frames per second (default: ${DEFAULT-VALUE}).")
        double fps;

        @Option(names = "--seed", defaultValue = "0", description = "Random seed; the same seed gives the same output (default: ${DEFAULT-VALUE}).")
        long seed;

        RenderSpec spec() {
            if (!(seconds > 0) || !(fps > 0)) throw new IllegalArgumentException("--seconds and --fps must be positive");
            return new RenderSpec(size.width(), size.height(), Math.max(1, (int) Math.round(seconds * fps)), fps);
        }
    }

    /** A frame size in pixels. */
    record FrameSize(int width, int height) {}

    /** Parses WxH, e.g. 256x256 or 320x180. */
    static final class SizeConverter implements ITypeConverter<FrameSize> {
        @Override
        public FrameSize convert(String value) {
            String[] wh = value.toLowerCase(Locale.ROOT).split("x");
            if (wh.length != 2 || !wh[0].matches("\\d{1,5}") || !wh[1].matches("\\d{1,5}")) {
                throw new TypeConversionException("size must look like 256x256, got '" + value + "'");
            }
            int w = Integer.parseInt(wh[0]), h = Integer.parseInt(wh[1]);
            if (w < 8 || h < 8 || w > 4096 || h > 4096) throw new TypeConversionException("size must be between 8x8 and 4096x4096, got '" + value + "'");
            return new FrameSize(w, h);
        }
    }

    /** Accepts train or heldout in any case. */
    static final class SplitConverter implements ITypeConverter<Split> {
        @Override
        public Split convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "train" -> Split.TRAIN;
                case "heldout", "held-out" -> Split.HELDOUT;
                default -> throw new TypeConversionException("split must be 'train' or 'heldout', got '" + value + "'");
            };
        }
    }

    @Command(name = "render", mixinStandardHelpOptions = true,
            description = {"Parse a caption into a scene and render it, with the scene JSON beside the video.",
                    "Example: kineto world render \"a small green triangle bouncing on a gray background\" -o clip.mp4"})
    static final class Render implements Callable<Integer> {
        @Parameters(paramLabel = "CAPTION", description = "What to draw, in English; 'kineto world words' lists what the world understands.")
        String caption;

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "PATH", description = "Video to write: .mp4, .gif, or a folder for PNG frames.")
        Path out;

        @Option(names = "--scene-json", paramLabel = "PATH", description = "Where to write the scene JSON (default: beside the video, NAME.json).")
        Path sceneJson;

        @Mixin
        Geometry geometry;

        @Override
        public Integer call() throws Exception {
            WorldClip clip = World.render(caption, geometry.spec(), geometry.seed);
            VideoFiles.write(clip.clip(), out);
            Path scene = sceneJson != null ? sceneJson : besideVideo(out);
            AtomicFiles.write(scene, clip.scene().toJson().getBytes(StandardCharsets.UTF_8));
            RenderSpec spec = clip.scene().spec();
            System.out.printf("wrote %s (%dx%d, %d frames at %.3g fps) and %s%n", out, spec.width(), spec.height(), spec.frames(), spec.fps(), scene);
            return 0;
        }

        private static Path besideVideo(Path video) {
            String name = video.toAbsolutePath().getFileName().toString();
            int dot = name.lastIndexOf('.');
            return video.toAbsolutePath().resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
        }
    }

    @Command(name = "sample", mixinStandardHelpOptions = true,
            description = "Write random captioned clips with their scene JSON as a dataset (manifest.jsonl + clips/).")
    static final class Sample implements Callable<Integer> {
        @Option(names = "--count", defaultValue = "100", description = "How many clips (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new dataset folder.")
        Path out;

        @Option(names = "--split", defaultValue = "train", converter = SplitConverter.class,
                description = "train, or heldout for the attribute combinations training never sees (default: ${DEFAULT-VALUE}).")
        Split split;

        @Mixin
        Geometry geometry;

        @Override
        public Integer call() throws Exception {
            if (count < 1) throw new IllegalArgumentException("--count must be at least 1, got " + count);
            RenderSpec spec = geometry.spec();
            SplittableRandom seeds = new SplittableRandom(geometry.seed);
            try (Dataset.Writer dataset = Dataset.create(out);
                 ProgressBar progress = ProgressBars.start("sampling", count, " clips")) {
                for (int i = 0; i < count; i++) {
                    WorldClip clip = World.sample(seeds.nextLong(), split, spec);
                    dataset.add(clip.clip(), clip.caption(), clip.scene().toJson());
                    progress.step();
                }
            }
            System.out.printf("wrote %d %s clips to %s (%dx%d, %d frames at %.3g fps)%n", count, split.name().toLowerCase(Locale.ROOT), out,
                    spec.width(), spec.height(), spec.frames(), spec.fps());
            return 0;
        }
    }

    @Command(name = "words", mixinStandardHelpOptions = true, description = "List every word and phrase the caption parser understands.")
    static final class Words implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.println(World.describeVocabulary());
            return 0;
        }
    }
}
