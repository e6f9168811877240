package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kineto.model.RequestRules;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFiles;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The API end to end over HTTP against one server: submit, stream, fetch, isolation, credits, idempotency, cancel. */
class VideoApiTest {
    /** Small jobs: 16×16, 5 frames (0.5 s at 8 fps), 2 steps: one credit each. */
    static final Map<String, Object> SMALL = Map.of("prompt", "a red ball rolls left", "size", "16x16", "seconds", 0.5, "fps", 8, "steps", 2);
    static final int DAILY_FREE = 30;
    static final ServerConfig.Limits LIMITS = new ServerConfig.Limits(ServerConfig.DEFAULT_LIMITS.maxPromptChars(), ServerConfig.DEFAULT_LIMITS.maxSeconds(),
            ServerConfig.DEFAULT_LIMITS.maxSide(), ServerConfig.DEFAULT_LIMITS.creditUnit(), DAILY_FREE, 10, 1000, 100_000);

    @RegisterExtension
    static final TestServer served = TestServer.latent(config -> config.withLimits(LIMITS));

    static JsonNode waitFor(ApiClient api, String id, String status) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            JsonNode video = api.get("/v1/videos/" + id).json();
            if (video.path("status").asText().equals(status)) return video;
            Thread.sleep(25);
        }
        throw new AssertionError("video " + id + " never reached " + status + ": " + api.get("/v1/videos/" + id));
    }

    @Test
    void aStreamThatReconnectsWithLastEventIdGoesOnWhereItStopped() throws Exception {
        ApiClient api = served.newUser("resumer", 1000);
        String id = api.post("/v1/videos", Map.of("prompt", "a red ball", "size", "64x64", "seconds", 2, "steps", 100)).json().path("id").asText();
        String key = api.key();
        String last = null;
        try (var stream = new SseStream(served.server().port(), id, key, null)) {
            for (SseStream.Event e = stream.next(); e != null; e = stream.next()) {
                last = e.id();
                if (e.name().equals("progress") && e.data().path("step").asInt() >= 3) break; // and the connection drops
            }
        }
        List<SseStream.Event> resumed;
        try (var stream = new SseStream(served.server().port(), id, key, last)) {
            resumed = stream.rest();
        }
        var seen = JobEvents.EventId.parse(last);
        for (SseStream.Event e : resumed) {
            var next = JobEvents.EventId.parse(e.id());
            assertTrue(next.after(seen), e.id() + " comes after " + seen.text() + ": " + resumed.stream().map(SseStream.Event::id).toList());
            seen = next;
        }
        assertEquals("done", resumed.getLast().name());
        assertEquals("succeeded", resumed.getLast().data().path("status").asText());
    }

    @Test
    void submitStreamsProgressAndPreviewsThenServesTheMp4() throws Exception {
        ApiClient api = served.newUser("alice", 0);
        var body = new java.util.HashMap<String, Object>(SMALL);
        body.put("steps", 6);
        body.put("size", "32x16");
        var created = api.post("/v1/videos", body);
        assertEquals(201, created.status(), created.toString());
        assertEquals("queued", created.json().path("status").asText());
        assertEquals(1, created.json().path("cost").asLong());
        String id = created.json().path("id").asText();

        List<ApiClient.Event> events = api.events(id);
        assertEquals("done", events.getLast().name(), events.toString());
        assertEquals("succeeded", events.getLast().data().path("status").asText());
        assertTrue(events.stream().anyMatch(e -> e.name().equals("progress") && e.data().path("step").asInt() > 0), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.name().equals("preview") && e.data().path("image").asText().startsWith("data:image/png;base64,")));

        JsonNode video = waitFor(api, id, "succeeded");
        assertEquals(100, video.path("progress").asInt());
        assertTrue(video.path("seed").isIntegralNumber(), "the seed actually used is reported");
        assertEquals(RequestRules.DEFAULT_CFG, video.path("cfg").asDouble(), "a request without cfg gets the model's default guidance");
        var mp4 = api.get(video.path("url").asText());
        assertEquals(200, mp4.status());
        assertEquals("video/mp4", mp4.headers().firstValue("Content-Type").orElse(""));
        Path file = Files.write(served.data().resolve("fetched.mp4"), mp4.bytes());
        Clip clip = VideoFiles.read(file);
        assertEquals(5, clip.frameCount());
        assertEquals(32, clip.width());
        assertEquals(16, clip.height());

        var thumbnail = ImageIO.read(new ByteArrayInputStream(api.get(video.path("thumbnail_url").asText()).bytes()));
        assertEquals(32, thumbnail.getWidth());

        int total = mp4.bytes().length;
        var range = api.get(video.path("url").asText(), "Range", "bytes=100-");
        assertEquals(206, range.status());
        assertEquals("bytes 100-" + (total - 1) + "/" + total, range.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(mp4.bytes(), 100, total), range.bytes());
    }

    @Test
    void usersCannotSeeOrTouchEachOthersVideosUnlessShared() throws Exception {
        ApiClient owner = served.newUser("owner", 0), other = served.newUser("other", 0);
        String id = owner.post("/v1/videos", SMALL).json().path("id").asText();
        waitFor(owner, id, "succeeded");
        for (var r : List.of(other.get("/v1/videos/" + id), other.get("/v1/videos/" + id + "/content"), other.get("/v1/videos/" + id + "/events"),
                other.post("/v1/videos/" + id + "/cancel", "{}"), other.delete("/v1/videos/" + id), served.anonymous().get("/v1/videos/" + id),
                other.post("/v1/videos/" + id + "/share", Map.of("shared", true)))) {
            assertEquals(404, r.status(), r.toString());
            assertEquals("not_found", r.code());
        }
        assertEquals(0, other.get("/v1/videos").json().path("data").size());
        assertEquals(200, owner.get("/v1/videos/" + id).status(), "the owner still has it after the others' attempts");

        assertEquals(200, owner.post("/v1/videos/" + id + "/share", Map.of("shared", true)).status());
        assertEquals(200, other.get("/v1/videos/" + id + "/content").status(), "shared videos are visible to everyone");
        assertTrue(served.anonymous().get("/v1/feed").json().path("data").findValuesAsText("id").contains(id));
        assertEquals(404, other.delete("/v1/videos/" + id).status(), "but only the owner may delete them");
    }

    @Test
    void concurrentSubmitsNeverSpendMoreCreditsThanTheUserHas() throws Exception {
        ApiClient api = served.newUser("spender", 5); // DAILY_FREE (30) free + 5 purchased credits
        var costly = Map.of("prompt", "a ball", "size", "128x128", "seconds", 0.5, "fps", 8, "steps", 8); // 10 credits
        List<Callable<ApiClient.Response>> submits = new ArrayList<>();
        for (int i = 0; i < 24; i++) submits.add(() -> api.post("/v1/videos", costly));
        List<ApiClient.Response> responses = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(12)) {
            for (var f : pool.invokeAll(submits)) responses.add(f.get());
        }
        assertEquals(3, responses.stream().filter(r -> r.status() == 201).count(), responses.toString());
        assertTrue(responses.stream().allMatch(r -> r.status() == 201 || r.code().equals("insufficient_credits")), responses.toString());
        JsonNode me = api.get("/v1/me").json();
        assertEquals(0, me.path("free_credits_left").asLong());
        assertEquals(5, me.path("credits").asLong(), "three jobs took the 30 free credits; the 5 purchased ones cannot pay a fourth");
        var r = api.post("/v1/videos", costly);
        assertEquals(402, r.status());
        assertTrue(r.json().path("error").path("message").asText().contains("costs 10 credits"), r.toString());
        responses.stream().filter(a -> a.status() == 201).forEach(a -> api.post("/v1/videos/" + a.json().path("id").asText() + "/cancel", "{}"));
    }

    @Test
    void anIdempotencyKeyNeverMakesASecondJobNorChargesTwice() throws Exception {
        ApiClient api = served.newUser("retrier", 0);
        List<Callable<ApiClient.Response>> retries = new ArrayList<>();
        for (int i = 0; i < 8; i++) retries.add(() -> api.post("/v1/videos", SMALL, "Idempotency-Key", "order-42"));
        var ids = new HashSet<String>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (var f : pool.invokeAll(retries)) {
                var r = f.get();
                assertTrue(r.status() == 201 || r.status() == 200, r.toString());
                ids.add(r.json().path("id").asText());
            }
        }
        assertEquals(1, ids.size());
        assertEquals(DAILY_FREE - 1, api.get("/v1/me").json().path("free_credits_left").asLong());
        assertEquals(1, api.get("/v1/videos").json().path("data").size());
        var reused = api.post("/v1/videos", Map.of("prompt", "something else"), "Idempotency-Key", "order-42");
        assertEquals(422, reused.status());
        assertEquals("idempotency_key_reused", reused.code());
    }

    @Test
    void cancelStopsARunningJobWithinAStepAndRefundsIt() throws Exception {
        ApiClient api = served.newUser("canceller", 0);
        waitUntilIdle();
        String id = api.post("/v1/videos", Map.of("prompt", "a long one", "size", "32x32", "seconds", 2, "steps", 100)).json().path("id").asText();
        waitFor(api, id, "running");
        var cancelled = api.post("/v1/videos/" + id + "/cancel", "{}");
        assertEquals(200, cancelled.status(), cancelled.toString());
        assertEquals("cancelled", cancelled.json().path("status").asText());
        long start = System.nanoTime();
        waitUntilIdle();
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "the worker stops within a sampling step, not after 100");
        assertEquals(DAILY_FREE, api.get("/v1/me").json().path("free_credits_left").asLong(), "refunded");
        assertEquals(409, api.post("/v1/videos/" + id + "/cancel", "{}").status());
        assertEquals("not_ready", api.get("/v1/videos/" + id + "/content").code());
        assertEquals("cancelled", api.get("/v1/videos/" + id).json().path("status").asText(), "and never completes it");
    }

    /** Waits until no job is queued and no worker is busy, as /metrics reports. */
    static void waitUntilIdle() throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            String metrics = new String(served.anonymous().get("/metrics").bytes());
            if (metrics.contains("kineto_queue_depth 0.0") && metrics.contains("kineto_workers_busy 0.0")) return;
            Thread.sleep(25);
        }
        throw new AssertionError("the server never became idle");
    }

    @Test
    void aModeratedPromptGetsItsOwnStatusAndCostsNothing() {
        ApiClient api = served.newUser("edgy", 0);
        var r = api.post("/v1/videos", Map.of("prompt", "a G.O.R.E scene with blood", "size", "16x16"));
        assertEquals(201, r.status(), r.toString());
        assertEquals("moderated", r.json().path("status").asText());
        assertEquals(0, r.json().path("cost").asLong());
        assertEquals(DAILY_FREE, api.get("/v1/me").json().path("free_credits_left").asLong());
        JsonNode stored = api.get("/v1/videos/" + r.json().path("id").asText()).json();
        assertEquals("moderated", stored.path("status").asText());
        assertEquals("moderated", stored.path("error").path("code").asText());
    }

    @Test
    void listIsNewestFirstAndPaginates() {
        ApiClient api = served.newUser("lister", 0);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) ids.add(api.post("/v1/videos", Map.of("prompt", "ball " + i, "size", "16x16", "seconds", 0.125, "steps", 1)).json().path("id").asText());
        var first = api.get("/v1/videos?limit=3").json();
        assertEquals(List.of(ids.get(4), ids.get(3), ids.get(2)), first.path("data").findValuesAsText("id"));
        assertTrue(first.path("has_more").asBoolean());
        var second = api.get("/v1/videos?limit=3&after=" + first.path("next_cursor").asText()).json();
        assertEquals(List.of(ids.get(1), ids.get(0)), second.path("data").findValuesAsText("id"));
        assertTrue(!second.path("has_more").asBoolean());

        assertEquals(200, api.delete("/v1/videos/" + ids.get(0)).status());
        assertEquals(404, api.get("/v1/videos/" + ids.get(0)).status());
        assertEquals(4, api.get("/v1/videos").json().path("data").size());
    }

    @Test
    void compatibleQueuedJobsShareOneForwardPass() throws Exception {
        ApiClient api = served.newUser("batcher", 0);
        waitUntilIdle();
        long batchesOfFourBefore = batchesOf(4);
        String blocker = api.post("/v1/videos", Map.of("prompt", "blocker", "size", "32x32", "seconds", 2, "steps", 60)).json().path("id").asText();
        waitFor(api, blocker, "running");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) ids.add(api.post("/v1/videos", Map.of("prompt", "dot " + i, "size", "24x24", "seconds", 0.5, "fps", 8, "steps", 2)).json().path("id").asText());
        api.post("/v1/videos/" + blocker + "/cancel", "{}");
        for (String id : ids) waitFor(api, id, "succeeded");
        assertEquals(batchesOfFourBefore + 1, batchesOf(4), "the four compatible jobs ran as one batch");
    }

    @Test
    void aStudioSessionWorksLikeAKeyUntilLogOut() {
        String key = served.server().store().accounts().createUser("browser", User.FREE, false, 0).apiKey();
        var login = served.anonymous().post("/v1/sessions", Map.of("username", "browser", "api_key", key));
        assertEquals(200, login.status(), login.toString());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertTrue(login.headers().firstValue("Set-Cookie").orElseThrow().contains("HttpOnly"));
        assertEquals("browser", served.anonymous().get("/v1/me", "Cookie", cookie).json().path("name").asText());
        assertEquals(201, served.anonymous().post("/v1/videos", SMALL, "Cookie", cookie, KinetoServer.CSRF_HEADER, "1").status());
        assertEquals(204, served.anonymous().delete("/v1/sessions", "Cookie", cookie, KinetoServer.CSRF_HEADER, "1").status());
        assertEquals(401, served.anonymous().get("/v1/me", "Cookie", cookie).status(), "the session ended");
        assertEquals(401, served.anonymous().post("/v1/sessions", Map.of("username", "someone-else", "api_key", key)).status(), "name and key must match");
    }

    @Test
    void theAdminViewShowsUsageQueueWorkersAndModerationHits() throws Exception {
        ApiClient user = served.newUser("counted", 0);
        ApiClient admin = served.anonymous().as(served.server().store().accounts().createUser("root", User.FREE, true, 0).apiKey());
        user.post("/v1/videos", Map.of("prompt", "porn", "size", "16x16"));
        waitFor(user, user.post("/v1/videos", SMALL).json().path("id").asText(), "succeeded");
        JsonNode usage = admin.get("/v1/admin/usage?days=3").json();
        JsonNode today = usage.path("days").get(0);
        assertEquals(3, usage.path("days").size());
        assertEquals(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(), today.path("day").asText());
        assertTrue(today.path("active_users").asInt() >= 1 && today.path("jobs").asInt() >= 2, today.toString());
        assertTrue(today.path("moderation_hits").asInt() >= 1 && today.path("video_seconds").asDouble() >= 0.625, today.toString());
        assertTrue(today.path("credits_spent").asInt() >= 1, today.toString());
        assertEquals(1, usage.path("workers").asInt());
        assertTrue(usage.path("jobs_by_status").path("succeeded").asInt() >= 1);
    }

    static long batchesOf(int size) {
        var m = java.util.regex.Pattern.compile("kineto_generation_seconds_count\\{batch_size=\"" + size + "\"} (\\d+)")
                .matcher(new String(served.anonymous().get("/metrics").bytes()));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void healthReadinessMetricsAndTheOpenApiDocument() {
        assertEquals(200, served.anonymous().get("/health").status());
        assertEquals(200, served.anonymous().get("/ready").status());
        String metrics = new String(served.anonymous().get("/metrics").bytes());
        for (String name : List.of("kineto_queue_depth", "kineto_job_latency_seconds", "kineto_generation_seconds", "kineto_workers_busy",
                "kineto_video_seconds_generated")) {
            assertTrue(metrics.contains(name), name + " in\n" + metrics);
        }
        JsonNode document = served.anonymous().get("/openapi.json").json(), paths = document.path("paths");
        JsonNode settings = document.at("/components/schemas/VideoRequest/properties");
        var rules = TinyModel.config().rules();
        assertEquals(rules.seconds(), settings.at("/seconds/default").asDouble(), "the served model's length, not the bundled one's 2 s");
        assertEquals(0.5, rules.seconds());
        assertEquals(rules.fps(), settings.at("/fps/default").asDouble());
        assertEquals(RequestRules.DEFAULT_STEPS, settings.at("/steps/default").asInt());
        assertEquals(RequestRules.DEFAULT_CFG, settings.at("/cfg/default").asDouble());
        assertEquals(RequestRules.MAX_STEPS, settings.at("/steps/maximum").asInt());
        assertEquals(RequestRules.MAX_CFG, settings.at("/cfg/maximum").asDouble());
        assertEquals(RequestRules.MAX_SEED, settings.at("/seed/maximum").asLong());
        assertTrue(settings.at("/size/description").asText().contains("multiples of " + rules.sizeMultiple() + " "), settings.at("/size/description").asText());
        for (String route : served.server().routes()) {
            String[] methodPath = route.split(" ");
            if (methodPath[0].equals("BEFORE")) continue;
            String path = methodPath[1];
            String method = methodPath[0].toLowerCase().replace("sse", "get");
            assertTrue(paths.path(path).has(method), "the OpenAPI document describes " + route);
        }
        assertNotEquals(0, served.server().routes().size());
    }
}
