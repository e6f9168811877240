package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many nodes on one PostgreSQL database: an API node with no workers, and worker nodes with no API that share its
 * results directory. Every job is generated once, charged once, and its file is whole.
 */
class ScaleOutTest {
    @TempDir
    Path results;

    private ServerConfig node(String db) {
        return TinyModel.serverConfig(results).withDatabase(db);
    }

    @Test
    void anApiNodeQueuesAndTwoWorkerNodesGenerateEveryJobOnce() throws Exception {
        String db = TestDatabases.fresh(TestDatabases.POSTGRESQL, results);
        try (var api = KinetoServer.start(node(db).withWorkers(0, 8), TinyModel.generator());
             var w1 = KinetoServer.start(node(db).withWorkers(1, 2).withoutApi(), TinyModel.generator());
             var w2 = KinetoServer.start(node(db).withWorkers(1, 2).withoutApi(), TinyModel.generator())) {
            var users = List.of(api.store().accounts().createUser("a", User.FREE, false, 1000), api.store().accounts().createUser("b", User.FREE, false, 1000));
            List<String> ids = new ArrayList<>();
            long charged = 0;
            for (int i = 0; i < 8; i++) {
                var client = new ApiClient("http://localhost:" + api.port(), users.get(i % 2).apiKey());
                JsonNode made = client.post("/v1/videos", Map.of("prompt", "a red ball " + i, "size", "16x16", "seconds", 0.5, "steps", 2, "seed", i)).json();
                ids.add(made.path("id").asText());
                charged += made.path("cost").asLong();
            }
            var client = new ApiClient("http://localhost:" + api.port(), users.getFirst().apiKey());
            List<ApiClient.Event> events = client.events(ids.getFirst()); // run by a worker elsewhere: relayed through the database
            assertEquals("done", events.getLast().name(), events.toString());
            assertEquals("succeeded", events.getLast().data().path("status").asText());
            for (int i = 0; i < 600 && !ids.stream().allMatch(id -> api.store().jobs().job(id).orElseThrow().terminal()); i++) Thread.sleep(50);
            for (String id : ids) {
                Job job = api.store().jobs().job(id).orElseThrow();
                assertEquals(Job.SUCCEEDED, job.status(), id);
                assertEquals(1, job.attempts(), "taken by one worker once: " + id);
                assertTrue(Files.size(results.resolve("videos").resolve(id + ".mp4")) > 0);
            }
            assertEquals(200, client.get("/v1/videos/" + ids.getFirst() + "/content").status(), "the API node serves what a worker made");
            long spent = users.stream().mapToLong(u -> {
                User now = api.store().accounts().userById(u.user().id()).orElseThrow();
                return now.freeUsed() + (1000 - now.credits());
            }).sum();
            assertEquals(charged, spent, "each job charged once");
            try (Stream<Path> files = Files.list(results.resolve("videos"))) {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(".partial-")).toList(), "no partial file left");
            }
            assertEquals(404, new ApiClient("http://localhost:" + w1.port(), null).get("/v1/feed").status(), "a worker has no API");
            assertEquals(200, new ApiClient("http://localhost:" + w2.port(), null).get("/health").status());
        }
    }

    @Test
    void aJobWhoseWorkerDiedIsTakenByAnotherAfterItsLeaseAndChargedOnce() throws Exception {
        String db = TestDatabases.fresh(TestDatabases.POSTGRESQL, results);
        try (var api = KinetoServer.start(node(db).withWorkers(0, 8), TinyModel.generator())) {
            var user = api.store().accounts().createUser("a", User.FREE, false, 0);
            var client = new ApiClient("http://localhost:" + api.port(), user.apiKey());
            String id = client.post("/v1/videos", Map.of("prompt", "a ball", "size", "16x16", "seconds", 0.5, "steps", 2)).json().path("id").asText();
            // A worker on another host claims it and dies (kill -9, a cut cable): its lease runs out and nobody renews it.
            assertEquals(id, api.store().jobs().claim("ghost", head -> 1, 1, (x, y) -> true).getFirst().id());
            long charged = api.store().accounts().userById(user.user().id()).orElseThrow().freeUsed();
            try (var worker = KinetoServer.start(node(db).withoutApi(), TinyModel.generator())) {
                for (int i = 0; i < 400 && !api.store().jobs().job(id).orElseThrow().terminal(); i++) Thread.sleep(50);
            }
            Job job = api.store().jobs().job(id).orElseThrow();
            assertEquals(Job.SUCCEEDED, job.status());
            assertEquals(2, job.attempts(), "the dead worker's attempt and the live one's");
            assertEquals(false, api.store().jobs().succeed(id, "ghost"), "the dead worker, if it comes back, cannot finish it again");
            assertEquals(charged, api.store().accounts().userById(user.user().id()).orElseThrow().freeUsed(), "charged once");
            assertEquals(200, client.get("/v1/videos/" + id + "/content").status());
        }
    }

    @Test
    void progressAndTheEndOfAJobReachAnApiNodeOtherThanTheOneItWasSubmittedTo() throws Exception {
        String db = TestDatabases.fresh(TestDatabases.POSTGRESQL, results);
        try (var a = KinetoServer.start(node(db).withWorkers(0, 8), TinyModel.generator());
             var b = KinetoServer.start(node(db).withWorkers(0, 8), TinyModel.generator());
             var worker = KinetoServer.start(node(db).withoutApi(), TinyModel.generator())) {
            String key = a.store().accounts().createUser("a", User.FREE, false, 1000).apiKey();
            String id = new ApiClient("http://localhost:" + a.port(), key)
                    .post("/v1/videos", Map.of("prompt", "a red ball", "size", "64x64", "seconds", 2, "steps", 100)).json().path("id").asText();
            List<ApiClient.Event> events = new ApiClient("http://localhost:" + b.port(), key).events(id);
            List<Integer> steps = events.stream().filter(e -> e.name().equals("progress")).map(e -> e.data().path("step").asInt()).toList();
            assertTrue(steps.stream().anyMatch(step -> step > 0 && step < 100), "progress while it ran: " + steps);
            assertEquals(steps.stream().sorted().toList(), steps, "in order");
            assertEquals("done", events.getLast().name());
            assertEquals("succeeded", events.getLast().data().path("status").asText());
        }
    }

    @Test
    void aCancelOnTheApiNodeStopsTheWorkerElsewhereRefundsAndLeavesNoFile() throws Exception {
        String db = TestDatabases.fresh(TestDatabases.POSTGRESQL, results);
        try (var api = KinetoServer.start(node(db).withWorkers(0, 8), TinyModel.generator());
             var worker = KinetoServer.start(node(db).withoutApi(), TinyModel.generator())) {
            var user = api.store().accounts().createUser("a", User.FREE, false, 1000);
            var client = new ApiClient("http://localhost:" + api.port(), user.apiKey());
            String id = client.post("/v1/videos", Map.of("prompt", "a red ball", "size", "64x64", "seconds", 2, "steps", 100)).json().path("id").asText();
            for (int i = 0; i < 400 && api.store().jobs().job(id).orElseThrow().progress() == 0; i++) Thread.sleep(25); // running on the worker
            assertEquals(Job.RUNNING, api.store().jobs().job(id).orElseThrow().status());
            assertEquals("cancelled", client.post("/v1/videos/" + id + "/cancel", "{}").json().path("status").asText());
            String next = client.post("/v1/videos", Map.of("prompt", "a ball", "size", "16x16", "seconds", 0.5, "steps", 2)).json().path("id").asText();
            for (int i = 0; i < 400 && !api.store().jobs().job(next).orElseThrow().terminal(); i++) Thread.sleep(25);
            assertEquals(Job.SUCCEEDED, api.store().jobs().job(next).orElseThrow().status(), "the worker left the cancelled pass and took the next job");
            Job cancelled = api.store().jobs().job(id).orElseThrow();
            assertEquals(Job.CANCELLED, cancelled.status());
            assertTrue(Files.notExists(results.resolve("videos").resolve(id + ".mp4")), "no file for the cancelled job");
            User after = api.store().accounts().userById(user.user().id()).orElseThrow();
            long nextCost = api.store().jobs().job(next).orElseThrow().cost();
            assertEquals(nextCost, after.freeUsed() + (1000 - after.credits()), "the cancelled job refunded, only the next one charged");
        }
    }

    @Test
    void aStreamResumedOnAnotherApiNodeWithLastEventIdGoesOnWithoutRepeatsToTheEnd() throws Exception {
        String db = TestDatabases.fresh(TestDatabases.POSTGRESQL, results);
        try (var a = KinetoServer.start(node(db).withWorkers(0, 8), TinyModel.generator());
             var b = KinetoServer.start(node(db).withWorkers(1, 8), TinyModel.generator())) { // b's worker runs the job
            String key = a.store().accounts().createUser("a", User.FREE, false, 1000).apiKey();
            String id = new ApiClient("http://localhost:" + a.port(), key)
                    .post("/v1/videos", Map.of("prompt", "a red ball", "size", "64x64", "seconds", 2, "steps", 100)).json().path("id").asText();
            List<SseStream.Event> first = new ArrayList<>();
            try (var onB = new SseStream(b.port(), id, key, null)) { // the worker's node: every step, live
                assertEquals(200, onB.status);
                for (SseStream.Event e = onB.next(); e != null; e = onB.next()) {
                    first.add(e);
                    if (e.name().equals("progress") && e.data().path("step").asInt() >= 5) break; // and the connection drops
                }
            }
            String last = first.getLast().id();
            assertTrue(first.stream().allMatch(e -> e.id() != null), "every event has an id: " + first);
            List<SseStream.Event> resumed;
            try (var onA = new SseStream(a.port(), id, key, last)) { // the client switched node: a relays from the database
                assertEquals(200, onA.status);
                resumed = onA.rest();
            }
            assertEquals("done", resumed.getLast().name(), resumed.toString());
            assertEquals("done", resumed.getLast().id());
            assertEquals("succeeded", resumed.getLast().data().path("status").asText());
            var seen = JobEvents.EventId.parse(last);
            for (SseStream.Event e : resumed) {
                var next = JobEvents.EventId.parse(e.id());
                assertTrue(next.after(seen), e.id() + " comes after " + seen.text() + " (no repeats, in order): " + resumed);
                seen = next;
            }
            assertTrue(resumed.stream().filter(e -> e.name().equals("progress")).allMatch(e -> e.data().path("step").asInt() > 5), resumed.toString());
            try (var again = new SseStream(b.port(), id, key, last)) { // back to the first node once it is over: what it missed is the end
                List<SseStream.Event> rest = again.rest();
                assertEquals(List.of("done"), rest.stream().map(SseStream.Event::name).toList());
            }
            try (var over = new SseStream(a.port(), id, key, "done")) {
                assertEquals(204, over.status, "a client that had the end is told to stop reconnecting");
            }
            try (var bad = new SseStream(a.port(), id, key, "yesterday")) {
                assertEquals(400, bad.status);
            }
        }
    }

    @Test
    void previewsOfAJobReachAWatcherOnAnApiNodeOtherThanTheWorkers() throws Exception {
        String db = TestDatabases.fresh(TestDatabases.POSTGRESQL, results);
        try (var a = KinetoServer.start(node(db).withWorkers(0, 8), TinyModel.generator());
             var worker = KinetoServer.start(node(db).withoutApi(), TinyModel.generator())) {
            String key = a.store().accounts().createUser("a", User.FREE, false, 1000).apiKey();
            String id = new ApiClient("http://localhost:" + a.port(), key)
                    .post("/v1/videos", Map.of("prompt", "a red ball", "size", "64x64", "seconds", 2, "steps", 100)).json().path("id").asText();
            List<SseStream.Event> events;
            try (var onA = new SseStream(a.port(), id, key, null)) {
                events = onA.rest();
            }
            List<SseStream.Event> previews = events.stream().filter(e -> e.name().equals("preview")).toList();
            assertTrue(!previews.isEmpty(), "previews relayed through the database: " + events.stream().map(SseStream.Event::id).toList());
            String image = previews.getLast().data().path("image").asText();
            assertTrue(image.startsWith("data:image/png;base64,"), image);
            var png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(image.substring(image.indexOf(',') + 1))));
            assertEquals(64, png.getHeight(), "a preview strip");
            assertTrue(previews.getLast().id().endsWith(".preview"), previews.getLast().id());
            assertEquals("done", events.getLast().name());
            assertEquals(0, a.store().jobs().previewAfter(id, -1, 0).map(p -> 1).orElse(0), "the saved preview is dropped once the job is over");
        }
    }
}
