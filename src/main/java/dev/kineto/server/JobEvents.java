package dev.kineto.server;

import io.javalin.http.sse.SseClient;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live state of running jobs, pushed over Server-Sent Events: a "progress" event every sampling step, a "preview" event
 * (the current denoised estimate as a PNG data URL) while someone watches, and a final "done" event with the video.
 * Jobs that a worker elsewhere runs (a shared database) have no live state here: their watchers get progress and
 * previews relayed from the database ({@link #relay}, {@link #preview}).
 * <p>
 * Every event carries an {@link EventId} that any node derives alike from the job's state, and each stream is sent
 * only events after the last one it has: a client that reconnects, to this node or another, with Last-Event-ID goes
 * on from the job's current state without repeats.
 */
final class JobEvents {
    /** Progress of a running job in its attempt (claim); step 0 until its first sampling step ends. */
    record Live(int attempt, int step, int steps) {
        double fraction() {
            return steps == 0 ? 0 : (double) step / steps;
        }
    }

    record Progress(String id, String status, int progress, int step, int steps) {}

    record Preview(String id, int step, String image) {}

    /**
     * Where an event stands in a job's stream, in the order they happen: by attempt (a job a worker lost is claimed
     * again from step 0), then step, a step's preview after its progress, "done" after everything. Sent as the SSE id
     * "ATTEMPT.STEP", "ATTEMPT.STEP.preview" or "done".
     */
    record EventId(int attempt, int step, boolean preview) implements Comparable<EventId> {
        /** Before any event: a stream with no Last-Event-ID. */
        static final EventId START = new EventId(-1, 0, false);
        static final EventId DONE = new EventId(Integer.MAX_VALUE, 0, false);
        private static final java.util.regex.Pattern TEXT = java.util.regex.Pattern.compile("(\\d{1,9})\\.(\\d{1,9})(\\.preview)?");

        static EventId progress(int attempt, int step) {
            return new EventId(attempt, step, false);
        }

        /** A Last-Event-ID header as sent back by a client; null (none) is the start. */
        static EventId parse(String text) {
            if (text == null || text.isBlank()) return START;
            if (text.strip().equals("done")) return DONE;
            var m = TEXT.matcher(text.strip());
            if (!m.matches()) {
                throw new ApiError(400, "bad_last_event_id", "Last-Event-ID '" + text + "' is not an id this stream sent (ATTEMPT.STEP, "
                        + "ATTEMPT.STEP.preview or done); send the id of the last event received, or none to start over");
            }
            return new EventId(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3) != null);
        }

        String text() {
            return equals(DONE) ? "done" : attempt + "." + step + (preview ? ".preview" : "");
        }

        @Override
        public int compareTo(EventId o) {
            int c = Integer.compare(attempt, o.attempt);
            if (c == 0) c = Integer.compare(step, o.step);
            return c != 0 ? c : Boolean.compare(preview, o.preview);
        }

        boolean after(EventId o) {
            return compareTo(o) > 0;
        }
    }

    private final Map<String, Live> live = new ConcurrentHashMap<>();
    /** Each job's open streams and the last event each was sent (or had, by its Last-Event-ID). */
    private final Map<String, Map<SseClient, EventId>> watchers = new ConcurrentHashMap<>();
    /** The newest preview relayed to a job's watchers from the database, so the next read asks only for a newer one. */
    private final Map<String, EventId> relayedPreview = new ConcurrentHashMap<>();

    /**
     * Adds a watcher of a job that is not finished, which has every event up to last; the caller re-reads the job
     * afterwards, so a finish in between is not missed.
     */
    void watch(String jobId, SseClient client, EventId last) {
        watchers.compute(jobId, (id, set) -> {
            if (set == null) set = new ConcurrentHashMap<>();
            set.put(client, last);
            return set;
        });
        client.onClose(() -> watchers.computeIfPresent(jobId, (id, set) -> {
            set.remove(client);
            return set.isEmpty() ? null : set; // a job nobody watches here any more is not relayed (nor marked watched)
        }));
    }

    /** A comment line to every open stream, so idle connections (a long wait in the queue) are not timed out. */
    void heartbeat() {
        for (Map<SseClient, EventId> set : watchers.values()) {
            for (SseClient client : set.keySet()) {
                synchronized (client) {
                    if (!client.terminated()) client.sendComment("keep-alive");
                }
            }
        }
    }

    boolean watched(String jobId) {
        Map<SseClient, EventId> set = watchers.get(jobId);
        return set != null && !set.isEmpty();
    }

    Live live(String jobId) {
        return live.get(jobId);
    }

    /** Sends a job's current state (not finished) to one new watcher: this node's live progress, else what the database says. */
    void current(Job job, SseClient client) {
        Live now = live.get(job.id());
        int steps = job.request().steps(), step = now != null ? now.step() : savedStep(job);
        EventId id = now != null ? EventId.progress(now.attempt(), step) : EventId.progress(job.attempts(), step);
        send(job.id(), client, "progress", id, new Progress(job.id(), job.status(), percent(step, steps), step, steps));
    }

    void started(Job job) {
        live.put(job.id(), new Live(job.attempts(), 0, job.request().steps()));
        send(job.id(), "progress", EventId.progress(job.attempts(), 0), new Progress(job.id(), Job.RUNNING, 0, 0, job.request().steps()));
    }

    void step(String jobId, int step, int steps) {
        Live now = live.compute(jobId, (id, was) -> new Live(was == null ? 0 : was.attempt(), step, steps));
        send(jobId, "progress", EventId.progress(now.attempt(), step), progress(jobId, step, steps));
    }

    static Progress progress(String jobId, int step, int steps) {
        return new Progress(jobId, Job.RUNNING, percent(step, steps), step, steps);
    }

    private static int percent(int step, int steps) {
        return (int) Math.floor(100.0 * step / steps);
    }

    /** The step of a job as saved in the database by the worker running it. */
    private static int savedStep(Job job) {
        return (int) Math.round(job.progress() * job.request().steps());
    }

    /** Watched jobs that no worker of this process runs: their state is in the database. */
    Set<String> watchedElsewhere() {
        var ids = new java.util.HashSet<String>();
        watchers.forEach((id, set) -> {
            if (!set.isEmpty() && !live.containsKey(id)) ids.add(id);
        });
        return ids;
    }

    /** Sends a running job's progress as saved in the database by the worker running it (each stream only once). */
    void relay(Job job) {
        int steps = job.request().steps(), step = savedStep(job);
        send(job.id(), "progress", EventId.progress(job.attempts(), step), progress(job.id(), step, steps));
    }

    /** The id of the newest preview of this job relayed from the database; START when none. */
    EventId relayedPreview(String jobId) {
        return relayedPreview.getOrDefault(jobId, EventId.START);
    }

    /** Sends a preview of the job's attempt at this step, made by a worker of this process. */
    void preview(String jobId, int attempt, int step, String dataUrl) {
        send(jobId, "preview", new EventId(attempt, step, true), new Preview(jobId, step, dataUrl));
    }

    /** Sends a preview that the worker running the job elsewhere saved in the database. */
    void relay(String jobId, Jobs.Preview saved) {
        relayedPreview.put(jobId, new EventId(saved.attempt(), saved.step(), true));
        preview(jobId, saved.attempt(), saved.step(), saved.image());
    }

    /** Sends the finished video to its watchers and ends their streams. */
    void finished(String jobId, Object video) {
        live.remove(jobId);
        relayedPreview.remove(jobId);
        Map<SseClient, EventId> set = watchers.remove(jobId);
        if (set != null) set.keySet().forEach(client -> done(client, video));
    }

    /** The final event of one stream. */
    static void done(SseClient client, Object video) {
        synchronized (client) {
            if (client.terminated()) return;
            try {
                client.sendEvent("done", video, EventId.DONE.text());
            } finally {
                client.close();
            }
        }
    }

    /** Drops what is kept about a job once its worker is done with it. */
    void forget(String jobId) {
        live.remove(jobId);
    }

    private void send(String jobId, String event, EventId id, Object data) {
        Map<SseClient, EventId> set = watchers.get(jobId);
        if (set == null) return;
        for (SseClient client : set.keySet()) {
            if (client.terminated()) set.remove(client);
            else send(jobId, client, event, id, data);
        }
    }

    /**
     * Sends one event to one stream unless it has it already (an id not after its last); workers and request threads
     * share a client, so each event is written whole and the check and the send are one step.
     */
    private void send(String jobId, SseClient client, String event, EventId id, Object data) {
        synchronized (client) {
            Map<SseClient, EventId> set = watchers.get(jobId);
            EventId last = set == null ? null : set.get(client);
            if (client.terminated() || last == null || !id.after(last)) return;
            client.sendEvent(event, data, id.text());
            set.put(client, id);
        }
    }
}
