package dev.kineto.evaluation.suite;

import dev.kineto.model.GenerationRequest;
import dev.kineto.model.StepListener;
import dev.kineto.model.VideoGenerator;
import dev.kineto.video.Clip;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.World;
import java.util.List;

/** The upper bound: the world's own render of each prompt, as a perfect model would draw it (steps and cfg are ignored). */
public final class GroundTruthGenerator implements VideoGenerator {

    @Override
    public List<Clip> generate(List<GenerationRequest> batch, StepListener listener) {
        return batch.stream()
                .map(r -> World.render(r.prompt(), new RenderSpec(r.width(), r.height(), r.frames(), r.fps()), r.seed()).clip())
                .toList();
    }
}
