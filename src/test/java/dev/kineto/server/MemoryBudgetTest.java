package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.MemoryCost;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each job's memory is known before it runs: measured against the model, refused at submit when too large, and batched within the pool's budget. */
class MemoryBudgetTest {
    @Test
    void theCostModelPredictsAMeasuredPeak() throws Exception {
        var peak = MemoryPeakBench.measure(128, 128, 41, 1); // about 1.4 GB on the default model
        System.out.println("memory: " + peak);
        assertTrue(peak.measured() > 500_000_000, "a real peak was measured: " + peak);
        assertTrue(Math.abs(peak.predicted() - peak.measured()) < 0.4 * peak.measured(), peak.toString());
    }

    @Test
    void aRequestTheDefaultBudgetCannotHoldIsRefusedNamingTheLargestItCanMake(@TempDir Path data) throws Exception {
        try (DiffusionGenerator model = DiffusionGenerator.loadDefault();
             var server = KinetoServer.start(ServerConfig.defaults(data, 0), model)) {
            var api = new ApiClient("http://localhost:" + server.port(), server.store().accounts().createUser("big", User.FREE, false, 1_000_000).apiKey());
            // The request: 81 frames at 256², which grew the JVM past 17 GB.
            var refused = api.post("/v1/videos", Map.of("prompt", "x", "size", "256x256", "seconds", 10, "steps", 1));
            assertEquals(422, refused.status(), refused.toString());
            assertEquals("too_large_for_server", refused.code());
            String message = refused.json().path("error").path("message").asText();
            System.out.println("memory: " + message);
            Matcher frames = Pattern.compile("at 256x256 it can make up to (\\d+) frames").matcher(message);
            Matcher size = Pattern.compile("at 81 frames it can make up to (\\d+)x(\\d+)").matcher(message);
            assertTrue(frames.find() && size.find(), message);
            double seconds = Integer.parseInt(frames.group(1)) / 8.0; // the model's 8 fps
            assertEquals(200, api.post("/v1/videos/cost", Map.of("prompt", "x", "size", "256x256", "seconds", seconds, "steps", 1)).status(),
                    "the length it names fits");
            assertEquals(422, api.post("/v1/videos/cost", Map.of("prompt", "x", "size", "256x256", "seconds", seconds + 0.5, "steps", 1)).status(),
                    "and is the largest");
            assertEquals(200, api.post("/v1/videos/cost", Map.of("prompt", "x", "size", size.group(1) + "x" + size.group(2), "seconds", 10, "steps", 1)).status(),
                    "the size it names fits");
            assertEquals(0, api.get("/v1/videos").json().path("data").size(), "nothing was queued");
        }
    }

    @Test
    void thePoolHoldsOnlyTheBatchesItsBudgetHas(@TempDir Path data) throws Exception {
        var cost = new MemoryCost(TinyModel.config());
        long twoJobs = cost.bytes(32, 32, 81, 2, true);
        assertTrue(cost.bytes(32, 32, 81, 3, true) > twoJobs + 1_000_000, "a third job would need more");
        try (var server = KinetoServer.start(TinyModel.serverConfig(data).withMemoryBudget(twoJobs), TinyModel.generator())) {
            var api = new ApiClient("http://localhost:" + server.port(), server.store().accounts().createUser("batcher", User.PAID, false, 1_000_000).apiKey());
            String blocker = api.post("/v1/videos", Map.of("prompt", "blocker", "size", "16x16", "seconds", 2, "steps", 100)).json().path("id").asText();
            VideoApiTest.waitFor(api, blocker, "running");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                var r = api.post("/v1/videos", Map.of("prompt", "ball " + i, "size", "32x32", "seconds", 10, "fps", 8, "steps", 1));
                assertEquals(201, r.status(), r.toString());
                ids.add(r.json().path("id").asText());
            }
            api.post("/v1/videos/" + blocker + "/cancel", "{}");
            for (String id : ids) VideoApiTest.waitFor(api, id, "succeeded");
            String metrics = new String(api.get("/metrics").bytes());
            assertTrue(metrics.contains("kineto_generation_seconds_count{batch_size=\"2\"} 2"), "two batches of two, never more:\n" + metrics);
            assertTrue(!metrics.contains("batch_size=\"4\"") && !metrics.contains("batch_size=\"3\""), metrics);
            var tooBig = api.post("/v1/videos", Map.of("prompt", "x", "size", "64x64", "seconds", 10, "steps", 1));
            assertEquals(422, tooBig.status(), "one job over the whole budget is refused: " + tooBig);
        }
    }
}
