package dev.kineto.server;

import dev.kineto.model.GenerationRequest;

/** One video job as stored: what was asked (the spec as submitted), what it costs, and where it stands. */
public record Job(String id, String userId, String status, JobSpec spec, long cost, long chargedFree, long chargedPaid,
                  String chargeDay, int priority, double progress, String errorCode, String errorMessage,
                  String worker, int attempts, long createdAt, Long startedAt, Long finishedAt) {

    public static final String QUEUED = "queued", RUNNING = "running", SUCCEEDED = "succeeded", FAILED = "failed",
            CANCELLED = "cancelled", MODERATED = "moderated";

    /** Whether the job will not change any more. */
    public boolean terminal() {
        return !status.equals(QUEUED) && !status.equals(RUNNING);
    }

    /** Whether anyone may see it: shared by its owner and made (Jobs.FEED says the same in SQL). */
    public boolean published() {
        return spec.shared() && status.equals(SUCCEEDED);
    }

    /** What the generator gets: the request as submitted (for an extension, the frames it adds). */
    public GenerationRequest request() {
        return spec.request();
    }
}
