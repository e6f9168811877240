package dev.kineto.server;

import java.util.List;

/** The outbox of webhook calls: each finished job's event waits here until delivered or given up on. */
public final class WebhookDeliveries {
    private final Database db;

    WebhookDeliveries(Database db) {
        this.db = db;
    }

    public record Delivery(String id, String jobId, String userId, String url, String body, int attempts) {}

    public void enqueue(Job job, String body) {
        db.tx(t -> t.update("INSERT INTO webhook_deliveries (id, job_id, user_id, url, body, state, next_attempt_at) VALUES (?,?,?,?,?,'pending',?)",
                Store.newId("wh"), job.id(), job.userId(), job.spec().callbackUrl(), body, Store.now()));
    }

    /**
     * Takes up to limit due deliveries to send, each under a lease: it is not due again until leaseMillis from now, so
     * the next poll (of this node or another) skips it while it is in flight, and a crash mid-send only delays it.
     */
    public List<Delivery> takeDue(int limit, long leaseMillis) {
        return db.tx(t -> {
            List<Delivery> due = t.list("SELECT * FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?"
                            + t.skipLocked("webhook_deliveries"),
                    r -> new Delivery(r.getString("id"), r.getString("job_id"), r.getString("user_id"), r.getString("url"), r.getString("body"), r.getInt("attempts")),
                    Store.now(), limit);
            for (Delivery d : due) t.update("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?", Store.now() + leaseMillis, d.id());
            return due;
        });
    }

    /** Records an attempt: delivered, or pending again at nextAttemptAt, or failed for good when nextAttemptAt is null. */
    public void recordAttempt(String deliveryId, boolean delivered, String error, Long nextAttemptAt) {
        String state = delivered ? "delivered" : nextAttemptAt == null ? "failed" : "pending";
        db.tx(t -> t.update("UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                state, error, nextAttemptAt == null ? Store.now() : nextAttemptAt, deliveryId));
    }

    public record DeliveryState(String state, int attempts, String lastError) {}

    public List<DeliveryState> states(String jobId) {
        return db.read(t -> t.list("SELECT state, attempts, last_error FROM webhook_deliveries WHERE job_id = ?",
                r -> new DeliveryState(r.getString(1), r.getInt(2), r.getString(3)), jobId));
    }
}
