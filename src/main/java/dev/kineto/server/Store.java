package dev.kineto.server;

import dev.kineto.model.GenerationRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;
import java.util.function.ToIntFunction;
import org.flywaydb.core.Flyway;
import org.slf4j.LoggerFactory;

/**
 * All of Kineto's state in one database, through plain JDBC. SQLite by default (WAL, busy timeout, one connection
 * behind a lock, since SQLite has one writer anyway, plus a second one for the long reads of reports, which WAL lets
 * run beside the writer); the SQL is portable to PostgreSQL. Every change that must not half-happen (a charge and its
 * job, a claim, a refund) is one transaction.
 */
public final class Store implements AutoCloseable {
    /** Claims of one job before it fails for good: a job that crashed its worker this often would do it again. */
    public static final int MAX_ATTEMPTS = 3;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.util.concurrent.atomic.AtomicInteger SEQUENCE = new java.util.concurrent.atomic.AtomicInteger();
    /**
     * The next jobs to claim: paid first, then the user served least recently, their oldest job first. Each claim
     * updates the user's last_served_at, so successive claims go round-robin over users.
     */
    private static final String NEXT_JOBS = """
            SELECT j.* FROM jobs j JOIN users u ON u.id = j.user_id WHERE j.status = 'queued'
            ORDER BY j.priority DESC, u.last_served_at, j.created_at, j.id LIMIT 256""";
    /** The order successive claims will take: as NEXT_JOBS, with each user's n-th job in the n-th round. */
    private static final String QUEUE_ORDER = """
            SELECT j.id, j.cost FROM jobs j JOIN users u ON u.id = j.user_id WHERE j.status = 'queued'
            ORDER BY j.priority DESC, ROW_NUMBER() OVER (PARTITION BY j.user_id ORDER BY j.created_at, j.id), u.last_served_at, j.created_at, j.id""";

    /** The public feed's videos: shared and made (Job.published says the same). */
    private static final String FEED = "j.shared = 1 AND j.status = 'succeeded'";

    static {
        // Flyway's INFO lines (one per check and migration) are noise on every CLI call that opens the database.
        System.setProperty("org.slf4j.simpleLogger.log.org.flywaydb", "warn");
    }

    private final Connection connection, reader;
    private final ReentrantLock lock = new ReentrantLock(), readerLock = new ReentrantLock();

    /** Opens (and migrates) the SQLite database kineto.db in dataDir. */
    public static Store open(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
        }
        Path db = dataDir.resolve("kineto.db");
        privateFile(db);
        Store store = new Store("jdbc:sqlite:" + db.toAbsolutePath());
        for (String journal : List.of("-wal", "-shm")) {
            Path file = dataDir.resolve(db.getFileName() + journal);
            if (Files.exists(file)) privateFile(file); // SQLite gives new ones the database's mode
        }
        return store;
    }

    /** Makes the file readable by its owner only (creating it empty if missing): the database holds webhook secrets. */
    private static void privateFile(Path file) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) return;
        var owner = PosixFilePermissions.fromString("rw-------");
        try {
            if (Files.exists(file)) Files.setPosixFilePermissions(file, owner);
            else Files.createFile(file, PosixFilePermissions.asFileAttribute(owner));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot make " + file + " private: " + e.getMessage(), e);
        }
    }

    public Store(String jdbcUrl) {
        Flyway.configure().dataSource(jdbcUrl, null, null).locations("classpath:db/migration").load().migrate();
        try {
            connection = open(jdbcUrl);
            reader = open(jdbcUrl);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open database " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    private static Connection open(String jdbcUrl) throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl);
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL"); // with WAL, a killed process loses nothing committed
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("PRAGMA foreign_keys=ON");
            }
        }
        return c;
    }

    // ---- Users, API keys and sessions ----

    /** A new user and their first API key (shown once: only its hash is stored). */
    public record NewUser(User user, String apiKey) {}

    public NewUser createUser(String name, String tier, boolean admin, long credits) {
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("user name must be 1-64 letters, digits, '_', '.' or '-', got '" + name + "'");
        }
        return tx(c -> {
            if (one(c, "SELECT id FROM users WHERE name = ?", r -> r.getString(1), name).isPresent()) {
                throw new IllegalArgumentException("user '" + name + "' exists already");
            }
            String id = newId("u");
            update(c, "INSERT INTO users (id, name, tier, is_admin, credits, webhook_secret, created_at) VALUES (?,?,?,?,?,?,?)",
                    id, name, tier, admin ? 1 : 0, credits, Webhooks.newSecret(bytes(24)), now());
            String key = "kn_" + token(32);
            update(c, "INSERT INTO api_keys (hash, user_id, created_at) VALUES (?,?,?)", sha256(key), id, now());
            return new NewUser(userById(c, id).orElseThrow(), key);
        });
    }

    public Optional<User> userByApiKey(String key) {
        return tx(c -> one(c, "SELECT u.* FROM users u JOIN api_keys k ON k.user_id = u.id WHERE k.hash = ?", Store::user, sha256(key)));
    }

    public Optional<User> userByName(String name) {
        return tx(c -> one(c, "SELECT * FROM users WHERE name = ?", Store::user, name));
    }

    public Optional<User> userById(String id) {
        return tx(c -> userById(c, id));
    }

    /** Starts a studio session; the returned token goes in the cookie, its hash in the database. */
    public String createSession(String userId, long ttlMillis) {
        String token = token(32);
        tx(c -> update(c, "INSERT INTO sessions (hash, user_id, expires_at) VALUES (?,?,?)", sha256(token), userId, now() + ttlMillis));
        return token;
    }

    public Optional<User> userBySession(String token) {
        return tx(c -> one(c, "SELECT u.* FROM users u JOIN sessions s ON s.user_id = u.id WHERE s.hash = ? AND s.expires_at > ?",
                Store::user, sha256(token), now()));
    }

    public void endSession(String token) {
        tx(c -> update(c, "DELETE FROM sessions WHERE hash = ?", sha256(token)));
    }

    // ---- Submitting, charging and refunding ----

    /** What a submit asks for: the job, its price, and the moderation rule its prompt broke (null when clean). */
    public record Submission(String userId, JobSpec spec, long cost, String moderationRule, String idempotencyKey, String requestHash) {}

    /** The job a submit made, or found when replayed under the same Idempotency-Key. */
    public record Submitted(Job job, boolean replayed) {}

    /**
     * Creates the job and charges for it in one transaction: replays an Idempotency-Key, enforces the cap on queued
     * jobs, spends today's free allowance first and purchased credits after. A moderated prompt is stored but costs nothing.
     */
    public Submitted submit(Submission s, ServerConfig.Limits limits) {
        return tx(c -> {
            if (s.idempotencyKey() != null) {
                var previous = one(c, "SELECT request_hash, job_id FROM idempotency_keys WHERE user_id = ? AND idem_key = ?",
                        r -> new String[] {r.getString(1), r.getString(2)}, s.userId(), s.idempotencyKey());
                if (previous.isPresent()) {
                    if (!previous.get()[0].equals(s.requestHash())) {
                        throw new ApiError(422, "idempotency_key_reused", "Idempotency-Key '" + s.idempotencyKey()
                                + "' was already used with a different request body; send a new key for a new request");
                    }
                    return new Submitted(job(c, previous.get()[1]).orElseThrow(), true);
                }
            }
            User user = userById(c, s.userId()).orElseThrow();
            boolean moderated = s.moderationRule() != null;
            String day = today();
            Charge charge = moderated ? new Charge(0, 0) : charge(c, user, s.cost(), limits, day);
            String id = newId("video");
            GenerationRequest r = s.spec().request();
            Conditions k = s.spec().conditions();
            update(c, """
                    INSERT INTO jobs (id, user_id, status, prompt, negative_prompt, aspect_ratio, width, height, frames, fps, steps, cfg, seed,
                                      cost, charged_free, charged_paid, charge_day, priority, shared, callback_url, created_at,
                                      image_id, last_image_id, extend_video_id, source_frames)
                    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                    id, user.id(), moderated ? Job.MODERATED : Job.QUEUED, r.prompt(), r.negativePrompt(), s.spec().aspectRatio(), r.width(),
                    r.height(), s.spec().outputFrames(), r.fps(), r.steps(), r.cfg(), r.seed(), charge.free() + charge.paid(), charge.free(), charge.paid(),
                    day, user.tier().equals(User.PAID) ? 1 : 0, s.spec().shared() ? 1 : 0, s.spec().callbackUrl(), now(),
                    k.imageId(), k.lastImageId(), k.extendVideoId(), k.sourceFrames());
            if (moderated) {
                update(c, "UPDATE jobs SET finished_at = ?, error_code = 'moderated', error_message = ? WHERE id = ?", now(),
                        "the prompt breaks the content policy; it was not queued and cost nothing: change it and submit again", id);
                update(c, "INSERT INTO moderation_hits (job_id, user_id, rule, created_at) VALUES (?,?,?,?)", id, user.id(), s.moderationRule(), now());
            }
            if (s.idempotencyKey() != null) {
                update(c, "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, job_id, created_at) VALUES (?,?,?,?,?)",
                        user.id(), s.idempotencyKey(), s.requestHash(), id, now());
            }
            return new Submitted(job(c, id).orElseThrow(), false);
        });
    }

    /** What a job took from today's free allowance and from purchased credits. */
    private record Charge(long free, long paid) {}

    /** Takes the cost from the user, free allowance first, after checking the cap on queued jobs and the balance. */
    private static Charge charge(Connection c, User user, long cost, ServerConfig.Limits limits, String day) throws SQLException {
        long active = count(c, "SELECT COUNT(*) FROM jobs WHERE user_id = ? AND status IN ('queued','running')", user.id());
        if (active >= limits.maxQueuedPerUser()) {
            throw new ApiError(429, "too_many_queued", "you have " + active + " videos queued or running, the most allowed is "
                    + limits.maxQueuedPerUser() + "; wait for one to finish or cancel one");
        }
        long freeLeft = user.freeLeft(day, limits.dailyFreeCredits());
        Charge charge = new Charge(Math.min(cost, freeLeft), cost - Math.min(cost, freeLeft));
        if (charge.paid() > user.credits()) {
            throw new ApiError(402, "insufficient_credits", "this video costs " + cost + " credits; you have " + freeLeft
                    + " free credits left today and " + user.credits() + " purchased; make it shorter, smaller or with fewer steps, or add credits");
        }
        long freeUsed = (day.equals(user.freeDay()) ? user.freeUsed() : 0) + charge.free();
        update(c, "UPDATE users SET free_day = ?, free_used = ?, credits = credits - ? WHERE id = ?", day, freeUsed, charge.paid(), user.id());
        return charge;
    }

    /** Gives a job's charge back to the pots it came from (free credits only while it is still the same day). */
    private static void refund(Connection c, Job job) throws SQLException {
        User user = userById(c, job.userId()).orElseThrow();
        long freeUsed = user.freeDay().equals(job.chargeDay()) ? Math.max(0, user.freeUsed() - job.chargedFree()) : user.freeUsed();
        update(c, "UPDATE users SET credits = credits + ?, free_used = ? WHERE id = ?", job.chargedPaid(), freeUsed, user.id());
    }

    /** Adds purchased credits and sets the tier (the billing hook an operator calls). */
    public void grant(String userId, long credits, String tier) {
        tx(c -> update(c, "UPDATE users SET credits = credits + ?, tier = ? WHERE id = ?", credits, tier, userId));
    }

    // ---- The queue ----

    /**
     * Claims the next job and up to batchLimit(its request) - 1 queued jobs that can share its pass (batchable(head, job)), for this
     * worker, with a lease; none when the limit is 0. A job whose worker died (lease expired) is queued again first.
     * Each claim counts an attempt in its transaction, so a crash cannot lose the count (see {@link #failExhausted}).
     */
    public List<Job> claim(String worker, ToIntFunction<GenerationRequest> batchLimit, long leaseMillis,
                           BiPredicate<Job, Job> batchable) {
        return tx(c -> {
            update(c, "UPDATE jobs SET status = 'queued', worker = NULL WHERE status = 'running' AND lease_until < ?", now());
            List<Job> queued = list(c, NEXT_JOBS, Store::job);
            if (queued.isEmpty()) return List.of();
            GenerationRequest head = queued.getFirst().request();
            List<Job> batch = queued.stream().filter(j -> j == queued.getFirst() || batchable.test(queued.getFirst(), j))
                    .limit(batchLimit.applyAsInt(head)).toList();
            long now = now();
            List<Job> claimed = new ArrayList<>();
            for (Job j : batch) {
                update(c, "UPDATE jobs SET status = 'running', worker = ?, lease_until = ?, attempts = attempts + 1, started_at = ? WHERE id = ?",
                        worker, now + leaseMillis, now, j.id());
                update(c, "UPDATE users SET last_served_at = ? WHERE id = ?", now, j.userId());
                claimed.add(job(c, j.id()).orElseThrow());
            }
            return claimed;
        });
    }

    /**
     * Fails and refunds every queued job already claimed MAX_ATTEMPTS times: each run crashed or killed its process
     * (out of memory, kill -9), so running it again would take the server down again. Answers the jobs it failed.
     */
    public List<Job> failExhausted() {
        return tx(c -> {
            List<Job> failed = new ArrayList<>();
            for (Job j : list(c, "SELECT * FROM jobs WHERE status = 'queued' AND attempts >= ?", Store::job, MAX_ATTEMPTS)) {
                update(c, "UPDATE jobs SET status = 'failed', error_code = 'attempts_exhausted', error_message = ?, finished_at = ? WHERE id = ?",
                        "generating this video stopped the server " + j.attempts() + " times (out of memory or killed); it was refunded: "
                                + "try a shorter or smaller video", now(), j.id());
                refund(c, j);
                failed.add(job(c, j.id()).orElseThrow());
            }
            return failed;
        });
    }

    /** Extends this worker's lease on its jobs and saves their progress. */
    public void renew(List<Job> jobs, String worker, long leaseMillis, double progress) {
        tx(c -> {
            for (Job j : jobs) {
                update(c, "UPDATE jobs SET lease_until = ?, progress = ? WHERE id = ? AND worker = ? AND status = 'running'",
                        now() + leaseMillis, progress, j.id(), worker);
            }
            return null;
        });
    }

    /** Which of these jobs this worker still holds: a cancelled, deleted or taken-over job drops out. */
    public java.util.Set<String> held(List<Job> jobs, String worker) {
        return read(c -> {
            var held = new java.util.HashSet<String>();
            for (Job j : jobs) {
                if (count(c, "SELECT COUNT(*) FROM jobs WHERE id = ? AND status = 'running' AND worker = ? AND deleted = 0", j.id(), worker) == 1) held.add(j.id());
            }
            return held;
        });
    }

    /** Puts every running job back in the queue: at start-up, when this process is the only one using the data directory. */
    public int requeueRunning() {
        return tx(c -> update(c, "UPDATE jobs SET status = 'queued', worker = NULL, progress = 0 WHERE status = 'running'"));
    }

    /** Marks the job succeeded if this worker still holds it; false when it was cancelled or taken over meanwhile. */
    public boolean succeed(String jobId, String worker) {
        return tx(c -> update(c, "UPDATE jobs SET status = 'succeeded', progress = 1, finished_at = ?, worker = NULL WHERE id = ? AND status = 'running' AND worker = ?",
                now(), jobId, worker) == 1);
    }

    /** Marks the job failed and refunds it, if this worker still holds it. */
    public boolean fail(String jobId, String worker, String code, String message) {
        return tx(c -> {
            if (update(c, "UPDATE jobs SET status = 'failed', error_code = ?, error_message = ?, finished_at = ?, worker = NULL WHERE id = ? AND status = 'running' AND worker = ?",
                    code, message, now(), jobId, worker) != 1) return false;
            refund(c, job(c, jobId).orElseThrow());
            return true;
        });
    }

    /** Cancels a queued or running job of this user and refunds it; a finished job answers 409. */
    public Job cancel(String userId, String jobId) {
        return tx(c -> {
            Job job = owned(c, userId, jobId);
            if (job.terminal()) {
                throw new ApiError(409, "not_cancellable", "video " + jobId + " is " + job.status() + " already; only queued or running videos can be cancelled");
            }
            return cancel(c, job);
        });
    }

    /** Deletes a job of this user for good, cancelling and refunding it first if unfinished; answers it as it was last. */
    public Job delete(String userId, String jobId) {
        return tx(c -> {
            Job job = owned(c, userId, jobId);
            if (!job.terminal()) job = cancel(c, job);
            update(c, "UPDATE jobs SET deleted = 1 WHERE id = ?", jobId);
            return job;
        });
    }

    private static Job cancel(Connection c, Job job) throws SQLException {
        update(c, "UPDATE jobs SET status = 'cancelled', finished_at = ?, worker = NULL WHERE id = ?", now(), job.id());
        refund(c, job);
        return job(c, job.id()).orElseThrow();
    }

    public Job share(String userId, String jobId, boolean shared) {
        return tx(c -> {
            owned(c, userId, jobId);
            update(c, "UPDATE jobs SET shared = ? WHERE id = ?", shared ? 1 : 0, jobId);
            return job(c, jobId).orElseThrow();
        });
    }

    // ---- Reading jobs ----

    /** A job that is not deleted, whoever owns it (callers check visibility). */
    public Optional<Job> job(String id) {
        return tx(c -> job(c, id));
    }

    /** How many queued jobs a worker takes before this one, and the credits (work) they hold. */
    public record Position(int ahead, long costAhead) {}

    /** The position of every queued job, in the order workers will take them, and where a job queued now would stand. */
    public record Queue(java.util.Map<String, Position> positions, Position end) {}

    public Queue queue() {
        return read(c -> {
            var positions = new java.util.HashMap<String, Position>();
            long cost = 0;
            for (var row : list(c, QUEUE_ORDER, r -> java.util.Map.entry(r.getString(1), r.getLong(2)))) {
                positions.put(row.getKey(), new Position(positions.size(), cost));
                cost += row.getValue();
            }
            return new Queue(positions, new Position(positions.size(), cost));
        });
    }

    /** A page of jobs, newest first, strictly older than the cursor job when one is given. */
    public List<Job> page(String userId, boolean sharedOnly, String cursor, int limit) {
        return tx(c -> {
            String who = sharedOnly ? FEED : "j.user_id = ?";
            List<Object> args = new ArrayList<>();
            if (!sharedOnly) args.add(userId);
            String after = "";
            if (cursor != null) {
                // A cursor outside this listing (someone's private video) is as unknown as one that never existed.
                Job last = job(c, cursor).filter(j -> sharedOnly ? j.published() : j.userId().equals(userId))
                        .orElseThrow(() -> ApiError.invalid("invalid_cursor", "cursor '" + cursor + "' is not a video id from a previous page"));
                after = " AND (j.created_at < ? OR (j.created_at = ? AND j.id < ?))";
                args.addAll(List.of(last.createdAt(), last.createdAt(), last.id()));
            }
            args.add(limit);
            return list(c, "SELECT j.* FROM jobs j WHERE j.deleted = 0 AND " + who + after + " ORDER BY j.created_at DESC, j.id DESC LIMIT ?",
                    Store::job, args.toArray());
        });
    }

    public long queueDepth() {
        return tx(c -> count(c, "SELECT COUNT(*) FROM jobs WHERE status = 'queued'"));
    }

    // ---- Uploaded images ----

    /** Whether the user uploaded this image; anyone else's is as missing as one never uploaded. */
    public boolean ownsImage(String userId, String imageId) {
        return tx(c -> count(c, "SELECT COUNT(*) FROM images WHERE id = ? AND user_id = ?", imageId, userId)) > 0;
    }

    public String addImage(String userId, int width, int height) {
        String id = newId("img");
        tx(c -> update(c, "INSERT INTO images (id, user_id, width, height, created_at) VALUES (?,?,?,?,?)", id, userId, width, height, now()));
        return id;
    }

    // ---- Webhook deliveries ----

    public record Delivery(String id, String jobId, String userId, String url, String body, int attempts) {}

    public void enqueueWebhook(Job job, String body) {
        tx(c -> update(c, "INSERT INTO webhook_deliveries (id, job_id, user_id, url, body, state, next_attempt_at) VALUES (?,?,?,?,?,'pending',?)",
                newId("wh"), job.id(), job.userId(), job.callbackUrl(), body, now()));
    }

    /**
     * Takes up to limit due deliveries to send, each under a lease: it is not due again until leaseMillis from now, so
     * the next poll skips it while it is in flight, and a crash mid-send only delays it.
     */
    public List<Delivery> takeDueWebhooks(int limit, long leaseMillis) {
        return tx(c -> {
            List<Delivery> due = list(c, "SELECT * FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
                    r -> new Delivery(r.getString("id"), r.getString("job_id"), r.getString("user_id"), r.getString("url"), r.getString("body"), r.getInt("attempts")),
                    now(), limit);
            for (Delivery d : due) update(c, "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?", now() + leaseMillis, d.id());
            return due;
        });
    }

    /** Records an attempt: delivered, or pending again at nextAttemptAt, or failed for good when nextAttemptAt is null. */
    public void recordAttempt(String deliveryId, boolean delivered, String error, Long nextAttemptAt) {
        String state = delivered ? "delivered" : nextAttemptAt == null ? "failed" : "pending";
        tx(c -> update(c, "UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                state, error, nextAttemptAt == null ? now() : nextAttemptAt, deliveryId));
    }

    public record DeliveryState(String state, int attempts, String lastError) {}

    public List<DeliveryState> webhookStates(String jobId) {
        return tx(c -> list(c, "SELECT state, attempts, last_error FROM webhook_deliveries WHERE job_id = ?",
                r -> new DeliveryState(r.getString(1), r.getInt(2), r.getString(3)), jobId));
    }

    // ---- Usage (admin view) ----

    /** One UTC day of usage. */
    public record DayUsage(String day, long activeUsers, long jobs, double videoSeconds, long creditsSpent, long moderationHits) {}

    /** Usage per day over the last days, newest first. */
    public List<DayUsage> usage(int days) {
        long since = LocalDate.now(ZoneOffset.UTC).minusDays(days - 1L).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        return read(c -> {
            List<DayUsage> out = new ArrayList<>();
            for (int d = 0; d < days; d++) {
                long start = since + (days - 1L - d) * 86_400_000L, end = start + 86_400_000L;
                String day = LocalDate.ofEpochDay(start / 86_400_000L).toString();
                out.add(one(c, """
                        SELECT COUNT(DISTINCT user_id), COUNT(*),
                               COALESCE(SUM(CASE WHEN status = 'succeeded' THEN frames / fps ELSE 0 END), 0),
                               COALESCE(SUM(CASE WHEN status IN ('queued','running','succeeded') THEN cost ELSE 0 END), 0),
                               (SELECT COUNT(*) FROM moderation_hits WHERE created_at >= ? AND created_at < ?)
                        FROM jobs WHERE created_at >= ? AND created_at < ?""",
                        r -> new DayUsage(day, r.getLong(1), r.getLong(2), r.getDouble(3), r.getLong(4), r.getLong(5)),
                        start, end, start, end).orElseThrow());
            }
            return out;
        });
    }

    /** Job counts by status, for the admin view and metrics. */
    public java.util.Map<String, Long> statusCounts() {
        return tx(c -> {
            var counts = new java.util.TreeMap<String, Long>();
            for (var row : list(c, "SELECT status, COUNT(*) FROM jobs GROUP BY status", r -> java.util.Map.entry(r.getString(1), r.getLong(2)))) {
                counts.put(row.getKey(), row.getValue());
            }
            return counts;
        });
    }

    /** Whether the database answers and takes writes (a statement that changes nothing still needs the write lock). */
    public boolean writable() {
        try {
            return tx(c -> update(c, "UPDATE users SET name = name WHERE 0") == 0);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        lock.lock();
        readerLock.lock();
        try {
            connection.close();
            reader.close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } finally {
            readerLock.unlock();
            lock.unlock();
        }
    }

    // ---- Plumbing ----

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet r) throws SQLException;
    }

    /** Runs work in one transaction on the shared connection; any exception rolls it back. */
    <T> T tx(SqlWork<T> work) {
        lock.lock();
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs read-only work on the second connection, beside any transaction of the first (each statement sees a committed state). */
    private <T> T read(SqlWork<T> work) {
        readerLock.lock();
        try {
            return work.run(reader);
        } catch (SQLException e) {
            throw failure(e);
        } finally {
            readerLock.unlock();
        }
    }

    /** SQLite's result codes for storage that cannot take a write now: busy, locked, read-only, I/O error, full, cannot open. */
    private static final Set<Integer> UNAVAILABLE = Set.of(5, 6, 8, 10, 13, 14);

    /**
     * A database error as the API answers it: storage that cannot take writes now is a 503 the client retries (the
     * transaction was rolled back, so nothing half-happened); anything else is a bug.
     */
    private static RuntimeException failure(SQLException e) {
        if (UNAVAILABLE.contains(e.getErrorCode() & 0xff)) {
            LoggerFactory.getLogger(Store.class).warn("database unavailable: {}", e.getMessage());
            return new ApiError(503, "storage_unavailable", "the server cannot write its database right now; nothing was changed, retry in a few seconds");
        }
        return new IllegalStateException("database error: " + e.getMessage(), e);
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) s.setObject(i + 1, args[i]);
        return s;
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, args)) {
            return s.executeUpdate();
        }
    }

    private static <T> List<T> list(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, args); ResultSet r = s.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (r.next()) out.add(row.map(r));
            return out;
        }
    }

    private static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        List<T> all = list(c, sql, row, args);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getFirst());
    }

    private static long count(Connection c, String sql, Object... args) throws SQLException {
        return one(c, sql, r -> r.getLong(1), args).orElse(0L);
    }

    private static Optional<User> userById(Connection c, String id) throws SQLException {
        return one(c, "SELECT * FROM users WHERE id = ?", Store::user, id);
    }

    private static Optional<Job> job(Connection c, String id) throws SQLException {
        return one(c, "SELECT * FROM jobs WHERE id = ? AND deleted = 0", Store::job, id);
    }

    /** The user's own job; anyone else's, or a missing one, is the same 404. */
    private static Job owned(Connection c, String userId, String jobId) throws SQLException {
        return job(c, jobId).filter(j -> j.userId().equals(userId)).orElseThrow(() -> ApiError.notFound("video", jobId));
    }

    private static User user(ResultSet r) throws SQLException {
        return new User(r.getString("id"), r.getString("name"), r.getString("tier"), r.getInt("is_admin") == 1, r.getLong("credits"),
                r.getString("free_day"), r.getLong("free_used"), r.getString("webhook_secret"));
    }

    private static Job job(ResultSet r) throws SQLException {
        return new Job(r.getString("id"), r.getString("user_id"), r.getString("status"), r.getString("prompt"), r.getString("negative_prompt"),
                r.getString("aspect_ratio"), r.getInt("width"), r.getInt("height"), r.getInt("frames"), r.getDouble("fps"), r.getInt("steps"),
                r.getDouble("cfg"), r.getLong("seed"), r.getLong("cost"), r.getLong("charged_free"), r.getLong("charged_paid"),
                r.getString("charge_day"), r.getInt("priority"), r.getInt("shared") == 1, r.getString("callback_url"), r.getDouble("progress"),
                r.getString("error_code"), r.getString("error_message"), r.getString("worker"), r.getInt("attempts"), r.getLong("created_at"),
                nullableLong(r, "started_at"), nullableLong(r, "finished_at"),
                new Conditions(r.getString("image_id"), r.getString("last_image_id"), r.getString("extend_video_id"), r.getInt("source_frames")));
    }

    private static Long nullableLong(ResultSet r, String column) throws SQLException {
        long value = r.getLong(column);
        return r.wasNull() ? null : value;
    }

    static long now() {
        return System.currentTimeMillis();
    }

    static String today() {
        return LocalDate.now(ZoneOffset.UTC).toString();
    }

    /** A unique id with a readable prefix that sorts by creation (time, then a counter), e.g. video_0192a3f4c1d2000a5e...; the random tail makes ids unguessable. */
    static String newId(String prefix) {
        return "%s_%012x%04x%s".formatted(prefix, now(), SEQUENCE.getAndIncrement() & 0xffff, HexFormat.of().formatHex(bytes(8)));
    }

    /** A random URL-safe secret of n bytes. */
    static String token(int n) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(n));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Hex SHA-256: API keys and session tokens are random and long, so a fast hash is enough to store them safely. */
    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
