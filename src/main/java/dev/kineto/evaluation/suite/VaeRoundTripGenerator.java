package dev.kineto.evaluation.suite;

import ai.djl.ndarray.NDManager;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.StepListener;
import dev.kineto.model.VideoGenerator;
import dev.kineto.model.VideoModel;
import dev.kineto.model.VideoTensors;
import dev.kineto.video.Clip;
import java.util.List;

/**
 * The most a model's DiT can reach: the world's render of each prompt encoded and decoded by the model's VAE (posterior
 * mean). Where this row fails a check, the VAE has lost what the check looks for, and no DiT can bring it back.
 */
public final class VaeRoundTripGenerator implements VideoGenerator {
    private final VideoModel model;
    private final GroundTruthGenerator world = new GroundTruthGenerator();

    /** Takes ownership of the model: closing this generator closes it. */
    public VaeRoundTripGenerator(VideoModel model) {
        this.model = model;
    }

    @Override
    public List<Clip> generate(List<GenerationRequest> batch, StepListener listener) {
        List<Clip> renders = world.generate(batch, listener);
        try (NDManager scratch = model.manager().newSubManager()) {
            return VideoTensors.toClips(model.decode(model.normalise(model.encode(scratch, renders))), renders.getFirst().fps());
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
