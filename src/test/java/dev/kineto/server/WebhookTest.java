package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** A finished job's callback is signed with the user's secret and retried with backoff until the receiver takes it. */
class WebhookTest {
    record Received(String signature, String body) {}

    @Test
    void callbacksAreSignedAndRetriedUntilDelivered(@TempDir Path data) throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new Received(exchange.getRequestHeaders().getFirst("Kineto-Signature"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(calls.incrementAndGet() < 3 ? 503 : 204, -1); // fails twice, then accepts
            exchange.close();
        });
        receiver.start();
        var config = TinyModel.serverConfig(data).withWebhookBackoff(Duration.ofMillis(50), 5).withPrivateCallbacks(true);
        try (var server = KinetoServer.start(config, TinyModel.generator())) {
            var api = new ApiClient("http://localhost:" + server.port(), server.store().createUser("hooked", User.FREE, false, 0).apiKey());
            String url = "http://localhost:" + receiver.getAddress().getPort() + "/hook";
            String id = api.post("/v1/videos", Map.of("prompt", "a ball", "size", "16x16", "seconds", 0.125, "steps", 1, "callback_url", url))
                    .json().path("id").asText();
            for (int i = 0; i < 200 && received.size() < 3; i++) Thread.sleep(25);
            assertEquals(3, received.size(), "two failures, then a delivery");
            Thread.sleep(100);
            assertEquals(3, received.size(), "nothing after the delivery");
            assertEquals(List.of(new Store.DeliveryState("delivered", 3, null)), server.store().webhookStates(id));

            Received last = received.getLast();
            var event = ApiClient.JSON.readTree(last.body());
            assertEquals("video.succeeded", event.path("type").asText(), last.body());
            assertEquals(id, event.path("data").path("id").asText());
            String secret = api.get("/v1/me").json().path("webhook_secret").asText();
            String t = last.signature().replaceAll("t=(\\d+),v1=.*", "$1");
            assertEquals("t=" + t + ",v1=" + Webhooks.sign(secret, Long.parseLong(t), last.body()), last.signature());
            assertTrue(!Webhooks.sign("whsec_other", Long.parseLong(t), last.body()).equals(Webhooks.sign(secret, Long.parseLong(t), last.body())));
        } finally {
            receiver.stop(0);
        }
    }
}
