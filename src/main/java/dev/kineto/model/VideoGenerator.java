package dev.kineto.model;

import dev.kineto.video.Clip;
import java.util.List;

/** Anything that turns requests into clips: the diffusion model, or the world's ground-truth renderer. */
public interface VideoGenerator extends AutoCloseable {

    /** Generates one clip per request in one batched pass; the requests must share size, frames and steps. */
    List<Clip> generate(List<GenerationRequest> batch, StepListener listener);

    /** Generates one clip. */
    default Clip generate(GenerationRequest request) {
        return generate(List.of(request), StepListener.NONE).getFirst();
    }

    /** Whether two requests can share one batched pass. */
    default boolean batchable(GenerationRequest a, GenerationRequest b) {
        return a.width() == b.width() && a.height() == b.height() && a.frames() == b.frames() && a.steps() == b.steps();
    }

    @Override
    default void close() {}
}
