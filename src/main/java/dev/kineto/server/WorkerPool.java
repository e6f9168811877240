package dev.kineto.server;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.Keyframes;
import dev.kineto.model.StepListener;
import dev.kineto.model.VideoGenerator;
import dev.kineto.model.Windows;
import dev.kineto.modes.Guides;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workers that take jobs from the durable queue, a batch of compatible jobs at a time (one forward pass for all),
 * under a lease they renew while sampling. Each sampling step publishes progress and previews for watched jobs, and
 * checks which jobs the worker still holds: the pass stops when none is left (all cancelled or deleted), and a job
 * that dropped out is not saved.
 */
final class WorkerPool implements AutoCloseable {
    /** How often a worker saves its jobs' progress (and renews their lease): what API nodes elsewhere show. */
    static final long PROGRESS_MILLIS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    private final Jobs jobs;
    private final VideoGenerator generator;
    private final MediaFiles media;
    private final JobEvents events;
    private final Metrics metrics;
    private final ServerConfig config;
    private final Consumer<String> onFinished;
    private final JobMemory memory;
    private final Object wake = new Object();
    private final List<Thread> threads = new ArrayList<>();
    private AutoCloseable queued = () -> {};
    private volatile boolean running = true;
    /** Measured generation time per credit of work, for queue ETAs; NaN until the first batch finishes. */
    private volatile double secondsPerCredit = Double.NaN;

    WorkerPool(Jobs jobs, VideoGenerator generator, JobMemory memory, MediaFiles media, JobEvents events, Metrics metrics,
               ServerConfig config, Consumer<String> onFinished) {
        this.memory = memory;
        this.jobs = jobs;
        this.generator = generator;
        this.media = media;
        this.events = events;
        this.metrics = metrics;
        this.config = config;
        this.onFinished = onFinished;
    }

    void start() {
        if (config.workers() > 0) queued = jobs.onQueued(this::wake); // submits on other nodes
        for (int i = 0; i < config.workers(); i++) {
            String id = Store.newId("worker");
            threads.add(Thread.ofPlatform().name("kineto-" + id).daemon().start(() -> loop(id)));
        }
    }

    /** Tells idle workers that a job was queued. */
    void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    int size() {
        return threads.size();
    }

    private void loop(String worker) {
        while (running) {
            try {
                jobs.failExhausted().forEach(job -> onFinished.accept(job.id()));
                List<Job> batch;
                long bytes;
                synchronized (memory) { // the limit and the reservation as one step, so two workers cannot both take the last room
                    batch = jobs.claim(worker, head -> memory.batchLimit(head, config.maxBatch()), config.lease().toMillis(), this::batchable);
                    bytes = batch.isEmpty() ? 0 : memory.bytes(batch.getFirst().request(), batch.size());
                    memory.reserve(bytes);
                }
                if (!batch.isEmpty()) {
                    batch.stream().filter(j -> j.attempts() == 1)
                            .forEach(j -> metrics.claimLatency.observe((j.startedAt() - j.createdAt()) / 1000.0));
                    try {
                        run(worker, batch);
                    } finally {
                        memory.release(bytes);
                    }
                    continue;
                }
                synchronized (wake) {
                    wake.wait(500);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) return;
                LOG.warn("worker {}: {}", worker, e.toString());
                try {
                    Thread.sleep(1000); // the database is down, say: retry, without spinning
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    private void run(String worker, List<Job> batch) {
        metrics.workersBusy.inc();
        long start = System.nanoTime();
        batch.forEach(events::started);
        Set<String> previewed = ConcurrentHashMap.newKeySet(); // jobs with a preview saved for other nodes
        try {
            List<Clip> clips = batch.size() == 1 && generator instanceof DiffusionGenerator d
                    ? List.of(generateAlone(d, batch.getFirst(), listener(worker, batch, previewed)))
                    : generator.generate(batch.stream().map(Job::request).toList(), listener(worker, batch, previewed));
            Set<String> held = held(worker, batch);
            for (int i = 0; i < batch.size(); i++) {
                if (held.contains(batch.get(i).id())) save(worker, batch.get(i), clips.get(i));
            }
            recordTiming(batch, start);
        } catch (CancellationException e) {
            // Every job was cancelled or deleted (recorded by that request), or the server is stopping and the jobs will be requeued.
        } catch (IOException e) {
            // A source the user deleted meanwhile, or one the disk lost: the log has the path, the user what to do.
            LOG.warn("cannot read the sources of {}: {}", batch.getFirst().id(), e.toString());
            batch.forEach(job -> fail(worker, job, "source_unreadable", "the image or video this job starts from could not be read; it was refunded, upload it again"));
        } catch (RuntimeException | OutOfMemoryError e) {
            batch.forEach(job -> fail(worker, job, "generation_failed", "generation failed: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName())));
        } finally {
            batch.forEach(job -> events.forget(job.id()));
            if (!previewed.isEmpty()) {
                try {
                    jobs.dropPreviews(previewed);
                } catch (RuntimeException e) { // the database is away: a stale preview is never relayed (only a running job's are)
                    LOG.debug("worker {}: cannot drop previews: {}", worker, e.getMessage());
                }
            }
            metrics.workersBusy.dec();
        }
    }

    /**
     * Jobs share a pass when the generator can batch them and none has frames to hold, windows to chain or a guide
     * to follow: those run alone, through model.Windows or modes.Guides.
     */
    private boolean batchable(Job a, Job b) {
        return !alone(a) && !alone(b) && generator.batchable(a.request(), b.request());
    }

    private boolean alone(Job job) {
        return job.spec().conditions().any() || job.spec().steering().guided() || memory.windowed(job.request().frames());
    }

    /**
     * One job's video: steered by its guide as the CLI does it (modes.Guides), or from its key frames (uploaded images
     * read at its size) or its source clip, continued window by window.
     */
    private Clip generateAlone(DiffusionGenerator generator, Job job, StepListener listener) throws IOException {
        GenerationRequest r = job.request();
        Steering steering = job.spec().steering();
        if (steering.guided()) {
            Clip source = steering.sourceVideoId() == null ? null : media.restyleSource(steering.sourceVideoId(), r.width(), r.height(), r.fps());
            return Guides.generate(generator, r, steering.direction(source), listener);
        }
        Conditions k = job.spec().conditions();
        if (k.extendVideoId() != null) {
            Clip source = VideoFiles.read(media.video(k.extendVideoId()), r.width(), r.height(), k.sourceFrames());
            return Windows.extend(generator, source, r, listener);
        }
        Keyframes keyframes = k.imageId() == null ? Keyframes.NONE
                : k.lastImageId() == null ? Keyframes.first(frame(k.imageId(), r))
                : Keyframes.firstAndLast(frame(k.imageId(), r), frame(k.lastImageId(), r), r.frames());
        return Windows.generate(generator, r, keyframes, listener);
    }

    /** An uploaded image as one RGB frame at the request's size: scaled to cover it, centre-cropped. */
    private byte[] frame(String imageId, GenerationRequest r) throws IOException {
        return VideoFiles.read(media.image(imageId), r.width(), r.height(), 1).frames().getFirst();
    }

    private StepListener listener(String worker, List<Job> batch, Set<String> previewed) {
        long[] renewedAt = {0}; // the first step saves at once, so a job elsewhere shows it started
        return (step, steps, preview) -> {
            if (!running) throw new CancellationException("server stopping");
            batch.forEach(job -> events.step(job.id(), step, steps));
            if (System.currentTimeMillis() - renewedAt[0] > PROGRESS_MILLIS) {
                try {
                    jobs.renew(batch, worker, config.lease().toMillis(), (double) step / steps);
                } catch (RuntimeException e) { // the database is away for a moment: generating on beats losing the work; the lease decides
                    LOG.warn("worker {}: cannot renew its lease: {}", worker, e.getMessage());
                }
                renewedAt[0] = System.currentTimeMillis();
            }
            if (step < steps && step % config.previewEverySteps() == 0) previews(batch, step, preview, previewed);
            if (held(worker, batch).isEmpty()) throw new CancellationException("cancelled");
        };
    }

    /**
     * Previews of the batch's watched jobs at this step: sent to this node's watchers, and saved in the database for
     * the jobs an API node elsewhere watches. Previews are a nicety: a database that is away skips them.
     */
    private void previews(List<Job> batch, int step, Supplier<List<Clip>> preview, Set<String> previewed) {
        Set<String> elsewhere;
        try {
            elsewhere = jobs.watched(batch);
        } catch (RuntimeException e) {
            elsewhere = Set.of();
        }
        List<Clip> clips = null; // each get() decodes the whole batch, so it is decoded once, and only if someone watches
        for (int i = 0; i < batch.size(); i++) {
            Job job = batch.get(i);
            boolean here = events.watched(job.id()), there = elsewhere.contains(job.id());
            if (!here && !there) continue;
            if (clips == null) clips = preview.get();
            String image = MediaFiles.previewDataUrl(clips.get(i));
            if (here) events.preview(job.id(), job.attempts(), step, image);
            if (there) {
                try {
                    jobs.savePreview(job.id(), job.attempts(), step, image);
                    previewed.add(job.id());
                } catch (RuntimeException e) {
                    LOG.debug("worker: cannot save a preview of {}: {}", job.id(), e.getMessage());
                }
            }
        }
    }

    /** The jobs of the batch this worker still holds; all of them while the database cannot say (their lease decides later). */
    private Set<String> held(String worker, List<Job> batch) {
        try {
            return jobs.held(batch, worker);
        } catch (RuntimeException e) {
            return batch.stream().map(Job::id).collect(java.util.stream.Collectors.toSet());
        }
    }

    /**
     * Writes a finished clip and marks its job succeeded, unless it was cancelled meanwhile (then the file goes again).
     * A job another worker took over after this one lost its lease keeps the file: both wrote the same job whole
     * (each write is atomic), and the other marks it succeeded.
     */
    private void save(String worker, Job job, Clip clip) {
        try {
            media.saveVideo(job.id(), clip);
            if (jobs.succeed(job.id(), worker)) {
                metrics.videoSeconds.inc(job.spec().seconds());
                onFinished.accept(job.id());
            } else if (!jobs.job(job.id()).map(j -> !j.terminal() || j.status().equals(Job.SUCCEEDED)).orElse(false)) {
                media.deleteVideo(job.id()); // cancelled or deleted meanwhile
            }
        } catch (java.io.IOException | RuntimeException e) {
            // The cause names the server's paths: it goes to the log, the user gets what to do.
            LOG.error("cannot store video {}", job.id(), e);
            fail(worker, job, "storage_failed", "the server could not store the finished video; it was refunded, please retry later");
        }
    }

    /** Marks the job failed (and refunded) if this worker still holds it. */
    private void fail(String worker, Job job, String code, String message) {
        if (jobs.fail(job.id(), worker, code, message)) onFinished.accept(job.id());
    }

    private void recordTiming(List<Job> batch, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        metrics.batchSeconds.labelValues(Integer.toString(batch.size())).observe(seconds);
        double perCredit = seconds / batch.stream().mapToLong(Job::cost).sum();
        secondsPerCredit = Double.isNaN(secondsPerCredit) ? perCredit : 0.7 * secondsPerCredit + 0.3 * perCredit;
    }

    /** Seconds until the job is done: from its own pace when running, from the work ahead of it when queued; null when unknown. */
    Double eta(Job job, Jobs.Position position) {
        if (job.status().equals(Job.RUNNING)) {
            JobEvents.Live live = events.live(job.id());
            if (live == null || live.step() == 0 || job.startedAt() == null) return null;
            double elapsed = (System.currentTimeMillis() - job.startedAt()) / 1000.0;
            return elapsed * (live.steps() - live.step()) / live.step();
        }
        if (position == null || Double.isNaN(secondsPerCredit)) return null;
        return (position.costAhead() + job.cost()) * secondsPerCredit / threads.size();
    }

    @Override
    public void close() {
        running = false;
        try {
            queued.close();
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
