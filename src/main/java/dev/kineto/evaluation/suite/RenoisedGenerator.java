package dev.kineto.evaluation.suite;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.StepListener;
import dev.kineto.model.VideoGenerator;
import dev.kineto.video.Clip;
import java.util.List;

/**
 * The world's render of each prompt noised to time t and sampled back by the model: the DiT given the true layout.
 * Between the VAE round trip (t = 0) and plain generation (t = 1), it shows at which noise level a check is lost.
 */
public final class RenoisedGenerator implements VideoGenerator {
    /** The suite report's row enters the flow half way, where the world's layout is still plain in the noisy latent. */
    public static final double SUITE_TIME = 0.5;

    private final DiffusionGenerator model;
    private final double time;
    private final GroundTruthGenerator world = new GroundTruthGenerator();

    /** Takes ownership of the model: closing this generator closes it. */
    public RenoisedGenerator(DiffusionGenerator model, double time) {
        this.model = model;
        this.time = time;
    }

    @Override
    public List<Clip> generate(List<GenerationRequest> batch, StepListener listener) {
        return model.generate(batch, world.generate(batch, StepListener.NONE), time, listener);
    }

    @Override
    public void close() {
        model.close();
    }
}
