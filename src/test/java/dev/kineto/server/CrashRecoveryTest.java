package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A server as its own process (as `kineto serve` runs one), killed with SIGKILL mid-job and restarted: the job completes exactly once. */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    ServerProcess serve(Path data, Path model) throws IOException {
        return ServerProcess.start(ServeMain.class, List.of(data.toString(), model.toString()), dir.resolve("server.log"));
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aJobSurvivesKillMinus9AndCompletesOnceAfterRestart() throws Exception {
        Path data = dir.resolve("data"), model = TinyModel.save(dir.resolve("model"));
        String key;
        try (Store store = Store.open(data)) {
            key = store.accounts().createUser("survivor", User.FREE, false, 0).apiKey();
        }

        var first = serve(data, model);
        var api = new ApiClient(first.url(), key);
        var created = api.post("/v1/videos", Map.of("prompt", "a red ball moves right", "size", "32x32", "seconds", 2, "steps", 60));
        assertEquals(201, created.status(), created.toString());
        String id = created.json().path("id").asText();
        long cost = created.json().path("cost").asLong();
        JsonNode video;
        do {
            Thread.sleep(20);
            video = api.get("/v1/videos/" + id).json();
        } while (video.path("progress").asInt() < 1 && !video.path("status").asText().equals("succeeded"));
        assertEquals("running", video.path("status").asText(), "killed mid-job, not after it");
        first.process().destroyForcibly().waitFor();

        var second = serve(data, model);
        try {
            api = new ApiClient(second.url(), key);
            for (int i = 0; i < 2400 && !(video = api.get("/v1/videos/" + id).json()).path("status").asText().equals("succeeded"); i++) {
                Thread.sleep(50);
            }
            assertEquals("succeeded", video.path("status").asText(), video.toString());
            Path mp4 = Files.write(dir.resolve("fetched.mp4"), api.get(video.path("url").asText()).bytes());
            Clip clip = VideoFiles.read(mp4);
            assertEquals(17, clip.frameCount());
            assertEquals(32, clip.width());
            assertEquals(ServerConfig.DEFAULT_LIMITS.dailyFreeCredits() - cost, api.get("/v1/me").json().path("free_credits_left").asLong(),
                    "charged once");
            try (Stream<Path> files = Files.list(data.resolve("videos"))) {
                assertEquals(List.of(id + ".mp4", id + ".png"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                        "one video and its thumbnail, no partial files");
            }
        } finally {
            second.process().destroy();
            assertTrue(second.process().waitFor(30, TimeUnit.SECONDS), "a plain kill stops the server gracefully");
        }
        try (Store store = Store.open(data)) {
            Job job = store.jobs().job(id).orElseThrow();
            assertEquals(Job.SUCCEEDED, job.status());
            assertEquals(2, job.attempts(), "run once before the kill and once after, completed once");
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void killedWhileWritingAVideoTheServerLeavesNothingPartialAfterRestart() throws Exception {
        Path data = dir.resolve("data"), model = TinyModel.save(dir.resolve("model")), videos = data.resolve("videos");
        String key;
        try (Store store = Store.open(data)) {
            key = store.accounts().createUser("writer", User.PAID, false, 10_000).apiKey();
        }
        var first = serve(data, model);
        var api = new ApiClient(first.url(), key);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(api.post("/v1/videos", Map.of("prompt", "a red ball moves right", "size", "32x32", "seconds", 10, "steps", 1, "seed", i))
                    .json().path("id").asText());
        }
        boolean caught = false;
        for (long end = System.currentTimeMillis() + 120_000; !caught && System.currentTimeMillis() < end; ) {
            caught = Files.isDirectory(videos) && partials(videos) > 0; // a write under way: kill now
            if (caught) first.process().destroyForcibly().waitFor();
        }
        assertTrue(caught, "saw a video being written");
        first.process().destroyForcibly().waitFor();
        assertTrue(partials(videos) > 0, "the kill left a partial file behind");

        var second = serve(data, model);
        try {
            api = new ApiClient(second.url(), key);
            for (String id : ids) {
                JsonNode video = api.get("/v1/videos/" + id).json();
                for (int i = 0; i < 2400 && !video.path("status").asText().equals("succeeded"); i++) {
                    Thread.sleep(50);
                    video = api.get("/v1/videos/" + id).json();
                }
                assertEquals("succeeded", video.path("status").asText(), video.toString());
                assertEquals(81, VideoFiles.read(videos.resolve(id + ".mp4")).frameCount(), "a whole video");
                assertEquals(32, javax.imageio.ImageIO.read(videos.resolve(id + ".png").toFile()).getWidth(), "a whole thumbnail");
            }
            assertEquals(0, partials(videos), "the partial files were swept at start and none was left since");
        } finally {
            second.process().destroy();
            assertTrue(second.process().waitFor(30, TimeUnit.SECONDS));
        }
    }

    static long partials(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().contains(".partial-")).count();
        }
    }
}
