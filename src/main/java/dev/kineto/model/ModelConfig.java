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
 * Everything needed to rebuild a model besides its weights: what the DiT works on, part sizes, the training video
 * format, the tokenizer's vocabulary, the latent normalisation measured after VAE training, and the base timestep shift.
 * A config written before representations existed reads as a latent model.
 */
public record ModelConfig(String preset, VideoVae.Config vae, TextEncoder.Config text, Dit.Config dit,
                          int width, int height, int frames, double fps, double shift,
                          float latentMean, float latentStd, List<String> vocabulary, Representation representation) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What the DiT works on. LATENT: the VAE's latent (4× time, 4×4 space), predicting the velocity. PIXELS: the frames
     * themselves in 8×8 patches, predicting the clean video (JiT's x-prediction), with a time per frame so any frame can
     * be given as a condition; docs/model.md has the experiment that chose it. LAYERS: a layered pixel model that draws
     * a video as the prompt's plan (Layout) composes it, as a cut-out animation is made: the DiT draws the backdrop once
     * from the text, a second DiT (its config's, grounded) draws each planned object's matte once, white on black, and
     * each frame is the backdrop as the plan's camera sees it with each matte placed and filled as the plan says. The
     * backdrop DiT is told the planned background's pattern and colours, token by token, as the matte DiT is told its box.
     */
    public enum Representation { LATENT, PIXELS, LAYERS }

    public ModelConfig {
        if (representation == null) representation = Representation.LATENT;
        if (representation == Representation.LATENT && vae == null) throw new IllegalArgumentException("a latent model needs a VAE config");
        if (representation == Representation.LATENT && dit.layoutFeatures() > 0) {
            throw new IllegalArgumentException("a layout is given frame by frame, so only a pixel model (one DiT frame a video frame) can be grounded");
        }
        if (representation == Representation.LAYERS && dit.layoutFeatures() == 0) throw new IllegalArgumentException("a layered model draws its mattes from a plan: its DiT must be grounded");
    }

    /**
     * Named sizes: tiny for tests, default for the shipped model. The default's timestep shift is Wan's 5: with 1, the
     * model read a clip's background from the noisy latent up to t = 0.95 and never learnt t > 0.97 (0.03 % of
     * logit-normal times), where only the text can say what to draw, so sampling began text-blind and every prompt
     * gave the same clip. The tiny model's two test clips differ in everything, so it keeps 1.
     */
    public static ModelConfig preset(String name, int width, int height, int frames, double fps, List<String> vocabulary) {
        return switch (name) {
            case "tiny" -> new ModelConfig(name, new VideoVae.Config(4, 8, 16), new TextEncoder.Config(32, 1, 2, 32),
                    new Dit.Config(2, 32, 2, 2), width, height, frames, fps, 1.0, 0, 1, vocabulary, Representation.LATENT);
            case "default" -> new ModelConfig(name, new VideoVae.Config(8, 32, 64), new TextEncoder.Config(128, 2, 4, 48),
                    new Dit.Config(4, 192, 6, 6), width, height, frames, fps, 5.0, 0, 1, vocabulary, Representation.LATENT);
            case "pixel-tiny" -> new ModelConfig(name, null, new TextEncoder.Config(32, 1, 2, 32),
                    new Dit.Config(8, 64, 2, 4).withLayout(Layout.FEATURES), width, height, frames, fps, PIXEL_SHIFT, 0, 1, vocabulary, Representation.PIXELS);
            case "pixel" -> new ModelConfig(name, null, new TextEncoder.Config(128, 2, 4, 48),
                    new Dit.Config(8, 192, 6, 6).withLayout(Layout.FEATURES), width, height, frames, fps, PIXEL_SHIFT, 0, 1, vocabulary, Representation.PIXELS);
            case "layered-tiny" -> new ModelConfig(name, null, new TextEncoder.Config(32, 1, 2, 32),
                    new Dit.Config(8, 64, 2, 2).withLayout(Layout.FEATURES), width, height, frames, fps, PIXEL_SHIFT, 0, 1, vocabulary, Representation.LAYERS);
            case "layered" -> new ModelConfig(name, null, new TextEncoder.Config(128, 2, 4, 48),
                    new Dit.Config(8, 128, 6, 4).withLayout(Layout.FEATURES), width, height, frames, fps, PIXEL_SHIFT, 0, 1, vocabulary, Representation.LAYERS);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "': use " + String.join(", ", PRESETS));
        };
    }

    /** The preset names, for help texts and errors. */
    public static final List<String> PRESETS = List.of("tiny", "default", "pixel-tiny", "pixel", "layered-tiny", "layered");

    /**
     * The pixel models' base shift. Noise hides a clip's 17 frames, which repeat much of each other, later than one frame,
     * so more than the 3 the one-frame experiment used (SD3's rule for 17 independent views would give 12). The tiny
     * pixel model shares it: at 1 it never learnt the high-noise times where only the text says where the object is, and
     * drew its two training clips' backgrounds without their objects (docs/model.md).
     */
    private static final double PIXEL_SHIFT = 6;

    /**
     * A layered model's backdrop DiT's timestep shift, in training and sampling. A backdrop is mostly its one or two
     * colours, which show through the noise of 64x64 pixels until t ≈ 0.995: at the pixel models' shift a backdrop DiT
     * learnt to read them from the noise (1 in 4,000 of its times was past 0.995), ignored its caption and drew
     * whatever colour the seed's noise leant to. At 50 a quarter of its times are past 0.99, where only the caption and
     * the plan say the colours, and sampling stays there longer before the noise shows any.
     */
    public static final double BACKDROP_SHIFT = 50;

    /** Whether the DiT renders into a layout (Layout), planned from the prompt when the caller gives none. */
    public boolean grounded() {
        return dit.layoutFeatures() > 0;
    }

    /** Frames of the video per frame the DiT sees. */
    public int timeFactor() {
        return representation == Representation.LATENT ? VideoVae.Config.TIME_FACTOR : 1;
    }

    /** Pixels per DiT cell along each side. */
    public int spaceFactor() {
        return representation == Representation.LATENT ? VideoVae.Config.SPACE_FACTOR : 1;
    }

    /** Pixels per token along each side: a video's width and height must be multiples of it. */
    public int pixelsPerToken() {
        return spaceFactor() * dit.patch();
    }

    /** What a request to this model may ask for and gets by default: its trained size, length and fps, and its size multiple. */
    public RequestRules rules() {
        return new RequestRules(width, height, frames, fps, pixelsPerToken());
    }

    /** The layered model's backdrop DiT: the matte DiT's size, told the planned background (the config's DiT draws the mattes). */
    public Dit.Config backdrop() {
        return dit.withLayout(Layout.BACKDROP_FEATURES);
    }

    /** Channels of what the DiT works on (a layered model's backdrop; its mattes have one). */
    public int channels() {
        return representation == Representation.LATENT ? vae.latentChannels() : 3;
    }

    /** The DiT's frames for a video of frames frames: a layered model's DiTs draw one frame at a time. */
    public int modelFrames(int frames) {
        return representation == Representation.LATENT ? VideoVae.Config.latentFrames(frames) : representation == Representation.LAYERS ? 1 : frames;
    }

    /** The shape [C, T, H, W] the DiT works on for a video of frames × height × width. */
    public long[] modelShape(int frames, int height, int width) {
        return new long[] {channels(), modelFrames(frames), height / spaceFactor(), width / spaceFactor()};
    }

    /** What the DiT's output is. */
    public FlowMatching.Prediction prediction() {
        return representation == Representation.LATENT ? FlowMatching.Prediction.VELOCITY : FlowMatching.Prediction.CLEAN;
    }

    /** Whether frames can be given as conditions (image-to-video, key frames, extension): a time per video frame. */
    public boolean takesFrames() {
        return representation == Representation.PIXELS;
    }

    /** The latent tokens the DiT sees at the trained size. */
    public long trainedTokens() {
        return tokens(frames, height, width);
    }

    /** The latent tokens for a video of frames × height × width. */
    public long tokens(int frames, int height, int width) {
        long p = pixelsPerToken();
        return (long) modelFrames(frames) * (height / p) * (width / p);
    }

    /** This config with a DiT probe of the given shape and size classes (what the trainer labels tokens with). */
    public ModelConfig withProbe(int shapes, int sizes) {
        return new ModelConfig(preset, vae, text, dit.withProbe(shapes, sizes), width, height, frames, fps, shift, latentMean, latentStd, vocabulary, representation);
    }

    /** This config with the latent statistics measured on encoded training clips. */
    public ModelConfig withLatentStats(float mean, float std) {
        return new ModelConfig(preset, vae, text, dit, width, height, frames, fps, shift, mean, std, vocabulary, representation);
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
