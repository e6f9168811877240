package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The holes of issue 34, each probed from outside: body limits on bytes read, image bombs, bad uploads, CSRF, HEAD, storage failures. */
class HardeningTest {
    @TempDir
    static Path data;
    static KinetoServer server;
    static ApiClient anonymous, api;
    static String key;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(data.resolve("videos"));
        Files.write(data.resolve("videos").resolve(".video_0192.partial-123456.png"), new byte[0]); // left by a kill -9
        Files.write(data.resolve("videos").resolve(".video_0193.partial-99.mp4"), new byte[100]);
        Files.write(data.resolve("videos").resolve("video_kept.png"), new byte[10]);
        server = KinetoServer.start(TinyModel.serverConfig(data), TinyModel.generator());
        port = server.port();
        anonymous = new ApiClient("http://localhost:" + port, null);
        key = server.store().accounts().createUser("probe", User.FREE, true, 1000).apiKey();
        api = anonymous.as(key);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String post(String path, String... headers) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost:" + port + (headers.length > 0 ? "\r\n" + String.join("\r\n", headers) : "");
    }

    @Test
    void bodyLimitsCountTheBytesReadWhateverTheFramingAndWithoutLogin() throws Exception {
        long heapBefore = usedHeap();
        var login = RawHttp.chunked(port, post("/v1/sessions", "Content-Type: application/json"), 256L << 20);
        assertEquals(413, login.status(), login.toString());
        assertTrue(login.text().contains("request_too_large"), login.toString());
        var upload = RawHttp.chunked(port, post("/v1/images", "Authorization: Bearer " + key, "Content-Type: image/png"), 256L << 20);
        assertEquals(413, upload.status(), upload.toString());
        assertTrue(upload.text().contains("image_too_large"), upload.toString());
        var cancel = RawHttp.chunked(port, post("/v1/videos/video_x/cancel", "Authorization: Bearer " + key), 64L << 20);
        assertEquals(413, cancel.status(), "a route that reads no body still does not take an unbounded one: " + cancel);
        assertTrue(usedHeap() - heapBefore < 128L << 20, "the refused bodies were not held: " + (usedHeap() - heapBefore) + " bytes more");

        byte[] padded = Arrays.copyOf(png(32, 32), (int) ServerConfig.DEFAULT_LIMITS.maxImageBytes() + KinetoServer.MULTIPART_OVERHEAD + 1);
        var trailing = api.postBytes("/v1/images", "image/png", padded);
        assertEquals(413, trailing.status(), "a valid PNG followed by megabytes of zeros: " + trailing);
        assertEquals("image_too_large", trailing.code());
    }

    @Test
    void anImageIsRefusedFromItsHeaderBeforeItsPixelsAreDecoded() throws Exception {
        // The IHDR says 30000×30000 and the pixel data is cut short: a decoder would fail, so the size must come from the header.
        byte[] bomb = withPngSize(png(16, 16), 30000, 30000);
        var r = api.postBytes("/v1/images", "image/png", Arrays.copyOf(bomb, 60));
        assertEquals(400, r.status(), r.toString());
        assertEquals("invalid_image_size", r.code());
        assertTrue(r.json().path("error").path("message").asText().contains("30000x30000"), r.toString());

        byte[] jpeg = withJpegSize(jpeg(16, 16), 20000, 16);
        var j = api.postBytes("/v1/images", "image/jpeg", jpeg);
        assertEquals(400, j.status(), j.toString());
        assertTrue(j.json().path("error").path("message").asText().contains("20000x16"), j.toString());
    }

    @Test
    void badUploadsAnswerA4xxWithACode() throws Exception {
        byte[] good = png(32, 32);
        var bmp = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "bmp", bmp);
        record Upload(String what, String type, byte[] bytes, int status, String code) {}
        List<Upload> uploads = List.of(
                new Upload("header-only PNG", "image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 415, "unsupported_image"),
                new Upload("truncated PNG", "image/png", Arrays.copyOf(good, good.length / 2), 415, "unsupported_image"),
                new Upload("BMP bytes as a PNG", "image/png", bmp.toByteArray(), 415, "unsupported_image"),
                new Upload("a BMP", "image/bmp", bmp.toByteArray(), 415, "unsupported_image"),
                new Upload("empty", "image/jpeg", new byte[0], 415, "unsupported_image"),
                new Upload("wrong boundary", "multipart/form-data; boundary=other", form("XyZ", good), 400, "invalid_multipart"),
                new Upload("no boundary", "multipart/form-data", form("XyZ", good), 400, "invalid_multipart"),
                new Upload("empty boundary", "multipart/form-data; boundary=", form("XyZ", good), 400, "invalid_multipart"),
                new Upload("no file field", "multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--XyZ--\r\n".getBytes(),
                        400, "missing_field"));
        for (Upload u : uploads) {
            var r = api.postBytes("/v1/images", u.type(), u.bytes());
            assertEquals(u.status(), r.status(), u.what() + ": " + r);
            assertEquals(u.code(), r.code(), u.what() + ": " + r);
        }
        var shortLength = RawHttp.send(port, post("/v1/images", "Authorization: Bearer " + key, "Content-Type: image/png", "Content-Length: " + good.length / 2), good);
        assertEquals(415, shortLength.status(), "the first half is a truncated PNG: " + shortLength);
        var longLength = RawHttp.send(port, post("/v1/images", "Authorization: Bearer " + key, "Content-Type: image/png", "Content-Length: 100000"), good);
        assertEquals(400, longLength.status(), "the body ends before its Content-Length: " + longLength);
        assertTrue(longLength.text().contains("invalid_body"), longLength.toString());
    }

    @Test
    void theUsageViewTakesOnlyAWholeNumberOfDays() {
        for (String days : List.of("abc", "", "0x10", "NaN", "0", "91", "-1", "1e1", "7.5")) {
            var r = api.get("/v1/admin/usage?days=" + days);
            assertEquals(400, r.status(), days + ": " + r);
            assertEquals("out_of_range", r.code());
            assertTrue(r.json().path("error").path("message").asText().contains("1 to 90"), r.toString());
        }
        assertEquals(3, api.get("/v1/admin/usage?days=3").json().path("days").size());
    }

    @Test
    void headAnswersWhatGetWouldWithoutTheBody() {
        for (String path : List.of("/v1/me", "/v1/videos", "/v1/videos/video_nope", "/v1/admin/usage?days=abc", "/health", "/v1/feed?limit=0")) {
            for (ApiClient who : List.of(anonymous, api)) {
                var get = who.get(path);
                var head = RawHttp.send(port, "HEAD " + path + " HTTP/1.1\r\nHost: localhost" + (who == api ? "\r\nAuthorization: Bearer " + key : ""), new byte[0]);
                assertEquals(get.status(), head.status(), "HEAD " + path + (who == api ? " with a key" : "") + ": " + head);
                assertTrue(head.text().endsWith("\r\n\r\n"), "no body: " + head);
            }
        }
    }

    @Test
    void aStudioSessionWritesOnlyWithTheCsrfHeaderJsonAndItsOwnOrigin() {
        var login = anonymous.post("/v1/sessions", Map.of("username", "probe", "api_key", key));
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String video = "{\"prompt\": \"x\", \"size\": \"16x16\", \"seconds\": 0.5, \"steps\": 1}";
        String origin = "http://localhost:" + port;
        // What a page elsewhere can make a browser send: a form post (text/plain), or no-cors fetch, with the cookie.
        var form = RawHttp.send(port, post("/v1/videos", "Cookie: " + cookie, "Content-Type: text/plain", "Origin: http://localhost:1",
                "Content-Length: " + video.length()), video.getBytes());
        assertEquals(403, form.status(), form.toString());
        assertTrue(form.text().contains("cross_origin"), form.toString());
        var noOrigin = anonymous.post("/v1/videos", video, "Cookie", cookie);
        assertEquals(403, noOrigin.status(), noOrigin.toString());
        assertEquals("csrf_header_missing", noOrigin.code());
        for (String write : List.of("/v1/videos/video_x/cancel", "/v1/videos/video_x/share")) {
            assertEquals("csrf_header_missing", anonymous.post(write, "{\"shared\": true}", "Cookie", cookie).code(), write);
        }
        assertEquals("csrf_header_missing", anonymous.delete("/v1/videos/video_x", "Cookie", cookie).code());
        var textPlain = RawHttp.send(port, post("/v1/videos", "Cookie: " + cookie, "Content-Type: text/plain", "Origin: " + origin,
                KinetoServer.CSRF_HEADER + ": 1", "Content-Length: " + video.length()), video.getBytes());
        assertEquals(415, textPlain.status(), "JSON only: " + textPlain);
        assertEquals(201, anonymous.post("/v1/videos", video, "Cookie", cookie, KinetoServer.CSRF_HEADER, "1", "Origin", origin).status());
        assertEquals(415, api.postBytes("/v1/videos", "text/plain", video.getBytes()).status(), "JSON only with a key too");
    }

    @Test
    void privateVideosAndUnfinishedSharedOnesAreInvisibleToOthers() throws Exception {
        ApiClient owner = anonymous.as(server.store().accounts().createUser("owner", User.FREE, false, 100).apiKey());
        String hidden = owner.post("/v1/videos", Map.of("prompt", "x", "size", "16x16", "seconds", 0.5, "steps", 1)).json().path("id").asText();
        var asCursor = api.get("/v1/feed?after=" + hidden);
        var unknown = api.get("/v1/feed?after=video_0000000000000000000000000000000000");
        assertEquals(unknown.status(), asCursor.status());
        assertEquals(unknown.code(), asCursor.code());
        assertEquals(new String(unknown.bytes()).replace("video_0000000000000000000000000000000000", hidden), new String(asCursor.bytes()),
                "a private id as a cursor answers what an unknown id does");
        assertEquals(400, api.get("/v1/videos?after=" + hidden).status(), "nor is it a cursor in someone else's own list");

        String shared = owner.post("/v1/videos", Map.of("prompt", "x", "size", "16x16", "seconds", 0.5, "steps", 100, "shared", true)).json().path("id").asText();
        assertEquals(404, api.get("/v1/videos/" + shared).status(), "shared but not made yet");
        assertFalse(new String(api.get("/v1/feed").bytes()).contains(shared));
        assertEquals(200, owner.get("/v1/videos/" + shared).status());
        owner.post("/v1/videos/" + shared + "/cancel", "{}");
    }

    @Test
    void anUnwritableDatabaseMakesTheServerNotReadyAndWritesAnswer503WithRetryAfter() {
        assertEquals(200, anonymous.get("/ready").status());
        server.store().database().tx(t -> t.connection().createStatement().execute("PRAGMA query_only = 1")); // the same error as a read-only or full disk
        try {
            assertEquals(503, anonymous.get("/ready").status());
            var submit = api.post("/v1/videos", Map.of("prompt", "x", "size", "16x16", "seconds", 0.5, "steps", 1));
            assertEquals(503, submit.status(), submit.toString());
            assertEquals("storage_unavailable", submit.code());
            assertEquals(String.valueOf(KinetoServer.RETRY_AFTER_SECONDS), submit.headers().firstValue("Retry-After").orElse(""));
            var login = anonymous.post("/v1/sessions", Map.of("username", "probe", "api_key", key));
            assertEquals(503, login.status(), login.toString());
            assertEquals(200, api.get("/v1/me").status(), "reads still work");
        } finally {
            server.store().database().tx(t -> t.connection().createStatement().execute("PRAGMA query_only = 0"));
        }
        assertEquals(200, anonymous.get("/ready").status());
    }

    @Test
    void theDatabaseIsPrivateLeftoverTempFilesAreSweptAndTheServerListensOnLoopback() throws Exception {
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(data.resolve("kineto.db")));
        try (var files = Files.list(data.resolve("videos"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.contains("video_kept.png") && names.stream().noneMatch(n -> n.contains(".partial-")), names.toString());
        }
        Optional<InetAddress> external = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        if (external.isPresent()) {
            assertThrows(ConnectException.class, () -> new Socket(external.get(), port).close(), "not reachable on " + external.get());
        }
    }

    @Test
    void callbacksToInternalAddressesAreRefused() {
        for (String url : List.of("http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.1.2.3/", "http://192.168.0.1/", "http://169.254.169.254/latest",
                "http://[::1]/", "http://[fd00::1]/", "http://0.0.0.0/", "http://100.64.0.1/")) {
            var r = api.post("/v1/videos", Map.of("prompt", "x", "size", "16x16", "callback_url", url));
            assertEquals(400, r.status(), url + ": " + r);
            assertEquals("callback_not_allowed", r.code(), url);
        }
    }

    @Test
    void anUnwritableVideosFolderFailsTheJobRefundedWithoutShowingServerPaths(@TempDir Path other) throws Exception {
        Files.createDirectories(other);
        try (var s = KinetoServer.start(TinyModel.serverConfig(other), TinyModel.generator())) {
            Files.write(other.resolve("videos"), new byte[0]); // a file where the folder should be: no write can succeed (as root too)
            var user = new ApiClient("http://localhost:" + s.port(), s.store().accounts().createUser("u", User.FREE, false, 0).apiKey());
            String id = user.post("/v1/videos", Map.of("prompt", "x", "size", "16x16", "seconds", 0.5, "steps", 1)).json().path("id").asText();
            JsonNode video = VideoApiTest.waitFor(user, id, "failed");
            assertEquals("storage_failed", video.path("error").path("code").asText());
            String body = video.toString();
            assertFalse(body.contains(other.toString()) || body.contains("/videos/"), body);
            assertEquals(ServerConfig.DEFAULT_LIMITS.dailyFreeCredits(), user.get("/v1/me").json().path("free_credits_left").asLong(), "refunded");
        }
    }

    static long usedHeap() {
        System.gc();
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    static byte[] png(int w, int h) throws Exception {
        var out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    static byte[] jpeg(int w, int h) throws Exception {
        var out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "jpeg", out);
        return out.toByteArray();
    }

    /** The PNG with its IHDR's size changed (and its CRC fixed, so only the size is a lie). */
    static byte[] withPngSize(byte[] png, int w, int h) {
        byte[] out = png.clone();
        ByteBuffer.wrap(out, 16, 8).putInt(w).putInt(h);
        var crc = new CRC32();
        crc.update(out, 12, 17); // "IHDR" and its 13 data bytes
        ByteBuffer.wrap(out, 29, 4).putInt((int) crc.getValue());
        return out;
    }

    /** The JPEG with its start-of-frame's size changed. */
    static byte[] withJpegSize(byte[] jpeg, int w, int h) {
        byte[] out = jpeg.clone();
        for (int i = 2; i + 9 < out.length; i++) {
            if ((out[i] & 0xff) == 0xff && (out[i + 1] & 0xff) == 0xc0) {
                ByteBuffer.wrap(out, i + 5, 4).putShort((short) h).putShort((short) w);
                return out;
            }
        }
        throw new AssertionError("no SOF0 marker");
    }

    static byte[] form(String boundary, byte[] file) {
        var form = new ByteArrayOutputStream();
        form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n").getBytes());
        form.writeBytes(file);
        form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes());
        return form.toByteArray();
    }
}
