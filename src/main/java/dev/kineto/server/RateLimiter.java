package dev.kineto.server;

import java.util.concurrent.ConcurrentHashMap;

/** A token bucket per user: up to perMinute requests in a burst, refilled at perMinute a minute. */
final class RateLimiter {
    private final int perMinute;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }
    }

    RateLimiter(int perMinute) {
        this.perMinute = perMinute;
    }

    /** Takes one token for the user and answers 0, or, when the bucket is empty, the seconds until one is back. */
    long acquire(String userId) {
        long now = System.nanoTime();
        Bucket b = buckets.computeIfAbsent(userId, id -> new Bucket(perMinute, now));
        synchronized (b) {
            b.tokens = Math.min(perMinute, b.tokens + (now - b.refilledAt) / 60e9 * perMinute);
            b.refilledAt = now;
            if (b.tokens < 1) return Math.max(1, (long) Math.ceil((1 - b.tokens) * 60.0 / perMinute));
            b.tokens -= 1;
            return 0;
        }
    }
}
