package dev.kineto.server;

import io.javalin.http.sse.SseClient;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live state of running jobs, pushed over Server-Sent Events: a "progress" event every sampling step, a "preview" event
 * (the current denoised estimate as a PNG data URL) while someone watches, and a final "done" event with the video.
 * Jobs that a worker elsewhere runs (a shared database) have no live state here: their watchers get progress relayed
 * from the database ({@link #relay}).
 */
final class JobEvents {
    /** Progress of a running job; step 0 until its first sampling step ends. */
    record Live(int step, int steps) {
        double fraction() {
            return steps == 0 ? 0 : (double) step / steps;
        }
    }

    record Progress(String id, String status, int progress, int step, int steps) {}

    record Preview(String id, int step, String image) {}

    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final Map<String, Set<SseClient>> watchers = new ConcurrentHashMap<>();
    /** The last step relayed to a job's watchers from the database, so an unchanged one is not sent again. */
    private final Map<String, Integer> relayed = new ConcurrentHashMap<>();

    /** Adds a watcher of a job that is not finished; the caller re-reads the job afterwards, so a finish in between is not missed. */
    void watch(String jobId, SseClient client) {
        watchers.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(client);
        client.onClose(() -> {
            Set<SseClient> set = watchers.get(jobId);
            if (set != null) set.remove(client);
        });
    }

    /** A comment line to every open stream, so idle connections (a long wait in the queue) are not timed out. */
    void heartbeat() {
        for (Set<SseClient> set : watchers.values()) {
            for (SseClient client : set) {
                synchronized (client) {
                    if (!client.terminated()) client.sendComment("keep-alive");
                }
            }
        }
    }

    boolean watched(String jobId) {
        Set<SseClient> set = watchers.get(jobId);
        return set != null && !set.isEmpty();
    }

    Live live(String jobId) {
        return live.get(jobId);
    }

    void started(Job job) {
        live.put(job.id(), new Live(0, job.request().steps()));
        send(job.id(), "progress", new Progress(job.id(), Job.RUNNING, 0, 0, job.request().steps()));
    }

    void step(String jobId, int step, int steps) {
        live.put(jobId, new Live(step, steps));
        send(jobId, "progress", progress(jobId, step, steps));
    }

    static Progress progress(String jobId, int step, int steps) {
        return new Progress(jobId, Job.RUNNING, (int) Math.floor(100.0 * step / steps), step, steps);
    }

    /** Watched jobs that no worker of this process runs: their state is in the database. */
    Set<String> watchedElsewhere() {
        var ids = new java.util.HashSet<>(watchers.keySet());
        ids.removeAll(live.keySet());
        return ids;
    }

    /** Sends a running job's progress, as saved in the database by the worker running it, when it moved. */
    void relay(Job job) {
        int steps = job.request().steps(), step = (int) Math.round(job.progress() * steps);
        Integer last = relayed.put(job.id(), step);
        if (last == null || last != step) send(job.id(), "progress", progress(job.id(), step, steps));
    }

    void preview(String jobId, int step, String dataUrl) {
        send(jobId, "preview", new Preview(jobId, step, dataUrl));
    }

    /** Sends the finished video to its watchers and ends their streams. */
    void finished(String jobId, Object video) {
        live.remove(jobId);
        relayed.remove(jobId);
        Set<SseClient> set = watchers.remove(jobId);
        if (set != null) set.forEach(client -> done(client, video));
    }

    /** The final event of one stream. */
    static void done(SseClient client, Object video) {
        synchronized (client) {
            if (client.terminated()) return;
            try {
                client.sendEvent("done", video);
            } finally {
                client.close();
            }
        }
    }

    /** Sends one event; workers and request threads share a client, so each event is written whole. */
    static void send(SseClient client, String event, Object data) {
        synchronized (client) {
            if (!client.terminated()) client.sendEvent(event, data);
        }
    }

    /** Drops what is kept about a job once its worker is done with it. */
    void forget(String jobId) {
        live.remove(jobId);
    }

    private void send(String jobId, String event, Object data) {
        Set<SseClient> set = watchers.get(jobId);
        if (set == null) return;
        for (SseClient client : set) {
            if (client.terminated()) set.remove(client);
            else send(client, event, data);
        }
    }
}
