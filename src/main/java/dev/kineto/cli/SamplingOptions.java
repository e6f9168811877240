package dev.kineto.cli;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.FlowMatching;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.StepListener;
import dev.kineto.model.VideoModel;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Option;

/** The options every command that samples a video shares (generate, extend): model, sampler, guidance, seed, output. */
final class SamplingOptions {
    @Option(names = {"-o", "--output"}, defaultValue = "out.mp4", description = "Output file: .mp4 (H.264), .gif, or a folder for PNG frames (default: ${DEFAULT-VALUE}).")
    Path output;

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

    @Option(names = "--model", description = "Model directory with config.json and model.safetensors (default: the bundled model).")
    Path model;

    /** The model to sample with. */
    DiffusionGenerator load() throws IOException {
        var s = switch (sampler.toLowerCase(Locale.ROOT)) {
            case "euler" -> FlowMatching.Sampler.EULER;
            case "heun" -> FlowMatching.Sampler.HEUN;
            default -> throw new IllegalArgumentException("unknown sampler '" + sampler + "': use euler or heun");
        };
        return new DiffusionGenerator(VideoModel.load(model != null ? model : DiffusionGenerator.defaultModelDir()), s);
    }

    /** The seed asked for, or a random one (printed with the result, so the video can be made again). */
    long seed() {
        return seed != null ? seed : ThreadLocalRandom.current().nextLong(1L << 48);
    }

    /** Warns on stderr about the prompt's words the model never saw. */
    static void warnUnknown(DiffusionGenerator generator, String prompt) {
        Set<String> unknown = generator.unknownWords(prompt);
        if (!unknown.isEmpty()) System.err.println("kineto: warning: the model never saw these words in training and ignores them: " + String.join(", ", unknown));
    }

    /** Samples with a progress bar over all the steps (a long video's windows together), writes the clip, says what was made. */
    void sampleAndWrite(Function<StepListener, Clip> sample, GenerationRequest request, long started) throws IOException {
        Clip clip;
        try (ProgressBar progress = ProgressBars.start("sampling", steps, " steps")) {
            clip = sample.apply((step, total, preview) -> {
                progress.maxHint(total);
                progress.stepTo(step);
            });
        }
        VideoFiles.write(clip, output);
        System.out.printf("wrote %s: %d frames %dx%d at %s fps, %d %s steps, cfg %s, seed %d, in %.1f s%n", output, clip.frameCount(), clip.width(),
                clip.height(), request.fps(), steps, sampler, cfg, request.seed(), (System.nanoTime() - started) / 1e9);
    }
}
