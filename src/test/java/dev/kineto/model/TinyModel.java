package dev.kineto.model;

import java.util.List;
import java.util.SplittableRandom;

/** The tiny preset with a small vocabulary, randomly initialised: fast enough for shape and API tests (the training tests use it too). */
public final class TinyModel {
    private TinyModel() {}

    static final List<String> VOCABULARY = List.of("a", "ball", "blue", "green", "left", "moving", "on", "red", "right", "square");

    static VideoModel create(long seed) {
        return create("tiny", seed);
    }

    static VideoModel create(String preset, long seed) {
        return new VideoModel(ModelConfig.preset(preset, 32, 32, 9, 8, VOCABULARY), seed);
    }

    /** A tiny model whose zero-initialised weights (adaLN-Zero, final layer) are nudged, so every weight shapes the output as after training. */
    public static VideoModel perturbed(long seed) {
        return perturbed("tiny", seed);
    }

    /** The same for another preset (pixel-tiny: the pixel model with a time per frame). */
    public static VideoModel perturbed(String preset, long seed) {
        VideoModel model = create(preset, seed);
        SplittableRandom rng = new SplittableRandom(seed);
        model.params().arrays().values().forEach(p -> p.addi(Noise.gaussian(model.manager(), p.getShape(), rng).mul(0.05f)));
        return model;
    }
}
