package dev.kineto.server;

/**
 * Queue positions for status answers, from a snapshot of the queue's order taken at most every REFRESH_MILLIS: the
 * order takes a scan of the whole queue, and polls of queued jobs are the API's most frequent request.
 */
final class QueuePositions {
    static final long REFRESH_MILLIS = 250;

    private final Jobs jobs;
    private Jobs.Queue snapshot;
    private long takenAt;

    QueuePositions(Jobs jobs) {
        this.jobs = jobs;
    }

    /** The job's place in the queue; a job queued since the snapshot was taken is counted at its end. */
    synchronized Jobs.Position of(Job job) {
        if (snapshot == null || System.currentTimeMillis() - takenAt > REFRESH_MILLIS) {
            snapshot = jobs.queue();
            takenAt = System.currentTimeMillis();
        }
        return snapshot.positions().getOrDefault(job.id(), snapshot.end());
    }
}
