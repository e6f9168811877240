package dev.kineto.cli;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.ModelConfig;
import dev.kineto.model.Windows;
import dev.kineto.modes.Guides;
import dev.kineto.video.Clip;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `kineto extend clip.mp4 --seconds N "prompt"`: continues any clip from its last frames. */
@Command(name = "extend", mixinStandardHelpOptions = true,
        description = "Continue a video (ours or any mp4, mov, webm, gif) from its last frames, following a prompt; the output holds the clip and its continuation.")
public final class ExtendCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CLIP", description = "The video to continue.")
    Path clip;

    @Parameters(index = "1", paramLabel = "PROMPT", description = "What happens next, e.g. \"a red ball moving right on a blue background\".")
    String prompt;

    @Option(names = "--seconds", description = "Seconds to add (default: the model's training length, 2 s for the bundled model).")
    Double seconds;

    @Mixin
    SamplingOptions sampling;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        try (DiffusionGenerator generator = sampling.load()) {
            ModelConfig config = generator.model().config();
            SamplingOptions.warnUnknown(generator, prompt);
            Clip source = Guides.readSource(clip, config.width(), config.height()).atFps(config.fps());
            var request = sampling.request(generator, prompt, null, seconds, null);
            sampling.sampleAndWrite(listener -> Windows.extend(generator, source, request, listener), request, started);
        }
        return 0;
    }
}
