package dev.kineto.server;

import dev.kineto.model.GenerationRequest;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything `kineto serve` can be told: where data lives, the worker pool, what a request gets when it leaves a
 * setting out, and the limits that keep one user from taking the machine.
 */
public record ServerConfig(Path dataDir, int port, int workers, int maxBatch, Defaults defaults, Limits limits,
                           int previewEverySteps, Duration webhookBackoff, int webhookAttempts, Path moderationPolicy) {

    /**
     * What a request gets for a setting it leaves out: the model's trained size (short side), rate and length; and
     * sizeMultiple, what every width and height must be a multiple of for the model.
     */
    public record Defaults(int size, int sizeMultiple, double fps, double seconds, int steps, double cfg) {}

    /**
     * Per-request and per-user limits. One credit buys creditUnit pixel-frame-steps (see {@link Pricing}).
     */
    public record Limits(int maxPromptChars, double maxSeconds, int maxSide, int maxSteps, long creditUnit,
                         long dailyFreeCredits, int maxQueuedPerUser, int submitsPerMinute, long maxImageBytes) {}

    /** Where `kineto serve` keeps its database and files unless told otherwise. */
    public static final String DEFAULT_DATA = "kineto-data";

    /** The default model's: 64×64 in 16-pixel patches, 2 s at 8 fps. */
    public static final Defaults MODEL_DEFAULTS = new Defaults(64, 16, 8, 2, GenerationRequest.DEFAULT_STEPS, GenerationRequest.DEFAULT_CFG);
    public static final Limits DEFAULT_LIMITS = new Limits(4000, 10, 512, 100, 65_536, 200, 10, 60, 10 << 20);

    /**
     * One worker, batches of up to 8, the default model's settings, a preview every 2 steps (each costs a VAE decode),
     * webhooks retried 6 times from 2 s apart, and the built-in moderation policy.
     */
    public static ServerConfig defaults(Path dataDir, int port) {
        return new ServerConfig(dataDir, port, 1, 8, MODEL_DEFAULTS, DEFAULT_LIMITS, 2, Duration.ofSeconds(2), 6, null);
    }

    public ServerConfig withDefaults(Defaults d) {
        return new ServerConfig(dataDir, port, workers, maxBatch, d, limits, previewEverySteps, webhookBackoff, webhookAttempts, moderationPolicy);
    }

    public ServerConfig withLimits(Limits l) {
        return new ServerConfig(dataDir, port, workers, maxBatch, defaults, l, previewEverySteps, webhookBackoff, webhookAttempts, moderationPolicy);
    }

    public ServerConfig withWorkers(int w, int batch) {
        return new ServerConfig(dataDir, port, w, batch, defaults, limits, previewEverySteps, webhookBackoff, webhookAttempts, moderationPolicy);
    }

    public ServerConfig withWebhookBackoff(Duration backoff, int attempts) {
        return new ServerConfig(dataDir, port, workers, maxBatch, defaults, limits, previewEverySteps, backoff, attempts, moderationPolicy);
    }

    public ServerConfig withModerationPolicy(Path policy) {
        return new ServerConfig(dataDir, port, workers, maxBatch, defaults, limits, previewEverySteps, webhookBackoff, webhookAttempts, policy);
    }
}
