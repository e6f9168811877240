package dev.kineto.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.RequestRules;
import dev.kineto.modes.Direction;
import dev.kineto.modes.Guides;
import dev.kineto.modes.MotionPath;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFileException;
import dev.kineto.world.Camera;
import dev.kineto.world.Style;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole product in one process: the JSON API under /v1, the studio's static pages, health and metrics, the durable
 * queue's workers and the webhook sender. Every route is registered in {@link #routes}; each handler is a small method.
 */
public final class KinetoServer implements AutoCloseable {
    static final String SESSION_COOKIE = "kineto_session";
    static final long SESSION_MILLIS = 30L * 24 * 3600 * 1000;
    /** Under Jetty's 30 s idle timeout, so an event stream waiting in the queue stays open. */
    static final long HEARTBEAT_SECONDS = 15;
    /** How often a node on a shared database reads the state of watched jobs that other nodes' workers run. */
    static final long RELAY_MILLIS = 500;
    /**
     * How long a job stays marked as watched on this node after a relay round marks it: its worker elsewhere makes
     * previews (and saves them for this node) only while some node's mark holds; a node that goes away stops it.
     */
    static final long WATCH_MILLIS = 5_000;
    /** The most bytes a JSON body may have: two prompts at the limit with every character escaped, and the rest. */
    static final int MAX_JSON_BYTES = 64 << 10;
    /** What a multipart form may add around an image: its headers and boundaries. */
    static final int MULTIPART_OVERHEAD = 16 << 10;
    /**
     * The header a studio session's writes carry: a page elsewhere cannot send it without a CORS preflight, which this
     * server never grants, so a cookie alone never changes anything.
     */
    static final String CSRF_HEADER = "Kineto-CSRF";
    /** How long a client should wait before retrying a write the database could not take. */
    static final int RETRY_AFTER_SECONDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(KinetoServer.class);
    /** One line a request, under its own name so an operator can route or silence it apart from the server's warnings. */
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.kineto.server.access");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String BODY = "kineto.body";
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ServerConfig config;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final Store store;
    private final MediaFiles media;
    private final Moderation moderation;
    private final RateLimiter rateLimiter;
    private final JobEvents events = new JobEvents();
    private final QueuePositions positions;
    private final Metrics metrics;
    private final Webhooks webhooks;
    private final JobMemory memory;
    private final WorkerPool workers;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sse-heartbeat").daemon().factory());
    private final List<String> routes = new ArrayList<>();
    /** What the model takes and gives a request by default. */
    private final RequestRules rules;
    /** The model, for the words of a prompt it never saw. */
    private final DiffusionGenerator generator;
    private final String openApi;
    private final Javalin app;

    /** Starts the server on config's port (0 picks a free one) with its data in config's directory. */
    public static KinetoServer start(ServerConfig config, DiffusionGenerator generator) {
        return new KinetoServer(config, generator);
    }

    private KinetoServer(ServerConfig config, DiffusionGenerator generator) {
        this.config = config;
        this.rules = generator.model().config().rules();
        this.generator = generator;
        boolean alone = config.database() == null; // SQLite: this process is the only one using the data directory
        try {
            Files.createDirectories(config.dataDir());
            lockFile = alone ? FileChannel.open(config.dataDir().resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE) : null;
            lock = alone ? lockFile.tryLock() : null;
            if (alone && lock == null) {
                throw new IllegalStateException("another kineto server is using " + config.dataDir() + "; stop it or choose another --data directory");
            }
            openApi = openApiDocument(rules, config.limits());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use data directory " + config.dataDir() + ": " + e.getMessage(), e);
        }
        store = Store.open(config.database(), config.dataDir());
        media = new MediaFiles(config.dataDir());
        if (alone) {
            // This process holds the data directory's lock, so "running" jobs and half-written files belong to a dead
            // process. On a shared database other workers hold running jobs: their leases say when one died.
            store.jobs().requeueRunning();
            media.sweepPartials();
        }
        positions = new QueuePositions(store.jobs());
        moderation = Moderation.load(config.moderationPolicy());
        rateLimiter = new RateLimiter(config.limits().submitsPerMinute());
        metrics = new Metrics(store.jobs()::queueDepth);
        webhooks = new Webhooks(store, config.webhookBackoff(), config.webhookAttempts(), config.privateCallbacks());
        memory = new JobMemory(generator, config);
        workers = new WorkerPool(store.jobs(), generator, memory, media, events, metrics, config, id -> store.jobs().job(id).ifPresent(this::finished));
        app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.requestLogger.http((ctx, ms) -> ACCESS.info("{} \"{} {}\" {} {} ms", ctx.ip(), ctx.method(), ctx.path(), ctx.statusCode(), Math.round(ms)));
            c.http.prefer405over404 = true; // a known path with the wrong method: 405 and the methods it takes
            c.jsonMapper(new JavalinJackson(JSON, false));
            if (config.api()) {
                c.staticFiles.add(s -> {
                    s.hostedPath = "/";
                    s.directory = "/studio";
                    s.location = Location.CLASSPATH;
                });
            }
            c.jetty.modifyServletContextHandler(h -> h.addFilter(new FilterHolder(new EventStreamAccept()), "/v1/videos/*", EnumSet.of(DispatcherType.REQUEST)));
            c.events.handlerAdded(h -> {
                if (h.getHttpMethod() != HandlerType.HEAD) routes.add(h.getHttpMethod() + " " + h.getPath()); // HEAD mirrors every GET
            });
        });
        routes(app);
        if (config.api()) webhooks.start(); // API nodes deliver what any node's jobs queued, under the API's callback policy
        workers.start();
        heartbeat.scheduleAtFixedRate(events::heartbeat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
        if (!alone) heartbeat.scheduleWithFixedDelay(this::relayElsewhere, RELAY_MILLIS, RELAY_MILLIS, TimeUnit.MILLISECONDS);
        try {
            app.start(config.host(), config.port());
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("cannot listen on " + config.host() + " port " + config.port() + " (" + e.getMessage()
                    + "); choose another --host or --port", e);
        }
    }

    /**
     * Progress and the end of jobs that workers on other nodes run, read from the database for this node's watchers:
     * a stream shows the same wherever the client connects, and one that reconnects to another node goes on from
     * the job's current state.
     */
    private void relayElsewhere() {
        try {
            Set<String> watched = events.watchedElsewhere();
            store.jobs().watch(watched, System.currentTimeMillis() + WATCH_MILLIS); // so their workers make previews
            for (String id : watched) {
                store.jobs().job(id).ifPresent(job -> {
                    if (job.terminal()) {
                        events.finished(id, view(job));
                    } else if (job.status().equals(Job.RUNNING)) {
                        events.relay(job);
                        var last = events.relayedPreview(id);
                        store.jobs().previewAfter(id, last.attempt(), last.step()).ifPresent(p -> events.relay(id, p));
                    }
                });
            }
        } catch (RuntimeException e) { // the database is away for a moment: the next round tries again
            LOG.warn("relaying progress: {}", e.getMessage());
        }
    }

    /** Every route of the product. */
    private void routes(Javalin app) {
        app.before(this::readBody);
        app.before(this::checkCrossSite);

        get(app, "/health", ctx -> ctx.json(Map.of("status", "ok")));
        get(app, "/ready", this::ready);
        get(app, "/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        if (config.api()) apiRoutes(app);

        app.exception(ApiError.class, (e, ctx) -> {
            if (e.status() == 503) ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            ctx.status(e.status()).json(e.body());
        });
        app.exception(HttpResponseException.class, (e, ctx) -> {
            String allowed = e.getDetails().get("availableMethods");
            if (e.getStatus() == 405 && allowed != null) ctx.header("Allow", allowed.replace(" ", "").replace(",", ", "));
            ctx.status(e.getStatus()).json(httpError(e).body());
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(500).json(new ApiError(500, "internal_error", "the server failed; it is logged, please retry").body());
        });
    }

    /** The product's API and studio; a worker-only node (config.api() false) serves just the health routes. */
    private void apiRoutes(Javalin app) {
        get(app, "/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));

        app.post("/v1/sessions", this::login);
        app.delete("/v1/sessions", this::logout);
        get(app, "/v1/me", ctx -> ctx.json(account(user(ctx))));

        app.post("/v1/videos/cost", this::quote);
        app.post("/v1/videos", this::submit);
        get(app, "/v1/videos", ctx -> ctx.json(page(ctx, user(ctx).id())));
        get(app, "/v1/videos/{id}", ctx -> ctx.json(view(visible(ctx))));
        get(app, "/v1/videos/{id}/content", this::content);
        app.before("/v1/videos/{id}/events", this::beforeStream);
        app.sse("/v1/videos/{id}/events", this::stream);
        app.head("/v1/videos/{id}/events", ctx -> ctx.contentType("text/event-stream"));
        app.post("/v1/videos/{id}/cancel", this::cancel);
        app.post("/v1/videos/{id}/share", this::share);
        app.delete("/v1/videos/{id}", this::delete);
        app.post("/v1/images", this::uploadImage);
        app.post("/v1/clips", this::uploadClip);
        get(app, "/v1/feed", ctx -> ctx.json(page(ctx, null)));
        get(app, "/v1/admin/usage", this::adminUsage);
    }

    /**
     * Javalin answers an event stream only to "Accept: text/event-stream" exactly (an empty text/plain body otherwise),
     * but the URL says what it serves: a plain `curl -N` or a browser's EventSource with other Accept values gets the stream.
     */
    private static final class EventStreamAccept extends HttpFilter {
        @Override
        protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain) throws IOException, ServletException {
            if (!req.getRequestURI().endsWith("/events")) {
                chain.doFilter(req, res);
                return;
            }
            chain.doFilter(new HttpServletRequestWrapper(req) {
                @Override
                public String getHeader(String name) {
                    return name.equalsIgnoreCase("Accept") ? "text/event-stream" : super.getHeader(name);
                }
            }, res);
        }
    }

    /** A GET route, and HEAD on it: the same handler runs (so the same status and headers), and Jetty drops the body. */
    private static void get(Javalin app, String path, Handler handler) {
        app.get(path, handler);
        app.head(path, handler);
    }

    /**
     * Reads the body before any handler, counting the bytes actually read whatever the framing (a chunked body has no
     * Content-Length to check), so no request holds more than its route's limit: an image's or a clip's upload, or a JSON body's.
     */
    private void readBody(Context ctx) {
        UploadRoute upload = UploadRoute.of(ctx.path());
        long limit = upload == null ? MAX_JSON_BYTES : upload.maxBytes(config.limits()) + MULTIPART_OVERHEAD;
        if (ctx.contentLength() > limit) throw tooLarge(upload);
        byte[] body;
        try {
            body = ctx.req().getInputStream().readNBytes((int) limit + 1);
        } catch (IOException | RuntimeException e) { // Jetty's framing errors are runtime exceptions
            throw ApiError.invalid("invalid_body", "the request body ended early or its framing is broken: " + e.getMessage());
        }
        if (body.length > limit) throw tooLarge(upload);
        ctx.attribute(BODY, body);
    }

    /** The routes that take a file, and its limit. */
    private enum UploadRoute {
        IMAGE, CLIP;

        static UploadRoute of(String path) {
            return switch (path) {
                case "/v1/images" -> IMAGE;
                case "/v1/clips" -> CLIP;
                default -> null;
            };
        }

        long maxBytes(ServerConfig.Limits limits) {
            return this == IMAGE ? limits.maxImageBytes() : Uploads.MAX_CLIP_BYTES;
        }
    }

    /** The 413 for an upload over its route's limit, or (upload null) a JSON body over MAX_JSON_BYTES. */
    private ApiError tooLarge(UploadRoute upload) {
        if (upload == null) return new ApiError(413, "request_too_large", "the body has more than the " + MAX_JSON_BYTES + " bytes allowed; a JSON request is far smaller");
        String what = upload.name().toLowerCase(java.util.Locale.ROOT);
        return new ApiError(413, what + "_too_large", "the " + what + " has more than the " + upload.maxBytes(config.limits()) + " bytes allowed; send a smaller one");
    }

    /**
     * Writes from a browser must come from the studio's own origin, and a studio session's writes must carry the
     * CSRF header; requests with an API key come from scripts, which no other site can make a browser send.
     */
    private void checkCrossSite(Context ctx) {
        if (SAFE_METHODS.contains(ctx.method().name())) return;
        String origin = ctx.header("Origin");
        // Host and port decide; the scheme may differ behind a TLS proxy.
        if (origin != null && !origin.replaceFirst("(?i)^https?://", "").equalsIgnoreCase(String.valueOf(ctx.host()))) {
            throw new ApiError(403, "cross_origin", "writes from the page at " + origin + " are not allowed; use the studio, or call the API with an API key");
        }
        if (ctx.header("Authorization") == null && ctx.cookie(SESSION_COOKIE) != null && ctx.header(CSRF_HEADER) == null) {
            throw new ApiError(403, "csrf_header_missing", "a studio session's writes must send the header '" + CSRF_HEADER
                    + ": 1'; scripts should send their API key as 'Authorization: Bearer KEY' instead");
        }
    }

    // ---- Health ----

    private void ready(Context ctx) {
        boolean ready = store.writable() && workers.size() == config.workers();
        ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "ready" : "not ready", "workers", workers.size()));
    }

    // ---- Accounts ----

    record Login(String username, String apiKey) {}

    record Account(String id, String name, String tier, boolean admin, long credits, long freeCreditsLeft, long dailyFreeCredits,
                   String webhookSecret) {}

    private void login(Context ctx) {
        Login login = body(ctx, Login.class);
        User user = Optional.ofNullable(login.apiKey()).flatMap(store.accounts()::userByApiKey).filter(u -> u.name().equals(login.username()))
                .orElseThrow(() -> new ApiError(401, "invalid_credentials", "user name and API key do not match; `kineto user add NAME` prints a key"));
        String token = store.accounts().createSession(user.id(), SESSION_MILLIS);
        ctx.header("Set-Cookie", SESSION_COOKIE + "=" + token + "; Path=/; Max-Age=" + SESSION_MILLIS / 1000 + "; HttpOnly; SameSite=Lax");
        ctx.json(account(user));
    }

    private void logout(Context ctx) {
        Optional.ofNullable(ctx.cookie(SESSION_COOKIE)).ifPresent(store.accounts()::endSession);
        ctx.header("Set-Cookie", SESSION_COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
        ctx.status(204);
    }

    private Account account(User u) {
        long daily = config.limits().dailyFreeCredits();
        return new Account(u.id(), u.name(), u.tier(), u.admin(), u.credits(), u.freeLeft(Store.today(), daily), daily, u.webhookSecret());
    }

    /** The caller, by API key (Authorization: Bearer) or studio session cookie; 401 when neither is valid. */
    private User user(Context ctx) {
        return viewer(ctx).orElseThrow(() -> new ApiError(401, "unauthorized",
                "send your API key as 'Authorization: Bearer KEY' (`kineto user add NAME` prints one), or log in to the studio"));
    }

    private Optional<User> viewer(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth != null) {
            if (!auth.startsWith("Bearer ")) throw new ApiError(401, "unauthorized", "the Authorization header must be 'Bearer KEY'");
            return Optional.of(store.accounts().userByApiKey(auth.substring(7).strip())
                    .orElseThrow(() -> new ApiError(401, "unauthorized", "this API key is not valid; `kineto user add NAME` prints a new one")));
        }
        String session = ctx.cookie(SESSION_COOKIE);
        return session == null ? Optional.empty() : store.accounts().userBySession(session);
    }

    // ---- Videos ----

    record Quote(long cost, int width, int height, int frames, double fps, double seconds, int steps, long freeCreditsLeft, long credits,
                 List<String> warnings) {}

    private void quote(Context ctx) {
        User user = user(ctx);
        JobSpec spec = resolve(user, body(ctx, VideoSpec.class));
        var r = spec.request();
        ctx.json(new Quote(Pricing.cost(r, config.limits().creditUnit()), r.width(), r.height(), r.frames(), r.fps(), r.frames() / r.fps(),
                r.steps(), user.freeLeft(Store.today(), config.limits().dailyFreeCredits()), user.credits(), warnings(r)));
    }

    private void submit(Context ctx) {
        User user = user(ctx);
        throttle(ctx, user);
        JobSpec spec = resolve(user, body(ctx, VideoSpec.class));
        String key = ctx.header("Idempotency-Key");
        if (key != null && (key.isBlank() || key.length() > 255)) {
            throw ApiError.invalid("invalid_idempotency_key", "Idempotency-Key must be 1 to 255 characters");
        }
        var submitted = store.jobs().submit(new Jobs.Submission(user.id(), spec, Pricing.cost(spec.request(), config.limits().creditUnit()),
                moderation.check(spec.request().prompt()).orElse(null), key, Store.sha256(new String(rawBody(ctx), StandardCharsets.UTF_8))),
                config.limits());
        if (submitted.job().status().equals(Job.QUEUED)) workers.wake();
        ctx.status(submitted.replayed() ? 200 : 201).json(view(submitted.job()));
    }

    /**
     * The body as a job the server can make for this user, as quote and submit both see it: the model must take frames
     * for an image or an extension, and the images and source video must be the user's own (anyone else's is a 404).
     */
    private JobSpec resolve(User user, VideoSpec body) {
        Job source = body.extendVideoId() == null ? null : ownVideo(user, body.extendVideoId());
        JobSpec spec = body.resolve(rules, config, source);
        Conditions k = spec.conditions();
        if (k.any() && !memory.takesFrames()) {
            throw new ApiError(422, "model_cannot_take_frames", "this server's model cannot take frames as conditions (it is a latent model), so image_id, "
                    + "last_image_id and extend_video_id need a server running a pixel model (`kineto train --preset pixel`); send the prompt alone");
        }
        if (k.lastImageId() != null && memory.windowed(spec.request().frames())) { // model.Windows holds key frames in the first window only
            throw ApiError.invalid("out_of_range", "with last_image_id a video can be up to one window of the model, " + memory.window() + " frames ("
                    + memory.window() / spec.request().fps() + " s at " + spec.request().fps() + " fps); ask for fewer seconds, or leave out last_image_id");
        }
        for (String image : new String[] {k.imageId(), k.lastImageId()}) {
            if (image != null && !store.images().owns(user.id(), image)) throw ApiError.notFound("image", image);
        }
        JobSpec steered = steered(user, spec);
        memory.check(steered.request());
        return steered;
    }

    /**
     * The spec with its steering checked as the worker will run it (modes.Guides): a restyle's source must be the
     * user's own clip or succeeded video, and the video takes its length; a guided video is made in one pass.
     */
    private JobSpec steered(User user, JobSpec spec) {
        Steering s = spec.steering();
        GenerationRequest r = spec.request();
        Clip source = null;
        if (s.sourceVideoId() != null) {
            String id = s.sourceVideoId();
            if (Clips.isClipId(id) && !store.clips().owns(user.id(), id)) throw ApiError.notFound("clip", id);
            if (!Clips.isClipId(id)) ownVideo(user, id);
            source = restyleSource(id, r);
            r = Guides.restyling(r, source);
            if (r.frames() / r.fps() > config.limits().maxSeconds()) {
                throw ApiError.invalid("out_of_range", "the source video lasts " + RequestRules.fmt(r.frames() / r.fps()) + " s, the most allowed is "
                        + RequestRules.fmt(config.limits().maxSeconds()) + " s; send a shorter one");
            }
        }
        if (s.guided() && memory.windowed(r.frames())) {
            throw ApiError.invalid("out_of_range", "a motion path, a camera move or a restyle is made in one pass of the model, up to " + memory.window()
                    + " frames (" + RequestRules.fmt(memory.window() / r.fps()) + " s at " + RequestRules.fmt(r.fps()) + " fps); ask for fewer seconds or send a shorter clip");
        }
        return spec.withSteering(r, s.checked(r, source));
    }

    /**
     * The source of a restyle at the request's fps, as the worker will read it, but on a copy of the smallest size
     * (only its frames count here, and a quote must not hold a large video); a 400 for one whose length a restyle cannot take.
     */
    private Clip restyleSource(String id, GenerationRequest r) {
        try {
            return media.restyleSource(id, VideoSpec.MIN_SIDE, VideoSpec.MIN_SIDE, r.fps());
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("invalid_source_video", e.getMessage());
        } catch (IOException e) {
            LOG.warn("cannot read the source video {}: {}", id, e.toString());
            throw new ApiError(422, "source_unreadable", "video " + id + " could not be read; upload it again with POST /v1/clips");
        }
    }

    /** A succeeded video of the user's own, to continue or restyle. */
    private Job ownVideo(User user, String id) {
        Job job = store.jobs().job(id).filter(j -> j.userId().equals(user.id())).orElseThrow(() -> ApiError.notFound("video", id));
        if (!job.status().equals(Job.SUCCEEDED)) {
            throw new ApiError(409, "not_ready", "video " + id + " is " + job.status() + "; only a succeeded video can be extended or restyled");
        }
        return job;
    }

    private void content(Context ctx) throws IOException {
        Job job = visible(ctx);
        String variant = Optional.ofNullable(ctx.queryParam("variant")).orElse("video");
        if (!variant.equals("video") && !variant.equals("thumbnail")) {
            throw ApiError.invalid("unsupported_value", "variant must be video or thumbnail, got \"" + variant + "\"");
        }
        if (!job.status().equals(Job.SUCCEEDED)) {
            throw new ApiError(409, "not_ready", "video " + job.id() + " is " + job.status() + "; its content exists once the status is succeeded");
        }
        switch (variant) {
            case "video" -> ctx.writeSeekableStream(Files.newInputStream(media.video(job.id())), "video/mp4", Files.size(media.video(job.id())));
            default -> ctx.contentType("image/png").result(Files.newInputStream(media.thumbnail(job.id())));
        }
    }

    /**
     * Checks the job and the Last-Event-ID of a stream that resumes. One that had the "done" event of a finished job
     * gets 204, which tells an EventSource to stop reconnecting.
     */
    private void beforeStream(Context ctx) {
        Job job = visible(ctx);
        JobEvents.EventId last = JobEvents.EventId.parse(ctx.header("Last-Event-ID"));
        ctx.attribute("job", job);
        ctx.attribute("last", last);
        if (job.terminal() && last.equals(JobEvents.EventId.DONE)) ctx.status(204).skipRemainingHandlers();
    }

    /**
     * Streams progress (and previews) of a job until it finishes, from the current state on: a stream that resumes
     * gets only what comes after its Last-Event-ID. The job and the id were checked by the before-handler.
     */
    private void stream(SseClient client) {
        Job job = client.ctx().attribute("job");
        JobEvents.EventId last = client.ctx().attribute("last");
        client.keepAlive();
        if (!job.terminal()) {
            events.watch(job.id(), client, last);
            job = store.jobs().job(job.id()).orElse(job); // it may have finished while the watch was being set up
        }
        if (job.terminal()) {
            JobEvents.done(client, view(job));
            return;
        }
        events.current(job, client);
    }

    private void cancel(Context ctx) {
        Job job = store.jobs().cancel(user(ctx).id(), ctx.pathParam("id"));
        finished(job);
        ctx.json(view(job));
    }

    record ShareRequest(Boolean shared) {}

    private void share(Context ctx) {
        User user = user(ctx); // who asks comes first: without a key the answer is 401, whatever the body
        ShareRequest request = body(ctx, ShareRequest.class);
        if (request.shared() == null) throw ApiError.invalid("missing_field", "shared is required: true to show the video in the public feed, false to hide it");
        ctx.json(view(store.jobs().share(user.id(), ctx.pathParam("id"), request.shared())));
    }

    record Deleted(String id, boolean deleted) {}

    private void delete(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        boolean unfinished = !store.jobs().job(id).map(Job::terminal).orElse(true);
        Job job = store.jobs().delete(user(ctx).id(), id);
        if (unfinished) finished(job);
        media.deleteVideo(job.id());
        ctx.json(new Deleted(job.id(), true));
    }

    // ---- Images ----

    record Image(String id, int width, int height) {}

    /** Takes an image as the raw body (Content-Type image/png or image/jpeg) or as the multipart field "file". */
    private void uploadImage(Context ctx) throws IOException {
        User user = user(ctx);
        throttle(ctx, user);
        Uploads.Upload upload = uploaded(ctx);
        if (upload.bytes().length > UploadRoute.IMAGE.maxBytes(config.limits())) throw tooLarge(UploadRoute.IMAGE);
        BufferedImage image = Uploads.image(upload);
        String id = store.images().add(user.id(), image.getWidth(), image.getHeight());
        media.saveImage(id, image);
        ctx.status(201).json(new Image(id, image.getWidth(), image.getHeight()));
    }

    /** The file of an upload: the raw body with its Content-Type, or the multipart field "file". */
    private static Uploads.Upload uploaded(Context ctx) {
        return ctx.isMultipartFormData() ? Uploads.multipartFile(rawBody(ctx), ctx.contentType(), "file")
                : new Uploads.Upload(Optional.ofNullable(ctx.contentType()).orElse(""), rawBody(ctx));
    }

    record UploadedClip(String id, String object, int frames, double fps, double seconds) {}

    /**
     * Takes a clip to restyle (mp4, mov, webm, gif) as the raw body or the multipart field "file": stored only when it
     * decodes and its length is one a restyle takes (modes.Guides' rules, at the model's size and fps).
     */
    private void uploadClip(Context ctx) throws IOException {
        User user = user(ctx);
        throttle(ctx, user);
        Uploads.Upload upload = uploaded(ctx);
        if (upload.bytes().length > UploadRoute.CLIP.maxBytes(config.limits())) throw tooLarge(UploadRoute.CLIP);
        String extension = Uploads.clipExtension(upload), id = Clips.newId();
        Clip read;
        try {
            read = media.saveClip(id, extension, upload.bytes(), file -> {
                Clip clip = Guides.readSource(file, VideoSpec.MIN_SIDE, VideoSpec.MIN_SIDE); // only its length counts here
                Guides.source(clip, rules.fps());
                return clip;
            });
        } catch (VideoFileException e) {
            throw new ApiError(415, "unsupported_clip", "the bytes are not a readable " + extension + " clip (" + e.getMessage().replaceFirst("^.*?: ", "")
                    + "); send the whole file");
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("invalid_clip", e.getMessage());
        }
        store.clips().add(id, user.id(), read.frameCount(), read.fps());
        ctx.status(201).json(new UploadedClip(id, "clip", read.frameCount(), read.fps(), read.seconds()));
    }

    // ---- Admin ----

    record Usage(List<Jobs.DayUsage> days, long queueDepth, Map<String, Long> jobsByStatus, int workers, long workersBusy) {}

    private void adminUsage(Context ctx) {
        if (!user(ctx).admin()) throw new ApiError(403, "forbidden", "the admin view needs an admin account (`kineto user add NAME --admin`)");
        int days = wholeNumber(ctx, "days", 7, 90);
        ctx.json(new Usage(store.jobs().usage(days), store.jobs().queueDepth(), store.jobs().statusCounts(), workers.size(), (long) metrics.workersBusy.get()));
    }

    // ---- Views and helpers ----

    /** A video as the API shows it. */
    record VideoView(String id, String object, String status, int progress, Integer queuePosition, Double etaSeconds, String prompt,
                     String negativePrompt, String aspectRatio, String size, int width, int height, int frames, double fps, double seconds,
                     int steps, double cfg, long seed, long cost, boolean shared, String mode, String imageId, String lastImageId, String extendVideoId,
                     List<double[]> motionPath, String camera, String style, String sourceVideoId, Double strength, List<String> warnings,
                     ApiError.Detail error, long createdAt, Long finishedAt, String url, String thumbnailUrl) {}

    VideoView view(Job j) {
        Jobs.Position position = j.status().equals(Job.QUEUED) ? positions.of(j) : null;
        var live = events.live(j.id());
        int progress = switch (j.status()) {
            case Job.SUCCEEDED -> 100;
            case Job.RUNNING -> (int) (100 * (live != null ? live.fraction() : j.progress()));
            default -> 0;
        };
        boolean done = j.status().equals(Job.SUCCEEDED);
        String base = "/v1/videos/" + j.id() + "/content";
        JobSpec s = j.spec();
        GenerationRequest r = s.request();
        Steering d = s.steering();
        return new VideoView(j.id(), "video", j.status(), progress, position == null ? null : position.ahead(), workers.eta(j, position),
                s.prompt(), r.negativePrompt(), s.aspectRatio(), r.width() + "x" + r.height(), r.width(), r.height(), s.outputFrames(), r.fps(),
                s.seconds(), r.steps(), r.cfg(), r.seed(), j.cost(), s.shared(), s.mode(), s.conditions().imageId(), s.conditions().lastImageId(),
                s.conditions().extendVideoId(), d.motionPath(), d.camera(), d.style(), d.sourceVideoId(), d.strength(),
                warnings(r), j.errorCode() == null ? null : new ApiError.Detail(j.errorCode(), j.errorMessage()), j.createdAt() / 1000,
                j.finishedAt() == null ? null : j.finishedAt() / 1000, done ? base : null, done ? base + "?variant=thumbnail" : null);
    }

    /** What the model will not follow in the request: the words of its prompt it never saw in training. */
    private List<String> warnings(GenerationRequest r) {
        return generator.unknownWordsWarning(r.prompt()).stream().toList();
    }

    record Page(String object, List<VideoView> data, boolean hasMore, String nextCursor) {}

    /** A page of the owner's videos, or of the public feed when owner is null, after the cursor in the query. */
    private Page page(Context ctx, String ownerId) {
        int limit = limit(ctx);
        List<Job> jobs = store.jobs().page(ownerId, ownerId == null, ctx.queryParam("after"), limit + 1);
        boolean more = jobs.size() > limit;
        List<VideoView> views = jobs.stream().limit(limit).map(this::view).toList();
        return new Page("list", views, more, more ? views.getLast().id() : null);
    }

    private static int limit(Context ctx) {
        return wholeNumber(ctx, "limit", 20, 100);
    }

    /** A query parameter that must be a whole number from 1 to max (fallback when absent), or a 400 that says so. */
    private static int wholeNumber(Context ctx, String name, int fallback, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null) return fallback;
        if (!raw.matches("\\d{1,9}") || Integer.parseInt(raw) < 1 || Integer.parseInt(raw) > max) {
            throw ApiError.invalid("out_of_range", name + " must be a whole number from 1 to " + max + ", got \"" + raw + "\"");
        }
        return Integer.parseInt(raw);
    }

    /** The job in the path if the caller owns it or it is shared and made; anything else is the same 404. */
    private Job visible(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<User> viewer = viewer(ctx);
        return store.jobs().job(id).filter(j -> j.published() || viewer.map(u -> u.id().equals(j.userId())).orElse(false))
                .orElseThrow(() -> ApiError.notFound("video", id));
    }

    private void throttle(Context ctx, User user) {
        long wait = rateLimiter.acquire(user.id());
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString(wait));
            throw new ApiError(429, "rate_limited", "more than " + config.limits().submitsPerMinute() + " requests a minute; retry in " + wait + " s");
        }
    }

    /** Announces a finished job: its event streams end, its webhook is queued, its latency is counted. */
    private void finished(Job job) {
        VideoView view = view(job);
        events.finished(job.id(), view);
        if (job.finishedAt() != null) metrics.jobLatency.labelValues(job.status()).observe((job.finishedAt() - job.createdAt()) / 1000.0);
        if (job.spec().callbackUrl() != null) {
            try {
                store.webhooks().enqueue(job, JSON.writeValueAsString(Map.of("type", "video." + job.status(), "data", view)));
            } catch (JacksonException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The bundled OpenAPI document with the model's rules and this server's limits filled in, each from its one owner:
     * the studio's form starts from its defaults and keeps to its ranges.
     */
    private static String openApiDocument(RequestRules rules, ServerConfig.Limits limits) throws IOException {
        JsonNode doc = JSON.readTree(KinetoServer.class.getResourceAsStream("openapi.json"));
        JsonNode request = doc.at("/components/schemas/VideoRequest/properties");
        ((ObjectNode) request.get("prompt")).put("maxLength", limits.maxPromptChars());
        ((ObjectNode) request.get("negative_prompt")).put("maxLength", limits.maxPromptChars());
        ((ObjectNode) request.get("seconds")).put("default", rules.seconds()).put("maximum", limits.maxSeconds());
        ((ObjectNode) request.get("fps")).put("default", rules.fps()).put("maximum", VideoSpec.MAX_FPS);
        ((ObjectNode) request.get("steps")).put("default", RequestRules.DEFAULT_STEPS).put("maximum", RequestRules.MAX_STEPS);
        ((ObjectNode) request.get("cfg")).put("default", RequestRules.DEFAULT_CFG).put("maximum", RequestRules.MAX_CFG);
        ((ObjectNode) request.get("seed")).put("maximum", RequestRules.MAX_SEED);
        int shortSide = Math.min(rules.width(), rules.height());
        ((ObjectNode) request.get("quality")).put("description", "Short side = 0.5\u00d7, 1\u00d7 or 2\u00d7 the model's trained size (" + shortSide
                + " px), long side by aspect_ratio, multiples of " + rules.sizeMultiple());
        ((ObjectNode) request.get("motion_path")).put("maxItems", MotionPath.MAX_POINTS);
        for (var values : Map.of("camera", Camera.values(), "style", Style.values()).entrySet()) {
            var names = ((ObjectNode) request.get(values.getKey())).putArray("enum");
            for (Enum<?> value : values.getValue()) names.add(Direction.name(value));
        }
        ObjectNode strength = (ObjectNode) request.get("strength");
        strength.put("description", strength.get("description").asText() + "; default " + Direction.PATH_STRENGTH + " for a path, " + Direction.CAMERA_STRENGTH
                + " for a camera move, " + Direction.RESTYLE_STRENGTH + " for a restyle");
        ((ObjectNode) doc.at("/paths/~1v1~1clips/post")).put("description", "At most " + Uploads.MAX_CLIP_BYTES + " bytes and "
                + Guides.MAX_SOURCE_SECONDS + " s long; anything that does not decode is a 415. The id is yours alone: another user's is a 404");
        ((ObjectNode) request.get("size")).put("description", "WIDTHxHEIGHT, multiples of " + rules.sizeMultiple() + " (the model's patch) from "
                + Math.max(VideoSpec.MIN_SIDE, rules.sizeMultiple()) + " to " + limits.maxSide() + "; instead of aspect_ratio and quality");
        return JSON.writeValueAsString(doc);
    }

    /** The body readBody read. */
    private static byte[] rawBody(Context ctx) {
        return ctx.attribute(BODY);
    }

    /** The JSON body as a T, or a 4xx that names what is wrong with it. */
    private static <T> T body(Context ctx, Class<T> type) {
        byte[] bytes = rawBody(ctx);
        String contentType = Optional.ofNullable(ctx.contentType()).orElse("").split(";")[0].strip();
        if (bytes.length > 0 && !contentType.equalsIgnoreCase("application/json")) {
            throw new ApiError(415, "unsupported_media_type", "send the body as JSON with 'Content-Type: application/json', got '" + contentType + "'");
        }
        try {
            T value = JSON.readValue(bytes, type);
            if (value == null) throw ApiError.invalid("invalid_json", "send a JSON object in the request body");
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiError.invalid("unknown_field", "unknown field \"" + e.getPropertyName() + "\"; the fields are "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
        } catch (MismatchedInputException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]").collect(Collectors.joining("."));
            if (field.isEmpty()) throw ApiError.invalid("invalid_json", "send a JSON object in the request body");
            throw ApiError.invalid("invalid_type", "field \"" + field + "\" must be " + typeName(e.getTargetType()));
        } catch (IOException e) {
            throw ApiError.invalid("invalid_json", "the body is not valid JSON: " + (e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage()));
        }
    }

    private static String typeName(Class<?> type) {
        if (type == null) return "of another type";
        if (type == Integer.class || type == Long.class) return "a whole number";
        if (type == Double.class) return "a number";
        if (type == Boolean.class) return "true or false";
        return type == String.class ? "a string" : "a " + type.getSimpleName();
    }

    private static ApiError httpError(HttpResponseException e) {
        String code = switch (e.getStatus()) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "request_too_large";
            default -> "http_" + e.getStatus();
        };
        return new ApiError(e.getStatus(), code, e.getMessage() + (e.getStatus() == 404 ? "; the API is described at /openapi.json" : ""));
    }

    /** The port the server listens on. */
    public int port() {
        return app.port();
    }

    /** Every registered route as "METHOD /path", for checking the OpenAPI document against. */
    public List<String> routes() {
        return List.copyOf(routes);
    }

    public Store store() {
        return store;
    }

    @Override
    public void close() {
        app.stop();
        heartbeat.shutdown(); // a relay in flight ends before the database closes under it
        try {
            heartbeat.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.close();
        webhooks.close();
        store.close();
        try {
            if (lock != null) {
                lock.release();
                lockFile.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
