package dev.kineto.server;

/**
 * What a job's video is conditioned on besides its prompt: an uploaded image as its first frame (and another as its
 * last), or a succeeded video of the same user's that it continues, sourceFrames long.
 */
public record Conditions(String imageId, String lastImageId, String extendVideoId, int sourceFrames) {
    public static final Conditions NONE = new Conditions(null, null, null, 0);

    /** Whether the job needs a model that takes frames (and runs alone, through model.Windows). */
    public boolean any() {
        return imageId != null || extendVideoId != null;
    }
}
