package dev.kineto.server;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers finished-video callbacks from a durable outbox table, signed by the Standard Webhooks scheme (its reference
 * library): {@code webhook-id} (the delivery, the same on each retry), {@code webhook-timestamp} (Unix seconds) and
 * {@code webhook-signature: v1,BASE64(HMAC-SHA256(key of the whsec_ secret, id + "." + timestamp + "." + body))}, so a
 * receiver verifies with any Standard Webhooks library. A delivery that does not get a 2xx is retried after
 * backoff × 2^attempt until the attempts run out; the next attempt's time lives in the outbox row rather than in a
 * retry library's in-memory schedule, so retries survive a restart. Deliveries run side by side (up to
 * {@link #CONCURRENT}), so a slow receiver holds up only its own.
 */
final class Webhooks implements AutoCloseable {
    static final int CONCURRENT = 64;
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5), TIMEOUT = Duration.ofSeconds(10);
    /** Longer than one attempt can take, so a delivery in flight is never taken twice. */
    private static final long LEASE_MILLIS = 3 * (CONNECT_TIMEOUT.toMillis() + TIMEOUT.toMillis());

    private final Store store;
    private final Duration backoff;
    private final int maxAttempts;
    private final boolean privateAllowed;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("webhooks").daemon().factory());
    private final ExecutorService senders = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("webhook-", 0).factory());
    private final Semaphore slots = new Semaphore(CONCURRENT);

    Webhooks(Store store, Duration backoff, int maxAttempts, boolean privateAllowed) {
        this.store = store;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.privateAllowed = privateAllowed;
    }

    void start() {
        poller.scheduleWithFixedDelay(this::deliverDue, 0, Math.min(200, backoff.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void deliverDue() {
        try {
            int free = slots.availablePermits();
            if (free == 0) return;
            for (WebhookDeliveries.Delivery d : store.webhooks().takeDue(free, LEASE_MILLIS)) {
                slots.acquireUninterruptibly();
                senders.execute(() -> {
                    try {
                        deliver(d);
                    } catch (RuntimeException e) {
                        LOG.warn("webhook delivery {} failed", d.id(), e);
                    } finally {
                        slots.release();
                    }
                });
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot take webhook deliveries from the outbox: {}", e.toString());
        }
    }

    private void deliver(WebhookDeliveries.Delivery d) {
        String secret = store.accounts().userById(d.userId()).orElseThrow().webhookSecret();
        long t = System.currentTimeMillis() / 1000;
        String error;
        try {
            URI url = URI.create(d.url());
            var refusal = Callbacks.refusal(url, privateAllowed);
            if (refusal.isPresent()) {
                store.webhooks().recordAttempt(d.id(), false, refusal.get(), null); // never retried: the address will not become public
                return;
            }
            var request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("webhook-id", d.id())
                    .header("webhook-timestamp", Long.toString(t))
                    .header("webhook-signature", sign(secret, d.id(), t, d.body()))
                    .POST(HttpRequest.BodyPublishers.ofString(d.body())).build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 == 2) {
                store.webhooks().recordAttempt(d.id(), true, null, null);
                return;
            }
            error = "HTTP " + status;
        } catch (java.io.IOException | IllegalArgumentException e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        int attempt = d.attempts() + 1;
        Long next = attempt < maxAttempts ? System.currentTimeMillis() + backoff.toMillis() * (1L << (attempt - 1)) : null;
        store.webhooks().recordAttempt(d.id(), false, error, next);
    }

    /** A new user's webhook secret: whsec_ and 24 random bytes in standard Base64, the form Standard Webhooks libraries read. */
    static String newSecret(byte[] random) {
        return Webhook.SECRET_PREFIX + Base64.getEncoder().encodeToString(random);
    }

    /** The webhook-signature value of one delivery; secrets issued before the scheme (URL-safe Base64) sign with the same key bytes. */
    static String sign(String secret, String id, long timestamp, String body) {
        String key = secret.substring(Webhook.SECRET_PREFIX.length()).replace('-', '+').replace('_', '/');
        try {
            return new Webhook(Base64.getDecoder().decode(key)).sign(id, timestamp, body);
        } catch (WebhookSigningException e) {
            throw new IllegalStateException("cannot sign webhook " + id, e);
        }
    }

    @Override
    public void close() {
        poller.shutdown(); // a poll in flight ends before the database closes under it
        try {
            poller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        senders.shutdownNow();
    }
}
