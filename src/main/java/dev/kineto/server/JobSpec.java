package dev.kineto.server;

import dev.kineto.model.GenerationRequest;

/**
 * A submitted video with every setting resolved: what the generator gets (for an extension, the frames to add), plus
 * what only the server cares about.
 */
public record JobSpec(GenerationRequest request, String aspectRatio, String callbackUrl, boolean shared, Conditions conditions) {
    public JobSpec(GenerationRequest request, String aspectRatio, String callbackUrl, boolean shared) {
        this(request, aspectRatio, callbackUrl, shared, Conditions.NONE);
    }

    /** Frames of the finished video: an extension's source and what it adds. */
    public int outputFrames() {
        return conditions.sourceFrames() + request.frames();
    }

    public double seconds() {
        return outputFrames() / request.fps();
    }
}
