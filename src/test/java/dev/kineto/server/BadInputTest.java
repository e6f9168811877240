package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kineto.model.RequestRules;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input answers its 4xx with a machine-readable code and a message; never a 5xx. */
class BadInputTest {
    static final int RATE = 20;

    @TempDir
    static Path data;
    static KinetoServer server;
    static ApiClient anonymous, api;
    static final AtomicInteger USERS = new AtomicInteger();

    @BeforeAll
    static void start() {
        var d = ServerConfig.DEFAULT_LIMITS;
        var limits = new ServerConfig.Limits(d.maxPromptChars(), d.maxSeconds(), d.maxSide(), d.creditUnit(), 15, 2, RATE, 100_000);
        server = KinetoServer.start(TinyModel.serverConfig(data).withLimits(limits), TinyModel.generator());
        anonymous = new ApiClient("http://localhost:" + server.port(), null);
        api = user("caller");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static ApiClient user(String name) {
        return anonymous.as(server.store().accounts().createUser(name, User.FREE, false, 0).apiKey());
    }

    /** A request, sent as a fresh user (so the rate limit stays out of the way), and the status and code it must get. */
    record Case(String what, int status, String code, Function<ApiClient, ApiClient.Response> request) {}

    static Case video(String what, String json, String code) {
        return new Case(what, 400, code, api -> api.post("/v1/videos", json));
    }

    static byte[] png(int w, int h) throws Exception {
        var out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    @Test
    void aKnownPathWithTheWrongMethodIs405WithAllowAndShareWithoutAKeyIs401() {
        var wrong = api.delete("/v1/me");
        assertEquals(405, wrong.status(), new String(wrong.bytes()));
        assertEquals("method_not_allowed", wrong.code());
        assertEquals("GET, HEAD", wrong.headers().firstValue("Allow").orElse(""));
        var put = api.delete("/v1/videos/video_x/share");
        assertEquals(405, put.status(), new String(put.bytes()));
        assertEquals("POST", put.headers().firstValue("Allow").orElse(""));
        assertEquals(404, api.get("/v1/nothing").status(), "an unknown path stays 404");
        var share = anonymous.post("/v1/videos/video_x/share", "");
        assertEquals(401, share.status(), new String(share.bytes()));
    }

    @Test
    void everyBadRequestGetsItsCodeAndAMessage() throws Exception {
        String longPrompt = "a".repeat(4001);
        List<Case> cases = List.of(
                video("not JSON", "{prompt: ", "invalid_json"),
                video("empty body", "", "invalid_json"),
                video("an array", "[1, 2]", "invalid_json"),
                video("trailing junk", "{\"prompt\": \"x\"} extra", "invalid_json"),
                video("unknown field", "{\"prompt\": \"x\", \"colour\": \"red\"}", "unknown_field"),
                video("wrong type", "{\"prompt\": \"x\", \"seconds\": \"long\"}", "invalid_type"),
                video("fractional steps", "{\"prompt\": \"x\", \"steps\": 2.5}", "invalid_type"),
                video("no prompt", "{}", "missing_field"),
                video("blank prompt", "{\"prompt\": \"   \"}", "missing_field"),
                video("prompt over the limit", "{\"prompt\": \"" + longPrompt + "\"}", "prompt_too_long"),
                video("negative prompt over the limit", "{\"prompt\": \"x\", \"negative_prompt\": \"" + longPrompt + "\"}", "prompt_too_long"),
                video("zero seconds", "{\"prompt\": \"x\", \"seconds\": 0}", "out_of_range"),
                video("too long", "{\"prompt\": \"x\", \"seconds\": 11}", "out_of_range"),
                video("fps 0", "{\"prompt\": \"x\", \"fps\": 0}", "out_of_range"),
                video("fps 31", "{\"prompt\": \"x\", \"fps\": 31}", "out_of_range"),
                video("steps 0", "{\"prompt\": \"x\", \"steps\": 0}", "out_of_range"),
                video("steps 101", "{\"prompt\": \"x\", \"steps\": 101}", "out_of_range"),
                video("negative cfg", "{\"prompt\": \"x\", \"cfg\": -1}", "out_of_range"),
                video("negative seed", "{\"prompt\": \"x\", \"seed\": -1}", "out_of_range"),
                video("cfg above the model's cap", "{\"prompt\": \"x\", \"cfg\": " + (RequestRules.MAX_CFG + 1) + "}", "out_of_range"),
                video("seed above the model's range", "{\"prompt\": \"x\", \"seed\": " + (RequestRules.MAX_SEED + 1) + "}", "out_of_range"),
                video("aspect 4:3", "{\"prompt\": \"x\", \"aspect_ratio\": \"4:3\"}", "unsupported_value"),
                video("quality ultra", "{\"prompt\": \"x\", \"quality\": \"ultra\"}", "unsupported_value"),
                video("size without x", "{\"prompt\": \"x\", \"size\": \"64\"}", "invalid_size"),
                video("size not a multiple of 8", "{\"prompt\": \"x\", \"size\": \"65x64\"}", "invalid_size"),
                video("size too small to encode", "{\"prompt\": \"x\", \"size\": \"8x8\"}", "invalid_size"),
                video("size too big", "{\"prompt\": \"x\", \"size\": \"1024x1024\"}", "invalid_size"),
                video("size and aspect", "{\"prompt\": \"x\", \"size\": \"64x64\", \"aspect_ratio\": \"16:9\"}", "conflicting_fields"),
                video("ftp callback", "{\"prompt\": \"x\", \"callback_url\": \"ftp://example.com/x\"}", "invalid_url"),
                video("relative callback", "{\"prompt\": \"x\", \"callback_url\": \"/hook\"}", "invalid_url"),
                new Case("idempotency key too long", 400, "invalid_idempotency_key",
                        api -> api.post("/v1/videos", Map.of("prompt", "x"), "Idempotency-Key", "k".repeat(256))),
                new Case("quote with bad input", 400, "out_of_range", api -> api.post("/v1/videos/cost", Map.of("prompt", "x", "steps", 500))),
                new Case("no API key", 401, "unauthorized", api -> anonymous.post("/v1/videos", Map.of("prompt", "x"))),
                new Case("wrong API key", 401, "unauthorized", api -> anonymous.as("kn_wrong").post("/v1/videos", Map.of("prompt", "x"))),
                new Case("not a bearer token", 401, "unauthorized", api -> anonymous.get("/v1/videos", "Authorization", "Basic YTpi")),
                new Case("bad login", 401, "invalid_credentials", api -> anonymous.post("/v1/sessions", Map.of("username", "caller", "api_key", "kn_x"))),
                new Case("text as an image", 415, "unsupported_image", api -> api.postBytes("/v1/images", "text/plain", "hello".getBytes())),
                new Case("garbage as a PNG", 415, "unsupported_image", api -> api.postBytes("/v1/images", "image/png", new byte[] {1, 2, 3})),
                new Case("image too large", 413, "image_too_large", api -> api.postBytes("/v1/images", "image/png", new byte[200_000])),
                new Case("image too small", 400, "invalid_image_size", api -> api.postBytes("/v1/images", "image/png", uncheckedPng(8, 8))),
                new Case("limit 0", 400, "out_of_range", api -> api.get("/v1/videos?limit=0")),
                new Case("limit not a number", 400, "out_of_range", api -> api.get("/v1/videos?limit=ten")),
                new Case("unknown cursor", 400, "invalid_cursor", api -> api.get("/v1/videos?after=video_nope")),
                new Case("unknown video", 404, "not_found", api -> api.get("/v1/videos/video_nope")),
                new Case("unknown route", 404, "not_found", api -> api.get("/v1/nothing")),
                new Case("share without a value", 400, "missing_field", api -> api.post("/v1/videos/video_nope/share", "{}")),
                new Case("admin view as a user", 403, "forbidden", api -> api.get("/v1/admin/usage")),
                new Case("too expensive", 402, "insufficient_credits",
                        api -> api.post("/v1/videos", Map.of("prompt", "x", "size", "128x128", "seconds", 1, "fps", 8, "steps", 8))));
        for (Case c : cases) {
            var r = c.request().apply(user("user" + USERS.incrementAndGet()));
            assertEquals(c.status(), r.status(), c.what() + ": " + r);
            assertEquals(c.code(), r.code(), c.what() + ": " + r);
            assertTrue(r.json().path("error").path("message").asText().length() > 10, c.what() + " says what to fix: " + r);
        }
    }

    static byte[] uncheckedPng(int w, int h) {
        try {
            return png(w, h);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aGoodImageIsStoredFromARawBodyOrAMultipartForm() throws Exception {
        var r = api.postBytes("/v1/images", "image/png", png(64, 48));
        assertEquals(201, r.status(), r.toString());
        assertEquals(64, r.json().path("width").asInt());
        assertTrue(r.json().path("id").asText().startsWith("img_"));
        assertTrue(Files.exists(data.resolve("images").resolve(r.json().path("id").asText() + ".png")));

        var form = new ByteArrayOutputStream();
        form.writeBytes("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n".getBytes());
        form.writeBytes(png(20, 30));
        form.writeBytes("\r\n--XyZ--\r\n".getBytes());
        var multipart = api.postBytes("/v1/images", "multipart/form-data; boundary=XyZ", form.toByteArray());
        assertEquals(201, multipart.status(), multipart.toString());
        assertEquals(30, multipart.json().path("height").asInt());
    }

    @Test
    void tooManyQueuedJobsAndUnfinishedContent() {
        ApiClient busy = user("busy");
        var slow = Map.of("prompt", "slow", "size", "16x16", "seconds", 0.125, "steps", 100);
        String first = busy.post("/v1/videos", slow).json().path("id").asText();
        assertEquals(201, busy.post("/v1/videos", slow).status());
        var third = busy.post("/v1/videos", slow);
        assertEquals(429, third.status(), third.toString());
        assertEquals("too_many_queued", third.code());
        var content = busy.get("/v1/videos/" + first + "/content");
        assertEquals(409, content.status());
        assertEquals("not_ready", content.code());
        assertEquals("unsupported_value", busy.get("/v1/videos/" + first + "/content?variant=gif").code());
        busy.post("/v1/videos/" + first + "/cancel", "{}");
        assertEquals(201, busy.post("/v1/videos", slow).status(), "a cancel frees a place in the queue");
    }

    @Test
    void submitsOverTheRateLimitAreRefusedWithRetryAfter() {
        ApiClient hasty = user("hasty");
        ApiClient.Response last = null;
        for (int i = 0; i <= RATE; i++) last = hasty.post("/v1/videos", "{}");
        assertEquals(429, last.status(), last.toString());
        assertEquals("rate_limited", last.code());
        int retryAfter = Integer.parseInt(last.headers().firstValue("Retry-After").orElse("0"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "a token is back within a minute: " + retryAfter);
        assertEquals(400, user("patient").post("/v1/videos", "{}").status(), "other users are not affected");
    }
}
