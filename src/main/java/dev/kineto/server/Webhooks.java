package dev.kineto.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivers finished-video callbacks from a durable outbox table. Each POST carries
 * {@code Kineto-Signature: t=UNIX_SECONDS,v1=HEX(HMAC-SHA256(user's webhook secret, t + "." + body))}; a delivery that
 * does not get a 2xx is retried after backoff × 2^attempt until the attempts run out. Deliveries run side by side
 * (up to {@link #CONCURRENT}), so a slow receiver holds up only its own.
 */
final class Webhooks implements AutoCloseable {
    static final int CONCURRENT = 64;
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
                        System.err.println("kineto: webhook delivery " + d.id() + ": " + e.getMessage());
                    } finally {
                        slots.release();
                    }
                });
            }
        } catch (RuntimeException e) {
            System.err.println("kineto: webhook delivery: " + e.getMessage());
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
                    .header("Kineto-Delivery", d.id())
                    .header("Kineto-Signature", "t=" + t + ",v1=" + sign(secret, t, d.body()))
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

    /** The hex HMAC-SHA256 of "t.body" under the user's webhook secret; receivers recompute it to check a callback. */
    static String sign(String secret, long t, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
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
