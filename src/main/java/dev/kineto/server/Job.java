package dev.kineto.server;

import dev.kineto.model.GenerationRequest;

/** One video job as stored: what was asked, what it costs, and where it stands. */
public record Job(String id, String userId, String status, String prompt, String negativePrompt, String aspectRatio,
                  int width, int height, int frames, double fps, int steps, double cfg, long seed,
                  long cost, long chargedFree, long chargedPaid, String chargeDay, int priority, boolean shared,
                  String callbackUrl, double progress, String errorCode, String errorMessage,
                  String worker, int attempts, long createdAt, Long startedAt, Long finishedAt, Conditions conditions) {

    public static final String QUEUED = "queued", RUNNING = "running", SUCCEEDED = "succeeded", FAILED = "failed",
            CANCELLED = "cancelled", MODERATED = "moderated";

    /** Whether the job will not change any more. */
    public boolean terminal() {
        return !status.equals(QUEUED) && !status.equals(RUNNING);
    }

    /** Whether anyone may see it: shared by its owner and made (Store.FEED says the same in SQL). */
    public boolean published() {
        return shared && status.equals(SUCCEEDED);
    }

    /** What the generator is asked for: frames is the output's, so an extension generates what it adds to its source. */
    public GenerationRequest request() {
        return new GenerationRequest(prompt, negativePrompt, width, height, frames - conditions.sourceFrames(), fps, steps, cfg, seed);
    }

    public double seconds() {
        return frames / fps;
    }
}
