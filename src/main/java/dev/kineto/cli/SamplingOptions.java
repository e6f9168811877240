package dev.kineto.cli;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.FlowMatching;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.RequestRules;
import dev.kineto.model.StepListener;
import dev.kineto.model.VideoModel;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Option;

/** The options every command that samples a video shares (generate, extend): model, sampler, guidance, seed, output. */
final class SamplingOptions {
    @Option(names = {"-o", "--output"}, defaultValue = "out.mp4", description = "Output file: .mp4 (H.264), .gif, or a folder for PNG frames (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--steps", defaultValue = "" + RequestRules.DEFAULT_STEPS,
            description = "Sampling steps, 1 to " + RequestRules.MAX_STEPS + " (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--sampler", defaultValue = "heun", description = "euler or heun (default: ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--cfg", defaultValue = "" + RequestRules.DEFAULT_CFG,
            description = "Classifier-free guidance scale, 0 to " + RequestRules.MAX_CFG + "; 1 turns guidance off (default: ${DEFAULT-VALUE}).")
    double cfg;

    @Option(names = "--negative", defaultValue = "", description = "Negative prompt: what the video should not show.")
    String negative;

    @Option(names = "--seed", description = "Seed, 0 to " + RequestRules.MAX_SEED + "; the same seed and options give the same video, here or over the API (default: random, printed).")
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

    /**
     * The request for prompt with these options, the rest (null) as the model's rules fill it in; a random seed is
     * printed with the result, so the video can be made again.
     */
    GenerationRequest request(DiffusionGenerator generator, String prompt, int[] size, Double seconds, Double fps) {
        return generator.model().config().rules().resolve(new RequestRules.Draft(prompt, negative, size == null ? null : size[0],
                size == null ? null : size[1], seconds, fps, steps, cfg, seed));
    }

    /** Warns on stderr about the prompt's words the model never saw. */
    static void warnUnknown(DiffusionGenerator generator, String prompt) {
        generator.unknownWordsWarning(prompt).ifPresent(warning -> System.err.println("kineto: warning: " + warning));
    }

    /** Samples with a progress bar over all the steps (a long video's windows together), writes the clip, says what was made. */
    void sampleAndWrite(Function<StepListener, Clip> sample, GenerationRequest request, long started) throws IOException {
        Clip clip;
        try (ProgressBar progress = ProgressBars.start("sampling", request.steps(), " steps")) {
            clip = sample.apply((step, total, preview) -> {
                progress.maxHint(total);
                progress.stepTo(step);
            });
        }
        VideoFiles.write(clip, output);
        System.out.printf("wrote %s: %d frames %dx%d at %s fps, %d %s steps, cfg %s, seed %d, in %.1f s%n", output, clip.frameCount(), clip.width(),
                clip.height(), request.fps(), request.steps(), sampler, request.cfg(), request.seed(), (System.nanoTime() - started) / 1e9);
    }
}
