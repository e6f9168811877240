package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A finished job's callback is signed with the user's secret (Standard Webhooks) and retried with backoff until the receiver takes it. */
class WebhookTest {
    record Received(Map<String, List<String>> headers, String body) {}

    @Test
    void callbacksAreSignedAndRetriedUntilDelivered(@TempDir Path data) throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new Received(Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(calls.incrementAndGet() < 3 ? 503 : 204, -1); // fails twice, then accepts
            exchange.close();
        });
        receiver.start();
        var config = TinyModel.serverConfig(data).withWebhookBackoff(Duration.ofMillis(50), 5).withPrivateCallbacks(true);
        try (var server = KinetoServer.start(config, TinyModel.generator())) {
            var api = new ApiClient("http://localhost:" + server.port(), server.store().accounts().createUser("hooked", User.FREE, false, 0).apiKey());
            String url = "http://localhost:" + receiver.getAddress().getPort() + "/hook";
            String id = api.post("/v1/videos", Map.of("prompt", "a ball", "size", "16x16", "seconds", 0.125, "steps", 1, "callback_url", url))
                    .json().path("id").asText();
            for (int i = 0; i < 200 && received.size() < 3; i++) Thread.sleep(25);
            assertEquals(3, received.size(), "two failures, then a delivery");
            Thread.sleep(100);
            assertEquals(3, received.size(), "nothing after the delivery");
            assertEquals(List.of(new WebhookDeliveries.DeliveryState("delivered", 3, null)), server.store().webhooks().states(id));

            Received last = received.getLast();
            var event = ApiClient.JSON.readTree(last.body());
            assertEquals("video.succeeded", event.path("type").asText(), last.body());
            assertEquals(id, event.path("data").path("id").asText());
            String secret = api.get("/v1/me").json().path("webhook_secret").asText();
            assertTrue(secret.startsWith("whsec_"), secret);
            new Webhook(secret).verify(last.body(), last.headers()); // the scheme's reference library accepts it as sent
            var ids = received.stream().map(r -> new com.sun.net.httpserver.Headers(r.headers()).getFirst("webhook-id")).distinct().toList();
            assertEquals(1, ids.size(), "one webhook-id across retries: " + ids);
            assertTrue(ids.getFirst() != null && !ids.getFirst().isEmpty(), "a webhook-id header");
            assertThrows(WebhookVerificationException.class, () -> new Webhook(secret).verify(last.body().replace("succeeded", "failed"), last.headers()));
            assertThrows(WebhookVerificationException.class,
                    () -> new Webhook(Webhooks.newSecret(new byte[24])).verify(last.body(), last.headers()), "another secret does not verify");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aSlowReceiverHoldsUpOnlyItsOwnDelivery(@TempDir Path data) throws Exception {
        var fastArrived = new java.util.concurrent.CountDownLatch(1);
        var slowStarted = new java.util.concurrent.CountDownLatch(1);
        var slowSawFast = new java.util.concurrent.atomic.AtomicBoolean();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        receiver.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/slow", exchange -> {
            slowStarted.countDown();
            try {
                slowSawFast.set(fastArrived.await(20, java.util.concurrent.TimeUnit.SECONDS)); // holds the delivery until the other one came
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.createContext("/fast", exchange -> {
            fastArrived.countDown();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try (var server = KinetoServer.start(TinyModel.serverConfig(data).withPrivateCallbacks(true), TinyModel.generator())) {
            String base = "http://localhost:" + receiver.getAddress().getPort();
            var slowUser = new ApiClient("http://localhost:" + server.port(), server.store().accounts().createUser("slow", User.FREE, false, 0).apiKey());
            var fastUser = slowUser.as(server.store().accounts().createUser("fast", User.FREE, false, 0).apiKey());
            var job = Map.of("prompt", "a ball", "size", "16x16", "seconds", 0.125, "steps", 1);
            var slowJob = new java.util.HashMap<String, Object>(job);
            slowJob.put("callback_url", base + "/slow");
            assertEquals(201, slowUser.post("/v1/videos", slowJob).status());
            assertTrue(slowStarted.await(20, java.util.concurrent.TimeUnit.SECONDS), "the slow receiver got its delivery");
            String slowId = slowUser.get("/v1/videos").json().path("data").get(0).path("id").asText();
            var fastJob = new java.util.HashMap<String, Object>(job);
            fastJob.put("callback_url", base + "/fast");
            String fastId = fastUser.post("/v1/videos", fastJob).json().path("id").asText();
            for (int i = 0; i < 600 && !server.store().webhooks().states(slowId).getFirst().state().equals("delivered"); i++) Thread.sleep(50);
            assertTrue(slowSawFast.get(), "the other user's webhook arrived while the slow receiver still held its own");
            assertEquals("delivered", server.store().webhooks().states(fastId).getFirst().state());
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aCallbackToAnInternalAddressIsRefusedUnlessTheOperatorAllowsIt(@TempDir Path data) {
        try (var server = KinetoServer.start(TinyModel.serverConfig(data), TinyModel.generator())) {
            var api = new ApiClient("http://localhost:" + server.port(), server.store().accounts().createUser("u", User.FREE, false, 0).apiKey());
            var r = api.post("/v1/videos", Map.of("prompt", "a ball", "size", "16x16", "callback_url", "http://127.0.0.1:9/hook"));
            assertEquals(400, r.status(), r.toString());
            assertEquals("callback_not_allowed", r.code());
        }
    }
}
