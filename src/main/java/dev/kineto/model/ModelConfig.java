package dev.kineto.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kineto.video.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything needed to rebuild a model besides its weights: part sizes, the training video format, the tokenizer's
 * vocabulary, the latent normalisation measured after VAE training, and the base timestep shift.
 */
public record ModelConfig(String preset, VideoVae.Config vae, TextEncoder.Config text, Dit.Config dit,
                          int width, int height, int frames, double fps, double shift,
                          float latentMean, float latentStd, List<String> vocabulary) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Named sizes: tiny for tests, default for the shipped model. The default's timestep shift is Wan's 5: with 1, the
     * model read a clip's background from the noisy latent up to t = 0.95 and never learnt t > 0.97 (0.03 % of
     * logit-normal times), where only the text can say what to draw, so sampling began text-blind and every prompt
     * gave the same clip. The tiny model's two test clips differ in everything, so it keeps 1.
     */
    public static ModelConfig preset(String name, int width, int height, int frames, double fps, List<String> vocabulary) {
        return switch (name) {
            case "tiny" -> new ModelConfig(name, new VideoVae.Config(4, 8, 16), new TextEncoder.Config(32, 1, 2, 32),
                    new Dit.Config(2, 32, 2, 2), width, height, frames, fps, 1.0, 0, 1, vocabulary);
            case "default" -> new ModelConfig(name, new VideoVae.Config(8, 32, 64), new TextEncoder.Config(128, 2, 4, 48),
                    new Dit.Config(4, 192, 6, 6), width, height, frames, fps, 5.0, 0, 1, vocabulary);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "': use tiny or default");
        };
    }

    /** The latent tokens the DiT sees at the trained size. */
    public long trainedTokens() {
        return tokens(frames, height, width);
    }

    /** The latent tokens for a video of frames × height × width. */
    public long tokens(int frames, int height, int width) {
        long p = (long) VideoVae.Config.SPACE_FACTOR * dit.patch();
        return (long) VideoVae.Config.latentFrames(frames) * (height / p) * (width / p);
    }

    /** This config with a DiT probe of the given shape and size classes (what the trainer labels tokens with). */
    public ModelConfig withProbe(int shapes, int sizes) {
        return new ModelConfig(preset, vae, text, dit.withProbe(shapes, sizes), width, height, frames, fps, shift, latentMean, latentStd, vocabulary);
    }

    /** This config with the latent statistics measured on encoded training clips. */
    public ModelConfig withLatentStats(float mean, float std) {
        return new ModelConfig(preset, vae, text, dit, width, height, frames, fps, shift, mean, std, vocabulary);
    }

    public void write(Path file) throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(this));
    }

    public static ModelConfig read(Path file) throws IOException {
        try {
            return JSON.readValue(Files.readString(file), ModelConfig.class);
        } catch (NoSuchFileException e) {
            throw new Checkpoint.CheckpointException(file, "config file not found");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new Checkpoint.CheckpointException(file, "not a valid model config: " + e.getOriginalMessage());
        }
    }
}
