package dev.kineto.server;

import dev.kineto.model.GenerationRequest;

/**
 * A submitted video with every setting resolved: what the generator gets (for an extension, the frames to add), plus
 * what only the server cares about.
 */
public record JobSpec(GenerationRequest request, String aspectRatio, String callbackUrl, boolean shared, Conditions conditions, Steering steering) {
    public JobSpec(GenerationRequest request, String aspectRatio, String callbackUrl, boolean shared) {
        this(request, aspectRatio, callbackUrl, shared, Conditions.NONE, Steering.NONE);
    }

    /** Frames of the finished video: an extension's source and what it adds. */
    public int outputFrames() {
        return conditions.sourceFrames() + request.frames();
    }

    public double seconds() {
        return outputFrames() / request.fps();
    }

    /** The prompt as the user wrote it (the request's may have a style's or a camera move's words added). */
    public String prompt() {
        return steering.prompt() != null ? steering.prompt() : request.prompt();
    }

    /** How the video is made, as the API names it: text, image, first_last, extend, restyle, motion_path or camera. */
    public String mode() {
        if (conditions.extendVideoId() != null) return "extend";
        if (conditions.lastImageId() != null) return "first_last";
        if (conditions.imageId() != null) return "image";
        if (steering.sourceVideoId() != null) return "restyle";
        if (steering.motionPath() != null) return "motion_path";
        return steering.camera() != null ? "camera" : "text";
    }

    JobSpec withSteering(GenerationRequest r, Steering s) {
        return new JobSpec(r, aspectRatio, callbackUrl, shared, conditions, s);
    }
}
