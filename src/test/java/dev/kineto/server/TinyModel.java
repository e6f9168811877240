package dev.kineto.server;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.FlowMatching;
import dev.kineto.model.ModelConfig;
import dev.kineto.model.VideoModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The real diffusion model at its tiny preset with seeded random weights, trained at 32×32, 5 frames, 8 fps: it runs
 * the whole sampler (text encoder, DiT, VAE decode, previews) fast enough for server tests. Its videos are noise.
 */
final class TinyModel {
    private static DiffusionGenerator shared, sharedPixel;

    private TinyModel() {}

    static ModelConfig config() {
        return ModelConfig.preset("tiny", 32, 32, 5, 8, List.of("a", "red", "white", "ball", "square", "moves", "slides", "left", "right"));
    }

    /** One generator for every test in this JVM (loading the engine is the slow part). */
    static synchronized DiffusionGenerator generator() {
        if (shared == null) shared = new DiffusionGenerator(new VideoModel(config(), 7), FlowMatching.Sampler.EULER);
        return shared;
    }

    /** The pixel model at its tiny preset, trained at 32×32, 9 frames, 8 fps: it takes frames (images, extensions, windows). */
    static ModelConfig pixelConfig() {
        return ModelConfig.preset("pixel-tiny", 32, 32, 9, 8, config().vocabulary());
    }

    static synchronized DiffusionGenerator pixelGenerator() {
        if (sharedPixel == null) sharedPixel = new DiffusionGenerator(new VideoModel(pixelConfig(), 7), FlowMatching.Sampler.EULER);
        return sharedPixel;
    }

    /** The server's default settings with data in dir (what a request may ask for the server learns from the model). */
    static ServerConfig serverConfig(Path dir) {
        return ServerConfig.defaults(dir, 0);
    }

    /** Writes the model to dir, for `kineto serve --model dir` in another process. */
    static Path save(Path dir) throws IOException {
        try (VideoModel model = new VideoModel(config(), 7)) {
            model.save(dir, Map.of());
        }
        return dir;
    }
}
