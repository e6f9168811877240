package dev.kineto.server;

/**
 * Queue positions for status answers, from a snapshot of the queue's order taken at most every REFRESH_MILLIS: the
 * order takes a scan of the whole queue, and polls of queued jobs are the API's most frequent request.
 */
final class QueuePositions {
    static final long REFRESH_MILLIS = 250;

    private final Store store;
    private Store.Queue snapshot;
    private long takenAt;

    QueuePositions(Store store) {
        this.store = store;
    }

    /** The job's place in the queue; a job queued since the snapshot was taken is counted at its end. */
    synchronized Store.Position of(Job job) {
        if (snapshot == null || System.currentTimeMillis() - takenAt > REFRESH_MILLIS) {
            snapshot = store.queue();
            takenAt = System.currentTimeMillis();
        }
        return snapshot.positions().getOrDefault(job.id(), snapshot.end());
    }
}
