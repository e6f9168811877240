package dev.kineto.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kineto.model.GenerationRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.ToIntFunction;

/**
 * Video jobs and the durable queue over them: submitting (with its charge), claiming under a lease, finishing,
 * cancelling (with its refund) and the reports. Each change that must not half-happen is one transaction.
 */
public final class Jobs {
    /** Claims of one job before it fails for good: a job that crashed its worker this often would do it again. */
    public static final int MAX_ATTEMPTS = 3;
    /**
     * A job whose worker lost its lease waits this long times its attempts squared before it is claimed again
     * (5 s, then 20 s): a worker cut off for a moment gets a clean retry, a job that kills workers does not spin.
     */
    static final long RETRY_BACKOFF_MILLIS = 5_000;
    /** The channel a submit notifies (PostgreSQL), waking idle workers on every node. */
    static final String QUEUED_CHANNEL = "kineto_jobs";
    /** A request is stored as this JSON (the record's own fields, and its steering under "direction"), and read back the same. */
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /**
     * The next jobs to claim: paid first, then the user served least recently, their oldest job first. Each claim
     * updates the user's last_served_at, so successive claims go round-robin over users.
     */
    private static final String NEXT_JOBS = """
            SELECT j.* FROM jobs j JOIN users u ON u.id = j.user_id WHERE j.status = 'queued' AND j.run_after <= ? AND j.attempts < ?
            ORDER BY j.priority DESC, u.last_served_at, j.created_at, j.id LIMIT 256""";
    /** The order successive claims will take: as NEXT_JOBS, with each user's n-th job in the n-th round. */
    private static final String QUEUE_ORDER = """
            SELECT j.id, j.cost FROM jobs j JOIN users u ON u.id = j.user_id WHERE j.status = 'queued'
            ORDER BY j.priority DESC, ROW_NUMBER() OVER (PARTITION BY j.user_id ORDER BY j.created_at, j.id), u.last_served_at, j.created_at, j.id""";
    /** The public feed's videos: shared and made (Job.published says the same). */
    private static final String FEED = "j.shared = 1 AND j.status = 'succeeded'";

    private static final String DIRECTION = "direction";

    private final Database db;

    Jobs(Database db) {
        this.db = db;
    }

    // ---- Submitting ----

    /** What a submit asks for: the job, its price, and the moderation rule its prompt broke (null when clean). */
    public record Submission(String userId, JobSpec spec, long cost, String moderationRule, String idempotencyKey, String requestHash) {}

    /** The job a submit made, or found when replayed under the same Idempotency-Key. */
    public record Submitted(Job job, boolean replayed) {}

    /**
     * Creates the job and charges for it in one transaction: replays an Idempotency-Key, enforces the cap on queued
     * jobs, spends today's free allowance first and purchased credits after. A moderated prompt is stored but costs nothing.
     */
    public Submitted submit(Submission s, ServerConfig.Limits limits) {
        return db.tx(t -> {
            User user = Accounts.userById(t, s.userId()).orElseThrow(); // locked first: concurrent submits of one user take turns
            if (s.idempotencyKey() != null) {
                var previous = t.one("SELECT request_hash, job_id FROM idempotency_keys WHERE user_id = ? AND idem_key = ?",
                        r -> new String[] {r.getString(1), r.getString(2)}, s.userId(), s.idempotencyKey());
                if (previous.isPresent()) {
                    if (!previous.get()[0].equals(s.requestHash())) {
                        throw new ApiError(422, "idempotency_key_reused", "Idempotency-Key '" + s.idempotencyKey()
                                + "' was already used with a different request body; send a new key for a new request");
                    }
                    return new Submitted(job(t, previous.get()[1]).orElseThrow(), true);
                }
            }
            boolean moderated = s.moderationRule() != null;
            String day = Store.today();
            Accounts.Charge charge = moderated ? new Accounts.Charge(0, 0) : Accounts.charge(t, user, s.cost(), limits, day);
            String id = Store.newId("video");
            JobSpec spec = s.spec();
            Conditions k = spec.conditions();
            t.update("""
                    INSERT INTO jobs (id, user_id, status, request, aspect_ratio, seconds, cost, charged_free, charged_paid, charge_day,
                                      priority, shared, callback_url, created_at, image_id, last_image_id, extend_video_id, source_frames)
                    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                    id, user.id(), moderated ? Job.MODERATED : Job.QUEUED, json(spec.request(), spec.steering()), spec.aspectRatio(), spec.seconds(),
                    charge.free() + charge.paid(), charge.free(), charge.paid(), day, user.tier().equals(User.PAID) ? 1 : 0,
                    spec.shared() ? 1 : 0, spec.callbackUrl(), Store.now(), k.imageId(), k.lastImageId(), k.extendVideoId(), k.sourceFrames());
            if (moderated) {
                t.update("UPDATE jobs SET finished_at = ?, error_code = 'moderated', error_message = ? WHERE id = ?", Store.now(),
                        "the prompt breaks the content policy; it was not queued and cost nothing: change it and submit again", id);
                t.update("INSERT INTO moderation_hits (job_id, user_id, rule, created_at) VALUES (?,?,?,?)", id, user.id(), s.moderationRule(), Store.now());
            } else {
                t.notify(QUEUED_CHANNEL);
            }
            if (s.idempotencyKey() != null) {
                t.update("INSERT INTO idempotency_keys (user_id, idem_key, request_hash, job_id, created_at) VALUES (?,?,?,?,?)",
                        user.id(), s.idempotencyKey(), s.requestHash(), id, Store.now());
            }
            return new Submitted(job(t, id).orElseThrow(), false);
        });
    }

    // ---- The queue ----

    /**
     * Claims the next job and up to batchLimit(its request) - 1 queued jobs that can share its pass (batchable(head, job)), for this
     * worker, with a lease; none when the limit is 0. A job whose worker died (lease expired) is queued again first, to
     * wait out its backoff.
     * Each claim counts an attempt in its transaction, so a crash cannot lose the count (see {@link #failExhausted}).
     * On PostgreSQL the candidates are locked and other workers' skipped, so concurrent claims never take the same job.
     */
    public List<Job> claim(String worker, ToIntFunction<GenerationRequest> batchLimit, long leaseMillis, BiPredicate<Job, Job> batchable) {
        return db.tx(t -> {
            long now = Store.now();
            t.update("UPDATE jobs SET status = 'queued', worker = NULL, progress = 0, run_after = ? + ? * attempts * attempts WHERE status = 'running' AND lease_until < ?",
                    now, RETRY_BACKOFF_MILLIS, now);
            List<Job> queued = t.list(NEXT_JOBS + t.skipLocked("j"), Jobs::job, now, MAX_ATTEMPTS);
            if (queued.isEmpty()) return List.of();
            Job head = queued.getFirst();
            List<Job> batch = queued.stream().filter(j -> j == head || batchable.test(head, j)).limit(batchLimit.applyAsInt(head.request())).toList();
            List<Job> claimed = new ArrayList<>();
            for (Job j : batch) {
                t.update("UPDATE jobs SET status = 'running', worker = ?, lease_until = ?, attempts = attempts + 1, started_at = ? WHERE id = ?",
                        worker, now + leaseMillis, now, j.id());
                claimed.add(job(t, j.id()).orElseThrow());
            }
            // In one order, so two claims serving the same users cannot deadlock on their rows.
            for (String user : batch.stream().map(Job::userId).distinct().sorted().toList()) {
                t.update("UPDATE users SET last_served_at = ? WHERE id = ?", now, user);
            }
            return claimed;
        });
    }

    /**
     * Fails and refunds every queued job already claimed MAX_ATTEMPTS times: each run crashed or killed its process
     * (out of memory, kill -9), so running it again would take the server down again. Answers the jobs it failed.
     */
    public List<Job> failExhausted() {
        return db.tx(t -> {
            List<Job> failed = new ArrayList<>();
            for (Job j : t.list("SELECT * FROM jobs WHERE status = 'queued' AND attempts >= ?" + t.skipLocked("jobs"), Jobs::job, MAX_ATTEMPTS)) {
                t.update("UPDATE jobs SET status = 'failed', error_code = 'attempts_exhausted', error_message = ?, finished_at = ? WHERE id = ?",
                        "generating this video stopped the server " + j.attempts() + " times (out of memory or killed); it was refunded: "
                                + "try a shorter or smaller video", Store.now(), j.id());
                Accounts.refund(t, j);
                t.update("DELETE FROM job_previews WHERE job_id = ?", j.id()); // its workers died before they could drop it
                failed.add(job(t, j.id()).orElseThrow());
            }
            return failed;
        });
    }

    /** Calls wake whenever a job is queued on any node (PostgreSQL's LISTEN; nothing on SQLite, whose submits are in this process). */
    AutoCloseable onQueued(Runnable wake) {
        return db.listen(QUEUED_CHANNEL, wake);
    }

    /** Extends this worker's lease on its jobs and saves their progress. */
    public void renew(List<Job> jobs, String worker, long leaseMillis, double progress) {
        db.tx(t -> t.update("UPDATE jobs SET lease_until = ?, progress = ? WHERE id IN " + Database.Tx.placeholders(jobs.size())
                + " AND worker = ? AND status = 'running'", args(Store.now() + leaseMillis, progress, ids(jobs), worker)));
    }

    /** Which of these jobs this worker still holds: a cancelled, deleted or taken-over job drops out. */
    public Set<String> held(List<Job> jobs, String worker) {
        return db.read(t -> new HashSet<>(t.list("SELECT id FROM jobs WHERE id IN " + Database.Tx.placeholders(jobs.size())
                + " AND status = 'running' AND worker = ? AND deleted = 0", r -> r.getString(1), args(ids(jobs), worker))));
    }

    // ---- Previews for other nodes ----

    /** A job's newest preview saved by its worker: of which attempt, at which step, a PNG data URL. */
    public record Preview(int attempt, int step, String image) {}

    /** Marks jobs as watched on some API node until the given time, so their workers save previews for it. */
    public void watch(Set<String> jobIds, long untilMillis) {
        if (jobIds.isEmpty()) return;
        db.tx(t -> t.update("UPDATE jobs SET watched_until = ? WHERE id IN " + Database.Tx.placeholders(jobIds.size()) + " AND watched_until < ?",
                args(untilMillis, List.copyOf(jobIds), untilMillis)));
    }

    /** Which of these jobs an API node watches now. */
    public Set<String> watched(List<Job> jobs) {
        return db.read(t -> new HashSet<>(t.list("SELECT id FROM jobs WHERE id IN " + Database.Tx.placeholders(jobs.size()) + " AND watched_until > ?",
                r -> r.getString(1), args(ids(jobs), Store.now()))));
    }

    /** Saves a job's newest preview in place of the one before (one row a job: it holds one preview's size). */
    public void savePreview(String jobId, int attempt, int step, String image) {
        db.tx(t -> t.update("""
                INSERT INTO job_previews (job_id, attempt, step, image) VALUES (?,?,?,?)
                ON CONFLICT (job_id) DO UPDATE SET attempt = excluded.attempt, step = excluded.step, image = excluded.image""",
                jobId, attempt, step, image));
    }

    /** The job's saved preview if it is newer than the given attempt and step. */
    public Optional<Preview> previewAfter(String jobId, int attempt, int step) {
        return db.read(t -> t.one("SELECT attempt, step, image FROM job_previews WHERE job_id = ? AND (attempt > ? OR (attempt = ? AND step > ?))",
                r -> new Preview(r.getInt(1), r.getInt(2), r.getString(3)), jobId, attempt, attempt, step));
    }

    /** Drops the saved previews of jobs (at least one) their worker is done with. */
    public void dropPreviews(Set<String> jobIds) {
        db.tx(t -> t.update("DELETE FROM job_previews WHERE job_id IN " + Database.Tx.placeholders(jobIds.size()), List.copyOf(jobIds).toArray()));
    }

    /** Puts every running job back in the queue: at start-up, when this process is the only one using the data directory. */
    public int requeueRunning() {
        return db.tx(t -> t.update("UPDATE jobs SET status = 'queued', worker = NULL, progress = 0 WHERE status = 'running'"));
    }

    /** Marks the job succeeded if this worker still holds it; false when it was cancelled or taken over meanwhile. */
    public boolean succeed(String jobId, String worker) {
        return db.tx(t -> t.update("UPDATE jobs SET status = 'succeeded', progress = 1, finished_at = ?, worker = NULL WHERE id = ? AND status = 'running' AND worker = ?",
                Store.now(), jobId, worker) == 1);
    }

    /** Marks the job failed and refunds it, if this worker still holds it. */
    public boolean fail(String jobId, String worker, String code, String message) {
        return db.tx(t -> {
            if (t.update("UPDATE jobs SET status = 'failed', error_code = ?, error_message = ?, finished_at = ?, worker = NULL WHERE id = ? AND status = 'running' AND worker = ?",
                    code, message, Store.now(), jobId, worker) != 1) return false;
            Accounts.refund(t, job(t, jobId).orElseThrow());
            return true;
        });
    }

    /** Cancels a queued or running job of this user and refunds it; a finished job answers 409. */
    public Job cancel(String userId, String jobId) {
        return db.tx(t -> {
            Job job = owned(t, userId, jobId);
            if (job.terminal()) {
                throw new ApiError(409, "not_cancellable", "video " + jobId + " is " + job.status() + " already; only queued or running videos can be cancelled");
            }
            return cancel(t, job);
        });
    }

    /** Deletes a job of this user for good, cancelling and refunding it first if unfinished; answers it as it was last. */
    public Job delete(String userId, String jobId) {
        return db.tx(t -> {
            Job job = owned(t, userId, jobId);
            if (!job.terminal()) job = cancel(t, job);
            t.update("UPDATE jobs SET deleted = 1 WHERE id = ?", jobId);
            return job;
        });
    }

    private static Job cancel(Database.Tx t, Job job) throws SQLException {
        t.update("UPDATE jobs SET status = 'cancelled', finished_at = ?, worker = NULL WHERE id = ?", Store.now(), job.id());
        Accounts.refund(t, job);
        return job(t, job.id()).orElseThrow();
    }

    public Job share(String userId, String jobId, boolean shared) {
        return db.tx(t -> {
            owned(t, userId, jobId);
            t.update("UPDATE jobs SET shared = ? WHERE id = ?", shared ? 1 : 0, jobId);
            return job(t, jobId).orElseThrow();
        });
    }

    // ---- Reading ----

    /** A job that is not deleted, whoever owns it (callers check visibility). */
    public Optional<Job> job(String id) {
        return db.read(t -> job(t, id));
    }

    /** How many queued jobs a worker takes before this one, and the credits (work) they hold. */
    public record Position(int ahead, long costAhead) {}

    /** The position of every queued job, in the order workers will take them, and where a job queued now would stand. */
    public record Queue(Map<String, Position> positions, Position end) {}

    public Queue queue() {
        return db.read(t -> {
            var positions = new HashMap<String, Position>();
            long cost = 0;
            for (var row : t.list(QUEUE_ORDER, r -> Map.entry(r.getString(1), r.getLong(2)))) {
                positions.put(row.getKey(), new Position(positions.size(), cost));
                cost += row.getValue();
            }
            return new Queue(positions, new Position(positions.size(), cost));
        });
    }

    /** A page of jobs, newest first, strictly older than the cursor job when one is given. */
    public List<Job> page(String userId, boolean sharedOnly, String cursor, int limit) {
        return db.read(t -> {
            String who = sharedOnly ? FEED : "j.user_id = ?";
            List<Object> args = new ArrayList<>();
            if (!sharedOnly) args.add(userId);
            String after = "";
            if (cursor != null) {
                // A cursor outside this listing (someone's private video) is as unknown as one that never existed.
                Job last = job(t, cursor).filter(j -> sharedOnly ? j.published() : j.userId().equals(userId))
                        .orElseThrow(() -> ApiError.invalid("invalid_cursor", "cursor '" + cursor + "' is not a video id from a previous page"));
                after = " AND (j.created_at < ? OR (j.created_at = ? AND j.id < ?))";
                args.addAll(List.of(last.createdAt(), last.createdAt(), last.id()));
            }
            args.add(limit);
            return t.list("SELECT j.* FROM jobs j WHERE j.deleted = 0 AND " + who + after + " ORDER BY j.created_at DESC, j.id DESC LIMIT ?",
                    Jobs::job, args.toArray());
        });
    }

    public long queueDepth() {
        return db.read(t -> t.count("SELECT COUNT(*) FROM jobs WHERE status = 'queued'"));
    }

    /** One UTC day of usage. */
    public record DayUsage(String day, long activeUsers, long jobs, double videoSeconds, long creditsSpent, long moderationHits) {}

    /** Usage per day over the last days, newest first. */
    public List<DayUsage> usage(int days) {
        long since = LocalDate.now(ZoneOffset.UTC).minusDays(days - 1L).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        return db.read(t -> {
            List<DayUsage> out = new ArrayList<>();
            for (int d = 0; d < days; d++) {
                long start = since + (days - 1L - d) * 86_400_000L, end = start + 86_400_000L;
                String day = LocalDate.ofEpochDay(start / 86_400_000L).toString();
                out.add(t.one("""
                        SELECT COUNT(DISTINCT user_id), COUNT(*),
                               COALESCE(SUM(CASE WHEN status = 'succeeded' THEN seconds ELSE 0 END), 0),
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
    public Map<String, Long> statusCounts() {
        return db.read(t -> {
            var counts = new TreeMap<String, Long>();
            for (var row : t.list("SELECT status, COUNT(*) FROM jobs GROUP BY status", r -> Map.entry(r.getString(1), r.getLong(2)))) {
                counts.put(row.getKey(), row.getValue());
            }
            return counts;
        });
    }

    // ---- Rows ----

    private static List<String> ids(List<Job> jobs) {
        return jobs.stream().map(Job::id).toList();
    }

    /** A statement's arguments, a list among them spread in place (for an IN list). */
    private static Object[] args(Object... parts) {
        List<Object> out = new ArrayList<>();
        for (Object part : parts) {
            if (part instanceof List<?> list) out.addAll(list);
            else out.add(part);
        }
        return out.toArray();
    }

    static Optional<Job> job(Database.Tx t, String id) throws SQLException {
        return t.one("SELECT * FROM jobs WHERE id = ? AND deleted = 0", Jobs::job, id);
    }

    /** The user's own job (locked for the change that follows); anyone else's, or a missing one, is the same 404. */
    private static Job owned(Database.Tx t, String userId, String jobId) throws SQLException {
        return t.one("SELECT * FROM jobs WHERE id = ? AND deleted = 0" + t.forUpdate(), Jobs::job, jobId)
                .filter(j -> j.userId().equals(userId)).orElseThrow(() -> ApiError.notFound("video", jobId));
    }

    private static Job job(ResultSet r) throws SQLException {
        var conditions = new Conditions(r.getString("image_id"), r.getString("last_image_id"), r.getString("extend_video_id"), r.getInt("source_frames"));
        var stored = stored(r.getString("request"));
        var spec = new JobSpec(stored.request(), r.getString("aspect_ratio"), r.getString("callback_url"), r.getInt("shared") == 1, conditions, stored.steering());
        return new Job(r.getString("id"), r.getString("user_id"), r.getString("status"), spec, r.getLong("cost"), r.getLong("charged_free"),
                r.getLong("charged_paid"), r.getString("charge_day"), r.getInt("priority"), r.getDouble("progress"), r.getString("error_code"),
                r.getString("error_message"), r.getString("worker"), r.getInt("attempts"), r.getLong("created_at"),
                Database.Tx.nullableLong(r, "started_at"), Database.Tx.nullableLong(r, "finished_at"));
    }

    private static String json(GenerationRequest request, Steering steering) {
        ObjectNode node = JSON.valueToTree(request);
        if (!steering.equals(Steering.NONE)) node.set(DIRECTION, JSON.valueToTree(steering));
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Stored(GenerationRequest request, Steering steering) {}

    /** A stored request; one written before steering existed has none. */
    private static Stored stored(String json) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(json);
            JsonNode direction = node.remove(DIRECTION);
            return new Stored(JSON.treeToValue(node, GenerationRequest.class), direction == null ? Steering.NONE : JSON.treeToValue(direction, Steering.class));
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("a job's stored request is not a request: " + json, e);
        }
    }
}
