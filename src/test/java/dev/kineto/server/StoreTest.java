package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kineto.model.GenerationRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** The durable queue's order and claims, against the real database: SQLite and PostgreSQL, with the same migrations. */
@ParameterizedClass
@ValueSource(strings = {TestDatabases.SQLITE, TestDatabases.POSTGRESQL})
class StoreTest {
    @Parameter
    String engine;
    @TempDir
    Path data;
    String url;
    Store store;

    @BeforeEach
    void open() {
        url = engine.equals(TestDatabases.SQLITE) ? null : TestDatabases.fresh(engine, data);
        store = another();
    }

    /** Another connection pool on the test's database, as another process would open. */
    Store another() {
        return url == null ? Store.open(data) : new Store(url);
    }

    @AfterEach
    void close() {
        store.close();
    }

    Job submit(User user, String prompt, int size) {
        var request = new GenerationRequest(prompt, "", size, size, 5, 8, 2, 5, 1);
        return store.jobs().submit(new Jobs.Submission(user.id(), new JobSpec(request, "1:1", null, false), 1, null, null, prompt),
                ServerConfig.DEFAULT_LIMITS).job();
    }

    /** The prompts of the jobs claimed one at a time until none is left, the workers taking turns. */
    List<String> claimOrder(Jobs... workers) {
        List<String> order = new ArrayList<>();
        for (int turn = 0; ; turn++) {
            List<Job> batch = workers[turn % workers.length].claim("w" + turn % workers.length, head -> 1, 60_000, (a, b) -> true);
            if (batch.isEmpty()) return order;
            order.add(batch.getFirst().request().prompt());
        }
    }

    /** Three jobs of a's, then b's, then a paid user's. */
    void queueForFairShare() {
        User a = store.accounts().createUser("a", User.FREE, false, 0).user(), b = store.accounts().createUser("b", User.FREE, false, 0).user();
        User paid = store.accounts().createUser("p", User.PAID, false, 0).user();
        submit(a, "a1", 8);
        submit(a, "a2", 8);
        submit(a, "a3", 8);
        submit(b, "b1", 8);
        submit(paid, "p1", 8);
    }

    @Test
    void paidJobsFirstThenRoundRobinOverUsers() {
        queueForFairShare();
        assertEquals(List.of("p1", "a1", "b1", "a2", "a3"), claimOrder(store.jobs()));
    }

    @Test
    void prioritiesAndFairShareHoldAcrossWorkersOnConnectionsOfTheirOwn() {
        queueForFairShare();
        try (Store other = another()) {
            assertEquals(List.of("p1", "a1", "b1", "a2", "a3"), claimOrder(store.jobs(), other.jobs()));
        }
    }

    @Test
    void aClaimBatchesOnlyCompatibleJobs() {
        User a = store.accounts().createUser("a", User.FREE, false, 0).user();
        submit(a, "small1", 8);
        submit(a, "big", 16);
        submit(a, "small2", 8);
        var batch = store.jobs().claim("w", head -> 8, 60_000, (x, y) -> x.request().width() == y.request().width());
        assertEquals(List.of("small1", "small2"), batch.stream().map(j -> j.request().prompt()).toList());
        assertTrue(batch.stream().allMatch(j -> j.status().equals(Job.RUNNING) && j.worker().equals("w")));
    }

    @Test
    void aJobCompletesOnceAndOnlyForTheWorkerHoldingIt() {
        User a = store.accounts().createUser("a", User.FREE, false, 0).user();
        Job job = submit(a, "x", 8);
        store.jobs().claim("w1", head -> 1, 60_000, (x, y) -> true);
        assertEquals(1, store.jobs().requeueRunning(), "a restart puts the dead process's job back in the queue");
        store.jobs().claim("w2", head -> 1, 60_000, (x, y) -> true);
        assertEquals(false, store.jobs().succeed(job.id(), "w1"), "the old worker cannot complete it");
        assertEquals(true, store.jobs().succeed(job.id(), "w2"));
        assertEquals(false, store.jobs().succeed(job.id(), "w2"), "nor can anyone complete it twice");
    }

    @Test
    void aFailedJobIsRefundedToThePotsItWasPaidFrom() {
        User a = store.accounts().createUser("a", User.FREE, false, 5).user();
        var limits = new ServerConfig.Limits(4000, 10, 512, 65_536, 3, 10, 60, 1); // 3 free credits a day
        var request = new GenerationRequest("x", "", 16, 16, 5, 8, 2, 5, 1);
        Job job = store.jobs().submit(new Jobs.Submission(a.id(), new JobSpec(request, "1:1", null, false), 4, null, null, "x"), limits).job();
        assertEquals(3, job.chargedFree());
        assertEquals(1, job.chargedPaid());
        assertEquals(4, store.accounts().userById(a.id()).orElseThrow().credits());
        store.jobs().claim("w", head -> 1, 60_000, (x, y) -> true);
        assertTrue(store.jobs().fail(job.id(), "w", "generation_failed", "boom"));
        User refunded = store.accounts().userById(a.id()).orElseThrow();
        assertEquals(5, refunded.credits());
        assertEquals(3, refunded.freeLeft(Store.today(), 3));
        assertEquals(false, store.jobs().fail(job.id(), "w", "generation_failed", "boom"), "refunded once");
    }

    @Test
    void apiKeysAreStoredOnlyAsHashes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(engine.equals(TestDatabases.SQLITE), "reads SQLite's files; PostgreSQL's run the same SQL");
        var created = store.accounts().createUser("a", User.FREE, false, 0);
        store.close();
        byte[] database = java.nio.file.Files.readAllBytes(data.resolve("kineto.db"));
        byte[] wal = java.nio.file.Files.exists(data.resolve("kineto.db-wal")) ? java.nio.file.Files.readAllBytes(data.resolve("kineto.db-wal")) : new byte[0];
        String everything = new String(database, java.nio.charset.StandardCharsets.ISO_8859_1) + new String(wal, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(!everything.contains(created.apiKey()), "the key itself is nowhere in the database");
        assertTrue(everything.contains(Store.sha256(created.apiKey())), "its hash is");
        store = Store.open(data);
        assertEquals("a", store.accounts().userByApiKey(created.apiKey()).orElseThrow().name());
    }

    @Test
    void anExpiredLeaseReturnsTheJobToTheQueueAfterItsBackoff() throws Exception {
        User a = store.accounts().createUser("a", User.FREE, false, 0).user();
        Job job = submit(a, "x", 8);
        store.jobs().claim("dead", head -> 1, 1, (x, y) -> true);
        Thread.sleep(5);
        assertEquals(List.of(), store.jobs().claim("live", head -> 1, 60_000, (x, y) -> true), "waiting out its backoff");
        assertEquals(Job.QUEUED, store.jobs().job(job.id()).orElseThrow().status());
        long runAfter = store.database().read(t -> t.count("SELECT run_after FROM jobs WHERE id = ?", job.id()));
        assertTrue(runAfter >= System.currentTimeMillis() + Jobs.RETRY_BACKOFF_MILLIS - 1000, "backoff of one attempt: " + runAfter);
        store.database().tx(t -> t.update("UPDATE jobs SET run_after = 0")); // the backoff has passed
        Job taken = store.jobs().claim("live", head -> 1, 60_000, (x, y) -> true).getFirst();
        assertEquals("live", taken.worker());
        assertEquals(2, taken.attempts());
        assertEquals(false, store.jobs().succeed(job.id(), "dead"), "the worker that lost its lease cannot finish it");
        assertEquals(true, store.jobs().succeed(job.id(), "live"));
        assertEquals(1, store.accounts().userById(a.id()).orElseThrow().freeUsed(), "charged once for the two runs");
    }

    @Test
    void concurrentWorkersClaimEveryJobExactlyOnce() throws Exception {
        var users = new ArrayList<User>();
        for (int u = 0; u < 4; u++) users.add(store.accounts().createUser("u" + u, User.FREE, false, 0).user());
        var submitted = new java.util.HashSet<String>();
        for (int i = 0; i < 40; i++) submitted.add(submit(users.get(i % 4), "p" + i, 8).id());
        var claimed = java.util.Collections.synchronizedList(new ArrayList<String>());
        var workers = new ArrayList<java.util.concurrent.Future<?>>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            for (int w = 0; w < 4; w++) {
                String worker = "w" + w;
                workers.add(pool.submit(() -> {
                    for (List<Job> batch; !(batch = store.jobs().claim(worker, head -> 2, 60_000, (x, y) -> true)).isEmpty(); ) {
                        batch.forEach(j -> claimed.add(j.id()));
                        batch.forEach(j -> assertTrue(store.jobs().succeed(j.id(), worker)));
                    }
                    return null;
                }));
            }
        }
        for (var w : workers) w.get(); // a failed assertion in a worker fails the test
        assertEquals(40, claimed.size(), "no job claimed twice");
        assertEquals(submitted, new java.util.HashSet<>(claimed), "every job claimed");
        assertEquals(java.util.Map.of(Job.SUCCEEDED, 40L), store.jobs().statusCounts());
    }

    @Test
    void aJobThatCrashedItsWorkerMaxAttemptsTimesFailsRefundedInsteadOfRunningAgain() {
        User a = store.accounts().createUser("a", User.FREE, false, 0).user();
        Job job = submit(a, "too big", 8);
        assertEquals(1, store.accounts().userById(a.id()).orElseThrow().freeUsed(), "charged");
        for (int i = 0; i < Jobs.MAX_ATTEMPTS; i++) {
            assertEquals(List.of(), store.jobs().failExhausted(), "attempt " + (i + 1) + " may run");
            assertEquals(job.id(), store.jobs().claim("w", head -> 1, 60_000, (x, y) -> true).getFirst().id());
            store.jobs().savePreview(job.id(), i + 1, 1, "a preview");
            store.jobs().requeueRunning(); // the process died mid-job and a new one starts
        }
        List<Job> failed = store.jobs().failExhausted();
        assertEquals(List.of(job.id()), failed.stream().map(Job::id).toList());
        Job after = store.jobs().job(job.id()).orElseThrow();
        assertEquals(Job.FAILED, after.status());
        assertEquals("attempts_exhausted", after.errorCode());
        assertTrue(after.errorMessage().contains(Jobs.MAX_ATTEMPTS + " times") && after.errorMessage().contains("refunded"), after.errorMessage());
        assertEquals(0, store.accounts().userById(a.id()).orElseThrow().freeUsed(), "refunded");
        assertEquals(Optional.empty(), store.jobs().previewAfter(job.id(), 0, 0), "no preview left of the dead worker's pass");
        assertEquals(List.of(), store.jobs().claim("w", head -> 1, 60_000, (x, y) -> true), "never claimed again");
    }

    @Test
    void aJobStoredBeforeTheRequestWasOneValueReadsBackAsTheSameRequest() throws Exception {
        store.close();
        String url = TestDatabases.fresh(engine, data);
        org.flywaydb.core.Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("2").load().migrate();
        try (var c = java.sql.DriverManager.getConnection(url); var s = c.createStatement()) {
            s.execute("INSERT INTO users (id, name, tier, webhook_secret, created_at) VALUES ('u1', 'a', 'free', 's', 1)");
            s.execute("""
                    INSERT INTO jobs (id, user_id, status, prompt, negative_prompt, aspect_ratio, width, height, frames, fps, steps, cfg, seed,
                                      cost, charged_free, charged_paid, charge_day, priority, created_at, extend_video_id, source_frames)
                    VALUES ('video_1', 'u1', 'succeeded', 'a red ball', 'blur', '16:9', 32, 16, 13, 8, 4, 3.5, 42, 7, 7, 0, '2026-01-01', 0, %d, 'video_0', 4)""".formatted(System.currentTimeMillis()));
        }
        store = new Store(url);
        Job job = store.jobs().job("video_1").orElseThrow();
        assertEquals(new GenerationRequest("a red ball", "blur", 32, 16, 9, 8, 4, 3.5, 42), job.request(), "the generated frames: 13 made, 4 of them the source's");
        assertEquals(13, job.spec().outputFrames());
        assertEquals("16:9", job.spec().aspectRatio());
        assertEquals(13 / 8.0, store.jobs().usage(1).stream().mapToDouble(Jobs.DayUsage::videoSeconds).sum(), 1e-9);
    }

    @Test
    void aJobsSteeringAndAnUploadedClipAreStoredAndOwned() {
        User a = store.accounts().createUser("a", User.FREE, false, 100).user(), b = store.accounts().createUser("b", User.FREE, false, 100).user();
        var request = new GenerationRequest("a red ball, pixel art", "", 32, 32, 9, 8, 2, 2.5, 1);
        var steering = new Steering("a red ball", List.of(new double[] {4, 5.5}, new double[] {20, 16}), "pan-left", "pixel-art", "clip_x", 0.1);
        var spec = new JobSpec(request, "1:1", null, false, Conditions.NONE, steering);
        Job job = store.jobs().submit(new Jobs.Submission(a.id(), spec, 1, null, null, "x"), ServerConfig.DEFAULT_LIMITS).job();
        Job read = store.jobs().job(job.id()).orElseThrow();
        assertEquals(request, read.request());
        assertEquals("a red ball", read.spec().prompt());
        assertEquals("restyle", read.spec().mode());
        assertEquals(5.5, read.spec().steering().motionPath().getFirst()[1]);
        assertEquals(List.of("pan-left", "pixel-art", "clip_x"), List.of(read.spec().steering().camera(), read.spec().steering().style(), read.spec().steering().sourceVideoId()));
        assertEquals(0.1, read.spec().steering().strength());
        assertEquals(Steering.NONE, submit(a, "plain", 16).spec().steering());
        String clip = Clips.newId();
        store.clips().add(clip, a.id(), 9, 8);
        assertTrue(store.clips().owns(a.id(), clip));
        assertFalse(store.clips().owns(b.id(), clip), "another user's clip is not theirs");
    }
}
