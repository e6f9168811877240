package dev.kineto.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything `kineto serve` can be told: where data lives, the worker pool, and the limits that keep one user from
 * taking the machine. What a request gets when it leaves a setting out is the model's (model.RequestRules).
 */
public record ServerConfig(Path dataDir, String host, int port, int workers, int maxBatch, long memoryBudget, Limits limits,
                           int previewEverySteps, Duration webhookBackoff, int webhookAttempts, boolean privateCallbacks, Path moderationPolicy) {

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

    public static final Limits DEFAULT_LIMITS = new Limits(4000, 10, 512, 65_536, 200, 10, 60, 10 << 20);

    /**
     * On loopback, one worker, batches of up to 8 within the default memory budget, a preview every 2 steps (each costs a VAE decode), webhooks retried 6 times from 2 s apart to public addresses
     * only, and the built-in moderation policy.
     */
    public static ServerConfig defaults(Path dataDir, int port) {
        return new ServerConfig(dataDir, DEFAULT_HOST, port, 1, 8, DEFAULT_MEMORY_BUDGET, DEFAULT_LIMITS, 2,
                Duration.ofSeconds(2), 6, false, null);
    }

    public ServerConfig withLimits(Limits l) {
        return new ServerConfig(dataDir, host, port, workers, maxBatch, memoryBudget, l, previewEverySteps, webhookBackoff, webhookAttempts, privateCallbacks, moderationPolicy);
    }

    public ServerConfig withWorkers(int w, int batch) {
        return new ServerConfig(dataDir, host, port, w, batch, memoryBudget, limits, previewEverySteps, webhookBackoff, webhookAttempts, privateCallbacks, moderationPolicy);
    }

    public ServerConfig withWebhookBackoff(Duration backoff, int attempts) {
        return new ServerConfig(dataDir, host, port, workers, maxBatch, memoryBudget, limits, previewEverySteps, backoff, attempts, privateCallbacks, moderationPolicy);
    }

    public ServerConfig withModerationPolicy(Path policy) {
        return new ServerConfig(dataDir, host, port, workers, maxBatch, memoryBudget, limits, previewEverySteps, webhookBackoff, webhookAttempts, privateCallbacks, policy);
    }

    /** Listens on host (an address or name; 0.0.0.0 for every interface). */
    public ServerConfig withHost(String h) {
        return new ServerConfig(dataDir, h, port, workers, maxBatch, memoryBudget, limits, previewEverySteps, webhookBackoff, webhookAttempts, privateCallbacks, moderationPolicy);
    }

    public ServerConfig withMemoryBudget(long bytes) {
        return new ServerConfig(dataDir, host, port, workers, maxBatch, bytes, limits, previewEverySteps, webhookBackoff, webhookAttempts, privateCallbacks, moderationPolicy);
    }

    /** Lets callbacks go to loopback and private addresses: for tests and closed networks, never for a public server. */
    public ServerConfig withPrivateCallbacks(boolean allowed) {
        return new ServerConfig(dataDir, host, port, workers, maxBatch, memoryBudget, limits, previewEverySteps, webhookBackoff, webhookAttempts, allowed, moderationPolicy);
    }
}
