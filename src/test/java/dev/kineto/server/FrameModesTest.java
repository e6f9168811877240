package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kineto.model.MemoryCost;
import dev.kineto.video.Clip;
import dev.kineto.video.Psnr;
import dev.kineto.video.VideoFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image-to-video, first and last frame, and extensions over HTTP, on the tiny pixel model (untrained: its videos are
 * noise, but the frames it is given are held, so they come back through the MP4); and their refusal on a latent model.
 */
class FrameModesTest {
    static final double MIN_PSNR = 30;

    @RegisterExtension
    static final TestServer served = TestServer.pixel();

    /** A smooth picture (H.264 keeps it within the PSNR bar), not the video's size or aspect, so it is scaled and cropped. */
    static byte[] png(int width, int height, int hue) throws IOException {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) image.setRGB(x, y, (hue + 4 * x) % 256 << 16 | (60 + 3 * y) % 256 << 8 | (200 - 2 * x) & 0xff);
        }
        var out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    static String upload(ApiClient api, byte[] png) {
        var r = api.postBytes("/v1/images", "image/png", png);
        assertEquals(201, r.status(), r.toString());
        return r.json().path("id").asText();
    }

    static Map<String, Object> body(Object... fields) {
        Map<String, Object> body = new HashMap<>(Map.of("prompt", "a red ball moves right", "steps", 2));
        for (int i = 0; i < fields.length; i += 2) body.put((String) fields[i], fields[i + 1]);
        return body;
    }

    static JsonNode made(ApiClient api, Map<String, Object> body) throws InterruptedException {
        var submitted = api.post("/v1/videos", body);
        assertEquals(201, submitted.status(), submitted.toString());
        String id = submitted.json().path("id").asText();
        for (int i = 0; i < 1200; i++) {
            JsonNode video = api.get("/v1/videos/" + id).json();
            if (video.path("status").asText().equals(Job.SUCCEEDED)) return video;
            if (!video.path("status").asText().matches("queued|running")) throw new AssertionError("video " + id + " ended " + video);
            Thread.sleep(50);
        }
        throw new AssertionError("video " + id + " never finished");
    }

    /** The video's MP4 as served, decoded (through a temporary file of its own: other tests' servers use this too). */
    static Clip decoded(ApiClient api, JsonNode video) throws IOException {
        var content = api.get(video.path("url").asText());
        assertEquals(200, content.status());
        Path mp4 = Files.createTempFile("kineto-video", ".mp4");
        try {
            Files.write(mp4, content.bytes());
            return VideoFiles.read(mp4, video.path("width").asInt(), video.path("height").asInt(), 1000);
        } finally {
            Files.delete(mp4);
        }
    }

    /** The uploaded picture as the video's frame: scaled to cover its size, centre-cropped. */
    static byte[] expected(byte[] png, JsonNode video) throws IOException {
        Path file = Files.createTempFile(served.data(), "image", ".png");
        Files.write(file, png);
        return VideoFiles.read(file, video.path("width").asInt(), video.path("height").asInt(), 1).frames().getFirst();
    }

    @Test
    void imageToVideoStartsFromTheUploadedImage() throws Exception {
        ApiClient api = served.newUser("image");
        byte[] png = png(48, 40, 30);
        JsonNode video = made(api, body("image_id", upload(api, png)));
        Clip clip = decoded(api, video);
        assertEquals(video.path("frames").asInt(), clip.frameCount());
        double psnr = Psnr.of(expected(png, video), clip.frames().getFirst());
        assertTrue(psnr >= MIN_PSNR, "first frame " + psnr + " dB from the image");
    }

    @Test
    void firstAndLastImagesAreTheVideosEnds() throws Exception {
        ApiClient api = served.newUser("transition");
        byte[] first = png(32, 32, 0), last = png(40, 48, 150);
        JsonNode video = made(api, body("image_id", upload(api, first), "last_image_id", upload(api, last)));
        Clip clip = decoded(api, video);
        assertTrue(Psnr.of(expected(first, video), clip.frames().getFirst()) >= MIN_PSNR);
        double psnr = Psnr.of(expected(last, video), clip.frames().getLast());
        assertTrue(psnr >= MIN_PSNR, "last frame " + psnr + " dB from the last image");
    }

    @Test
    void anExtensionAddsItsSecondsToTheSourceAndCostsOnlyThem() throws Exception {
        ApiClient api = served.newUser("extend");
        JsonNode source = made(api, body("seconds", 1));
        Clip sourceClip = decoded(api, source);
        Map<String, Object> extend = body("extend_video_id", source.path("id").asText(), "seconds", 2);
        var quote = api.post("/v1/videos/cost", extend);
        assertEquals(200, quote.status(), quote.toString());
        int added = quote.json().path("frames").asInt();
        assertEquals(Pricing.cost(new dev.kineto.model.GenerationRequest("x", "", source.path("width").asInt(), source.path("height").asInt(), added,
                source.path("fps").asDouble(), 2, 2.5, 0), ServerConfig.DEFAULT_LIMITS.creditUnit()), quote.json().path("cost").asLong(), "priced for the added frames");
        long before = api.get("/v1/me").json().path("free_credits_left").asLong();
        JsonNode video = made(api, extend);
        assertEquals(quote.json().path("cost").asLong(), before - api.get("/v1/me").json().path("free_credits_left").asLong(), "charged once, as quoted");
        Clip clip = decoded(api, video);
        assertEquals(sourceClip.frameCount() + added, clip.frameCount());
        assertEquals(clip.frameCount(), video.path("frames").asInt());
        assertEquals(source.path("id").asText(), video.path("extend_video_id").asText());
        for (int i : new int[] {0, sourceClip.frameCount() - 1}) {
            double psnr = Psnr.of(sourceClip.frames().get(i), clip.frames().get(i));
            assertTrue(psnr >= MIN_PSNR, "source frame " + i + " kept: " + psnr + " dB");
        }
    }

    @Test
    void anotherUsersOrAMissingImageOrVideoIsA404() throws Exception {
        ApiClient owner = served.newUser("owner"), other = served.newUser("other");
        String image = upload(owner, png(32, 32, 0));
        String video = made(owner, body()).path("id").asText();
        notFound(other, List.of(body("image_id", image), body("image_id", upload(other, png(32, 32, 9)), "last_image_id", image),
                body("extend_video_id", video), body("image_id", "img_missing"), body("extend_video_id", "video_missing")));
    }

    /** Each body names what the client may not see: a 404 to quote and to submit, and nothing queued. */
    static void notFound(ApiClient client, List<Map<String, Object>> bodies) {
        for (String path : List.of("/v1/videos", "/v1/videos/cost")) {
            for (var b : bodies) {
                var r = client.post(path, b);
                assertEquals(404, r.status(), path + " " + b + ": " + r);
                assertEquals("not_found", r.code());
            }
        }
        assertEquals(0, client.get("/v1/videos").json().path("data").size(), "nothing was queued");
    }

    @Test
    void aLastImageWithoutAFirstOrAnExtensionWithASizeIsA400() throws Exception {
        ApiClient api = served.newUser("fields");
        String image = upload(api, png(32, 32, 0));
        var r = api.post("/v1/videos", body("last_image_id", image));
        assertEquals(400, r.status(), r.toString());
        assertTrue(r.json().path("error").path("message").asText().contains("image_id"), r.toString());
        r = api.post("/v1/videos", body("image_id", image, "last_image_id", image, "seconds", 4));
        assertEquals(400, r.status(), r.toString());
        assertTrue(r.json().path("error").path("message").asText().contains("9 frames"), r.toString());
        String video = made(api, body()).path("id").asText();
        r = api.post("/v1/videos", body("extend_video_id", video, "size", "64x64"));
        assertEquals(400, r.status(), r.toString());
        assertEquals("conflicting_fields", r.code());
    }

    @Test
    void theEventStreamNeedsNoAcceptHeaderAndEndsWithDone() throws Exception {
        ApiClient api = served.newUser("curl");
        JsonNode video = made(api, body());
        for (String[] headers : List.of(new String[] {}, new String[] {"Accept", "*/*"})) { // as `curl -N` sends it
            var request = HttpRequest.newBuilder(URI.create(served.anonymous().base() + "/v1/videos/" + video.path("id").asText() + "/events"))
                    .header("Authorization", "Bearer " + api.key());
            if (headers.length > 0) request.header(headers[0], headers[1]);
            var response = ApiClient.HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"), response.headers().toString());
            assertTrue(response.body().contains("event: done") || response.body().contains("event:done"), response.body());
            assertTrue(response.body().contains("\"status\":\"succeeded\""), response.body());
        }
    }

    @Test
    void aPixelModelsLongVideoCostsOneWindowsMemory(@TempDir Path windowData) throws Exception {
        var cost = new MemoryCost(TinyModel.pixelConfig());
        long oneWindow = cost.bytes(32, 32, TinyModel.pixelConfig().frames(), 1, true);
        assertTrue(cost.bytes(32, 32, 33, 1, true) > oneWindow, "the whole video in one pass would not fit");
        try (var windowed = KinetoServer.start(TinyModel.serverConfig(windowData).withMemoryBudget(oneWindow), TinyModel.pixelGenerator())) {
            var api = new ApiClient("http://localhost:" + windowed.port(), windowed.store().accounts().createUser("long", User.FREE, false, 1000).apiKey());
            Map<String, Object> longVideo = body("seconds", 4);
            var quote = api.post("/v1/videos/cost", longVideo);
            assertEquals(200, quote.status(), quote.toString());
            JsonNode video = made(api, longVideo);
            assertEquals(quote.json().path("frames").asInt(), decoded(api, video).frameCount());
        }
    }

    @Test
    void theOpenApiDocumentDescribesEveryModeWithAnExample() {
        JsonNode document = served.anonymous().get("/openapi.json").json();
        for (String field : List.of("image_id", "last_image_id", "extend_video_id")) {
            assertTrue(document.at("/components/schemas/VideoRequest/properties").has(field), field);
            assertTrue(document.at("/components/schemas/Video/properties").has(field), field);
        }
        for (String path : List.of("/v1/videos", "/v1/videos/cost")) {
            JsonNode examples = document.path("paths").path(path).at("/post/requestBody/content/application~1json/examples");
            for (String mode : List.of("text", "image", "first_and_last", "extend")) assertTrue(examples.has(mode), path + " example " + mode);
        }
    }

    @Test
    void aLatentModelRefusesFramesWithAClearError(@TempDir Path latentData) throws Exception {
        try (KinetoServer latent = KinetoServer.start(TinyModel.serverConfig(latentData), TinyModel.generator())) {
            ApiClient api = new ApiClient("http://localhost:" + latent.port(), latent.store().accounts().createUser("latent", User.FREE, false, 100).apiKey());
            String image = upload(api, png(32, 32, 0));
            for (String path : List.of("/v1/videos", "/v1/videos/cost")) {
                var r = api.post(path, body("image_id", image));
                assertEquals(422, r.status(), r.toString());
                assertEquals("model_cannot_take_frames", r.code());
                assertTrue(r.json().path("error").path("message").asText().contains("pixel model"), r.toString());
            }
        }
    }
}
