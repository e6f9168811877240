package dev.kineto.cli;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.FlowMatching;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.ModelConfig;
import dev.kineto.model.VideoModel;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFiles;
import dev.kineto.world.Style;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `kineto generate "prompt" -o out.mp4`: text to video with the bundled (or a given) model. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate a video from a text prompt.")
public final class GenerateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PROMPT", description = "What the video shows, e.g. \"a red ball bouncing on a blue background\".")
    String prompt;

    @Option(names = {"-o", "--output"}, defaultValue = "out.mp4", description = "Output file: .mp4 (H.264), .gif, or a folder for PNG frames (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--seconds", defaultValue = "2", description = "Length in seconds (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--fps", description = "Frames per second (default: the model's training fps).")
    Double fps;

    @Option(names = "--size", description = "WxH in pixels, multiples of 16 (default: the model's training size).")
    String size;

    @Option(names = "--aspect", description = "16:9, 9:16 or 1:1, keeping the training size's short side (instead of --size).")
    String aspect;

    @Option(names = "--steps", defaultValue = "" + GenerationRequest.DEFAULT_STEPS, description = "Sampling steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--sampler", defaultValue = "heun", description = "euler or heun (default: ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--cfg", defaultValue = "" + GenerationRequest.DEFAULT_CFG, description = "Classifier-free guidance scale; 1 turns guidance off (default: ${DEFAULT-VALUE}).")
    double cfg;

    @Option(names = "--negative", defaultValue = "", description = "Negative prompt: what the video should not show.")
    String negative;

    @Option(names = "--seed", description = "Seed; the same seed and options give the same video (default: random, printed).")
    Long seed;

    @Option(names = "--style", description = "Rendering style: flat, outlined, pixel_art or soft.")
    String style;

    @Option(names = "--model", description = "Model directory with config.json and model.safetensors (default: the bundled model).")
    Path model;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        try (DiffusionGenerator generator = load(model != null ? model : DiffusionGenerator.defaultModelDir())) {
            ModelConfig config = generator.model().config();
            String fullPrompt = style == null ? prompt : prompt + ", " + parseStyle(style).word();
            Set<String> unknown = generator.unknownWords(fullPrompt);
            if (!unknown.isEmpty()) System.err.println("kineto: warning: the model never saw these words in training and ignores them: " + String.join(", ", unknown));
            int[] wh = size != null ? parseSize(size) : aspect != null ? aspectSize(aspect, config) : new int[] {config.width(), config.height()};
            double rate = fps != null ? fps : config.fps();
            long usedSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1L << 48);
            var request = new GenerationRequest(fullPrompt, negative, wh[0], wh[1], GenerationRequest.framesFor(seconds, rate), rate, steps, cfg, usedSeed);
            Clip clip;
            try (ProgressBar progress = ProgressBars.start("sampling", steps, " steps")) {
                clip = generator.generate(List.of(request), (step, total, preview) -> progress.stepTo(step)).getFirst();
            }
            VideoFiles.write(clip, output);
            System.out.printf("wrote %s: %d frames %dx%d at %s fps, %d %s steps, cfg %s, seed %d, in %.1f s%n", output, clip.frameCount(), clip.width(),
                    clip.height(), rate, steps, sampler, cfg, usedSeed, (System.nanoTime() - started) / 1e9);
        }
        return 0;
    }

    private DiffusionGenerator load(Path dir) throws java.io.IOException {
        var s = switch (sampler.toLowerCase(Locale.ROOT)) {
            case "euler" -> FlowMatching.Sampler.EULER;
            case "heun" -> FlowMatching.Sampler.HEUN;
            default -> throw new IllegalArgumentException("unknown sampler '" + sampler + "': use euler or heun");
        };
        return new DiffusionGenerator(VideoModel.load(dir), s);
    }

    /** "WxH" → {W, H}. */
    static int[] parseSize(String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 2) return new int[] {Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip())};
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("size must look like 64x64 (width x height), got '" + text + "'");
    }

    /** The size for an aspect ratio with the training size's short side, rounded to multiples of 16. */
    static int[] aspectSize(String aspect, ModelConfig config) {
        int side = Math.min(config.width(), config.height());
        int longSide = (int) Math.round(side * 16 / 9.0 / 16) * 16;
        return switch (aspect) {
            case "16:9" -> new int[] {longSide, side};
            case "9:16" -> new int[] {side, longSide};
            case "1:1" -> new int[] {side, side};
            default -> throw new IllegalArgumentException("aspect must be 16:9, 9:16 or 1:1, got '" + aspect + "'");
        };
    }

    private static Style parseStyle(String name) {
        try {
            return Style.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown style '" + name + "': use flat, outlined, pixel_art or soft");
        }
    }
}
