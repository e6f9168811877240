package dev.kineto.model;

import dev.kineto.video.Clip;
import java.util.List;
import java.util.function.Supplier;

/** Sees every sampling step of a batch; throwing {@link java.util.concurrent.CancellationException} stops the work. */
@FunctionalInterface
public interface StepListener {
    StepListener NONE = (step, steps, preview) -> {};

    /**
     * Called after step (1-based) of steps. preview decodes the current denoised estimate, one clip per request;
     * it costs a VAE decode, so call it only when a preview is wanted.
     */
    void onStep(int step, int steps, Supplier<List<Clip>> preview);
}
