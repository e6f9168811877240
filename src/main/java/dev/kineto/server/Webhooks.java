package dev.kineto.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivers finished-video callbacks from a durable outbox table. Each POST carries
 * {@code Kineto-Signature: t=UNIX_SECONDS,v1=HEX(HMAC-SHA256(user's webhook secret, t + "." + body))}; a delivery that
 * does not get a 2xx is retried after backoff × 2^attempt until the attempts run out.
 */
final class Webhooks implements AutoCloseable {
    private final Store store;
    private final Duration backoff;
    private final int maxAttempts;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("webhooks").daemon().factory());

    Webhooks(Store store, Duration backoff, int maxAttempts) {
        this.store = store;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
    }

    void start() {
        poller.scheduleWithFixedDelay(this::deliverDue, 0, Math.min(200, backoff.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void deliverDue() {
        try {
            for (Store.Delivery d : store.dueWebhooks(32)) deliver(d);
        } catch (RuntimeException e) {
            System.err.println("kineto: webhook delivery: " + e.getMessage());
        }
    }

    private void deliver(Store.Delivery d) {
        String secret = store.userById(d.userId()).orElseThrow().webhookSecret();
        long t = System.currentTimeMillis() / 1000;
        String error;
        try {
            var request = HttpRequest.newBuilder(URI.create(d.url())).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("Kineto-Delivery", d.id())
                    .header("Kineto-Signature", "t=" + t + ",v1=" + sign(secret, t, d.body()))
                    .POST(HttpRequest.BodyPublishers.ofString(d.body())).build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 == 2) {
                store.recordAttempt(d.id(), true, null, null);
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
        store.recordAttempt(d.id(), false, error, next);
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
        poller.shutdownNow();
    }
}
