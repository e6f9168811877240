package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few hundred generated hostile requests across every route and method: bad JSON, wrong types, huge and chunked
 * bodies, control characters, path tricks, bad auth headers, bad uploads. None may get a 5xx, hang, or grow the heap.
 */
class HostileInputTest {
    /** The heap the whole run may leave behind: far less than one of the bodies it tried. */
    static final long HEAP_BOUND = 128L << 20;
    static final long MAX_IMAGE_BYTES = 1 << 20;

    @TempDir
    static Path data;
    static KinetoServer server;
    static int port;
    static String key, mine, theirs;

    @BeforeAll
    static void start() throws Exception {
        var d = ServerConfig.DEFAULT_LIMITS;
        var limits = new ServerConfig.Limits(d.maxPromptChars(), d.maxSeconds(), d.maxSide(), d.creditUnit(), d.dailyFreeCredits(),
                d.maxQueuedPerUser(), d.submitsPerMinute(), MAX_IMAGE_BYTES);
        server = KinetoServer.start(TinyModel.serverConfig(data).withLimits(limits), TinyModel.generator());
        port = server.port();
        var api = new ApiClient("http://localhost:" + port, key = server.store().accounts().createUser("target", User.FREE, true, 100).apiKey());
        var other = api.as(server.store().accounts().createUser("other", User.FREE, false, 0).apiKey());
        var job = Map.of("prompt", "a ball", "size", "16x16", "seconds", 0.125, "steps", 1);
        mine = api.post("/v1/videos", job).json().path("id").asText();
        theirs = other.post("/v1/videos", job).json().path("id").asText();
        VideoApiTest.waitFor(api, mine, "succeeded");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Probe(String method, String target, List<String> headers, byte[] body, long chunkedBytes) {
        RawHttp.Answer send() {
            String head = method + " " + target + " HTTP/1.1\r\nHost: localhost:" + port + (headers.isEmpty() ? "" : "\r\n" + String.join("\r\n", headers));
            if (chunkedBytes > 0) return RawHttp.chunked(port, head, chunkedBytes);
            return RawHttp.send(port, head + (body.length > 0 ? "\r\nContent-Length: " + body.length : ""), body);
        }

        @Override
        public String toString() {
            return method + " " + target.substring(0, Math.min(120, target.length())) + " " + headers.stream().map(h -> h.substring(0, Math.min(60, h.length()))).toList()
                    + " body " + (chunkedBytes > 0 ? chunkedBytes + " chunked" : body.length + " bytes");
        }
    }

    static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW");

    static List<String> paths() {
        List<String> ids = List.of(mine, theirs, "video_nope", "..%2F..%2Fetc%2Fpasswd", "%00", "a".repeat(3000), "%E2%80%AE", "'%20OR%201=1--", "%ff%fe", "%252e%252e");
        List<String> paths = new ArrayList<>(List.of("/health", "/ready", "/metrics", "/openapi.json", "/v1/sessions", "/v1/me", "/v1/videos/cost", "/v1/videos",
                "/v1/images", "/v1/clips", "/v1/feed", "/v1/admin/usage", "/", "/index.html", "/app.js", "/admin.html", "/v1/nothing", "/v1/videos/../../etc/passwd",
                "//v1//videos", "/v1/videos/%2e%2e/%2e%2e/kineto.db", "/../kineto.db", "/%2e%2e/%2e%2e/etc/passwd", "/v1/videos?limit=-1&limit=2",
                "/v1/videos?after=%00", "/v1/feed?after=" + theirs, "/v1/admin/usage?days=1e309", "/v1/admin/usage?days=%00", "/v1/videos?limit=99999999999999999999"));
        for (String id : ids) {
            for (String route : List.of("/v1/videos/%s", "/v1/videos/%s/content", "/v1/videos/%s/content?variant=../../x", "/v1/videos/%s/events",
                    "/v1/videos/%s/cancel", "/v1/videos/%s/share")) {
                paths.add(route.formatted(id));
            }
        }
        return paths;
    }

    static final List<List<String>> AUTH = List.of(List.of(), List.of("Authorization: Bearer KEY"), List.of("Authorization: Bearer"),
            List.of("Authorization: Bearer " + "x".repeat(6000)), List.of("Authorization: Basic Zm9vOmJhcg=="), List.of("Authorization: Bearer kn_\u0001\u007f"),
            List.of("Authorization: bearer KEY"), List.of("Cookie: kineto_session=../../etc", KinetoServer.CSRF_HEADER + ": 1"),
            List.of("Cookie: kineto_session=" + "%".repeat(2000)), List.of("Authorization: Bearer KEY", "Authorization: Bearer other"),
            List.of("Authorization: Bearer KEY", "Origin: http://evil.example"), List.of("Authorization: Bearer KEY", "X-Forwarded-For: \r\n"));

    static final List<String> TYPES = List.of("Content-Type: application/json", "Content-Type: text/plain", "Content-Type: multipart/form-data; boundary=x",
            "Content-Type: multipart/form-data", "Content-Type: image/png", "Content-Type: application/json; charset=utf-16", "Content-Type: \u0000");

    static List<byte[]> bodies() {
        List<String> json = List.of("", "{", "[]", "null", "\"str\"", "123", "{\"prompt\":123}", "{\"prompt\":\"x\",\"seconds\":\"NaN\"}",
                "{\"prompt\":\"x\",\"seconds\":1e309}", "{\"prompt\":\"\\u0000\\u0007\\ud800\"}", "[".repeat(5000) + "]".repeat(5000),
                "{\"prompt\":\"x\",\"size\":\"99999x99999\"}", "{\"prompt\":\"x\",\"size\":\"0x0\"}", "{\"shared\":\"yes\"}", "{\"username\":{\"$ne\":null}}",
                "{\"prompt\":\"x\",\"prompt\":\"y\"}", "\uFEFF{\"prompt\":\"x\"}", "{\"prompt\":\"x\",\"seed\":-9223372036854775808}",
                "{\"prompt\":\"x\",\"steps\":1e2}", "{\"prompt\":\"x\",\"callback_url\":\"http://[::1\"}", "{\"prompt\":\"x\",\"callback_url\":\"file:///etc/passwd\"}",
                "{\"prompt\":\"" + "\\u00e9".repeat(3000) + "\"}", "{\"api_key\":[],\"username\":{}}");
        List<byte[]> bodies = new ArrayList<>(json.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList());
        bodies.add(new byte[] {(byte) 0xc3, 0x28, (byte) 0xff});
        bodies.add(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        bodies.add(("--x\r\nContent-Disposition: form-data; name=\"file\"\r\nContent-Type: image/png\r\n\r\n" + "\u0000".repeat(1000)).getBytes());
        bodies.add(new byte[(int) MAX_IMAGE_BYTES * 2]);
        return bodies;
    }

    @Test
    void hostileRequestsGetA4xxOr2xxPromptlyAndTheHeapStaysBounded() {
        long heapBefore = HardeningTest.usedHeap();
        Random random = new Random(34);
        List<byte[]> bodies = bodies();
        List<Probe> probes = new ArrayList<>();
        List<String> paths = paths();
        for (String path : paths) { // every route with every method, each with a random body, auth and type
            for (String method : METHODS) {
                probes.add(probe(method, path, pick(random, AUTH), pick(random, TYPES), pick(random, bodies), random.nextInt(40) == 0 ? 4L << 20 : 0));
            }
        }
        for (byte[] body : bodies) { // every body at every JSON route, as JSON with a key
            for (String path : List.of("/v1/sessions", "/v1/videos", "/v1/videos/cost", "/v1/videos/" + mine + "/share", "/v1/images")) {
                probes.add(probe("POST", path, AUTH.get(1), TYPES.get(path.equals("/v1/images") ? 4 : 0), body, 0));
            }
        }
        for (List<String> auth : AUTH) { // every auth header at every route that reads one
            for (String path : List.of("/v1/me", "/v1/videos", "/v1/admin/usage", "/v1/videos/" + mine, "/v1/videos/" + theirs + "/content")) {
                probes.add(probe("GET", path, auth, TYPES.get(0), new byte[0], 0));
            }
        }
        var statuses = new TreeMap<Integer, Integer>();
        List<String> failures = new ArrayList<>();
        for (Probe p : probes) {
            RawHttp.Answer answer = p.send();
            statuses.merge(answer.status(), 1, Integer::sum);
            if (answer.timedOut() || answer.status() >= 500 || answer.status() < 100) failures.add(p + " -> " + answer);
        }
        long heapGrowth = HardeningTest.usedHeap() - heapBefore;
        System.out.println("hostile: " + probes.size() + " requests, statuses " + statuses + ", heap +" + (heapGrowth >> 20) + " MB");
        assertEquals(List.of(), failures, failures.size() + " of " + probes.size() + " got a 5xx, no answer or hung");
        assertTrue(heapGrowth < HEAP_BOUND, "the heap grew by " + heapGrowth + " bytes");
        assertEquals(200, new ApiClient("http://localhost:" + port, null).get("/ready").status(), "still ready");
    }

    static Probe probe(String method, String path, List<String> auth, String type, byte[] body, long chunked) {
        List<String> headers = new ArrayList<>(auth.stream().map(h -> h.replace("KEY", key)).toList());
        headers.add(type);
        return new Probe(method, path, headers, chunked > 0 ? new byte[0] : body, chunked);
    }

    static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
