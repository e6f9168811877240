package dev.kineto.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything `kineto serve` and `kineto worker` can be told: where data lives (the database: SQLite in dataDir unless
 * a database URL is given; the results: dataDir), whether this node serves the API, the worker pool, and the limits
 * that keep one user from taking the machine. What a request gets when it leaves a setting out is the model's
 * (model.RequestRules).
 */
public record ServerConfig(Path dataDir, String database, boolean api, String host, int port, int workers, int maxBatch, long memoryBudget,
                           Limits limits, int previewEverySteps, Duration webhookBackoff, int webhookAttempts,
                           boolean privateCallbacks, Path moderationPolicy, Duration lease) {

    /**
     * Per-request and per-user limits. One credit buys creditUnit pixel-frame-steps (see {@link Pricing}).
     */
    public record Limits(int maxPromptChars, double maxSeconds, int maxSide, long creditUnit,
                         long dailyFreeCredits, int maxQueuedPerUser, int submitsPerMinute, long maxImageBytes) {}

    /** Where `kineto serve` keeps its database and files unless told otherwise. */
    public static final String DEFAULT_DATA = "kineto-data";

    /** Loopback only unless told: the operator opens the server to a network on purpose. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /**
     * What the whole worker pool's generations (batches included) may hold at once, in bytes. On a 24 GB machine this
     * leaves room for the JVM's heap (a quarter of the memory by default), the loaded model, the OS and a browser.
     */
    public static final long DEFAULT_MEMORY_BUDGET = 12L << 30;

    /**
     * How long a worker holds a job without renewing (it renews every second while it generates): a worker that
     * died or was cut off loses its jobs to the others after this long.
     */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

    public static final Limits DEFAULT_LIMITS = new Limits(4000, 10, 512, 65_536, 200, 10, 60, 10 << 20);

    /**
     * On loopback, one worker, batches of up to 8 within the default memory budget, a preview every 2 steps (each costs a VAE decode), webhooks retried 6 times from 2 s apart to public addresses
     * only, and the built-in moderation policy.
     */
    public static ServerConfig defaults(Path dataDir, int port) {
        return new ServerConfig(dataDir, null, true, DEFAULT_HOST, port, 1, 8, DEFAULT_MEMORY_BUDGET, DEFAULT_LIMITS, 2,
                Duration.ofSeconds(2), 6, false, null, DEFAULT_LEASE);
    }

    public ServerConfig withLimits(Limits l) {
        return new ServerConfig(dataDir, database, api, host, port, workers, maxBatch, memoryBudget, l, previewEverySteps, webhookBackoff, webhookAttempts, privateCallbacks, moderationPolicy, lease);
    }

    public ServerConfig withWorkers(int w, int batch) {
        return new ServerConfig(dataDir, database, api, host, port, w, batch, memoryBudget, limits, previewEverySteps, webhookBackoff, webhookAttempts, privateCallbacks, moderationPolicy, lease);
    }

    public ServerConfig withWebhookBackoff(Duration backoff, int attempts) {
        return new ServerConfig(dataDir, database, api, host, port, workers, maxBatch, memoryBudget, limits, previewEverySteps, backoff, attempts, privateCallbacks, moderationPolicy, lease);
    }

    public ServerConfig withModerationPolicy(Path policy) {
        return new ServerConfig(dataDir, database, api, host, port, workers, maxBatch, memoryBudget, limits, previewEverySteps, webhookBackoff, webhookAttempts, privateCallbacks, policy, lease);
    }

    /** Listens on host (an address or name; 0.0.0.0 for every interface). */
    public ServerConfig withHost(String h) {
        return new ServerConfig(dataDir, database, api, h, port, workers, maxBatch, memoryBudget, limits, previewEverySteps, webhookBackoff, webhookAttempts, privateCallbacks, moderationPolicy, lease);
    }

    public ServerConfig withMemoryBudget(long bytes) {
        return new ServerConfig(dataDir, database, api, host, port, workers, maxBatch, bytes, limits, previewEverySteps, webhookBackoff, webhookAttempts, privateCallbacks, moderationPolicy, lease);
    }

    /** Lets callbacks go to loopback and private addresses: for tests and closed networks, never for a public server. */
    public ServerConfig withPrivateCallbacks(boolean allowed) {
        return new ServerConfig(dataDir, database, api, host, port, workers, maxBatch, memoryBudget, limits, previewEverySteps, webhookBackoff, webhookAttempts, allowed, moderationPolicy, lease);
    }

    /**
     * Keeps the state in the database at url (postgresql://HOST[:PORT]/DB?user=..., shared by every node and worker)
     * instead of SQLite in dataDir, which then holds the results only.
     */
    public ServerConfig withDatabase(String url) {
        return new ServerConfig(dataDir, url, api, host, port, workers, maxBatch, memoryBudget, limits, previewEverySteps, webhookBackoff, webhookAttempts, privateCallbacks, moderationPolicy, lease);
    }

    /** A generation worker only: no API, just /health, /ready and /metrics on the port. */
    public ServerConfig withoutApi() {
        return new ServerConfig(dataDir, database, false, host, port, workers, maxBatch, memoryBudget, limits, previewEverySteps, webhookBackoff, webhookAttempts, privateCallbacks, moderationPolicy, lease);
    }

    public ServerConfig withLease(Duration l) {
        return new ServerConfig(dataDir, database, api, host, port, workers, maxBatch, memoryBudget, limits, previewEverySteps, webhookBackoff, webhookAttempts, privateCallbacks, moderationPolicy, l);
    }
}
