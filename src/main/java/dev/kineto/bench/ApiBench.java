package dev.kineto.bench;

import dev.kineto.cli.ServeCommand;
import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.ModelConfig;
import dev.kineto.model.RequestRules;
import dev.kineto.model.StepListener;
import dev.kineto.model.VideoModel;
import dev.kineto.server.Job;
import dev.kineto.server.JobSpec;
import dev.kineto.server.KinetoServer;
import dev.kineto.server.Pricing;
import dev.kineto.server.ServerConfig;
import dev.kineto.server.Jobs;
import dev.kineto.server.Store;
import dev.kineto.server.User;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The server's benchmarks: API throughput and latency under load, and generation throughput with and without batching. */
public final class ApiBench {
    private ApiBench() {}

    /** Words for the random-weight models the benchmarks fall back to (the weights do not change the speed). */
    private static final List<String> WORDS = List.of("a", "red", "ball", "moves", "right");

    @Command(name = "api", mixinStandardHelpOptions = true,
            description = "Submit and poll throughput and p50/p99 latency: a load generator here, `kineto serve` in a second process on loopback.")
    static final class Api implements Callable<Integer> {
        @Option(names = "--clients", defaultValue = "16", description = "Concurrent clients, each its own user (default: ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--seconds", defaultValue = "10", description = "Longest time for each phase (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--requests", defaultValue = "50000", description = "Most requests in each phase (default: ${DEFAULT-VALUE}).")
        int requests;

        @Option(names = "--model", description = "Model for the server's worker (default: random weights of the tiny preset: this measures the API, not the model).")
        Path model;

        @Override
        public Integer call() throws Exception {
            Path dir = Files.createTempDirectory("kineto-bench-api");
            try {
                Path data = dir.resolve("data"), modelDir = model != null ? model : randomModel("tiny", 32, 5, dir.resolve("model"));
                List<String> keys = new ArrayList<>();
                try (Store store = Store.open(data)) {
                    for (int i = 0; i < clients; i++) keys.add(store.accounts().createUser("bench" + i, User.FREE, false, 0).apiKey());
                }
                var server = ServeCommand.launch(List.of("--data", data.toString(), "--model", modelDir.toString(), "--rate", "100000000",
                        "--max-queued", "100000000", "--daily-free-credits", "1000000000"), dir.resolve("server.log"));
                try {
                    var load = new Load(server.url(), keys, requests);
                    String body = "{\"prompt\": \"a red ball moves right\", \"size\": \"16x16\", \"seconds\": 0.125, \"steps\": 1}";
                    load.run(2, i -> load.post(i, "/v1/videos", body)); // warm-up: JIT, connections, SQLite pages
                    List<List<String>> ids = load.idsByClient();
                    Result submit = load.run(seconds, i -> load.post(i, "/v1/videos", body));
                    Result poll = load.run(seconds, i -> load.get(i, "/v1/videos/" + ids.get(i).get(ThreadLocalRandom.current().nextInt(ids.get(i).size()))));
                    System.out.printf("API bench: %d clients over loopback against `kineto serve` in another process (its worker generating the"
                            + " submitted jobs meanwhile), up to %d s or %d requests a phase%n", clients, seconds, requests);
                    System.out.printf("%-8s %10s %12s %10s %10s %8s%n", "", "requests", "req/s", "p50 ms", "p99 ms", "errors");
                    submit.print("submit");
                    poll.print("poll");
                } finally {
                    server.process().destroy();
                    server.process().waitFor();
                }
            } finally {
                deleteTree(dir);
            }
            return 0;
        }
    }

    /** Latencies of one phase of load. */
    record Result(long[] nanos, long errors, double seconds) {
        void print(String name) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            System.out.printf("%-8s %10d %12.0f %10.2f %10.2f %8d%n", name, sorted.length, sorted.length / seconds,
                    percentile(sorted, 0.5) / 1e6, percentile(sorted, 0.99) / 1e6, errors);
        }

        static double percentile(long[] sorted, double p) {
            return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
        }
    }

    /** Closed-loop clients, one thread and one user each, sending requests back to back for a fixed time. */
    private static final class Load {
        private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final String base;
        private final List<String> keys;
        private final List<List<String>> ids = new ArrayList<>();
        private final int maxRequests;

        Load(String base, List<String> keys, int maxRequests) {
            this.base = base;
            this.keys = keys;
            this.maxRequests = maxRequests;
            keys.forEach(key -> ids.add(new ArrayList<>()));
        }

        List<List<String>> idsByClient() {
            return ids;
        }

        HttpResponse<String> post(int client, String path, String json) throws Exception {
            var response = http.send(request(client, path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
            var id = ID.matcher(response.body());
            if (id.find()) ids.get(client).add(id.group(1));
            return response;
        }

        HttpResponse<String> get(int client, String path) throws Exception {
            return http.send(request(client, path).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        private HttpRequest.Builder request(int client, String path) {
            return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + keys.get(client));
        }

        interface Call {
            HttpResponse<String> send(int client) throws Exception;
        }

        /** Runs every client until the time or the request budget is spent. */
        Result run(int seconds, Call call) throws InterruptedException {
            long begin = System.nanoTime(), deadline = begin + seconds * 1_000_000_000L;
            List<long[]> perClient = new ArrayList<>();
            AtomicLong errors = new AtomicLong(), sent = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < keys.size(); c++) {
                int client = c;
                threads.add(Thread.ofPlatform().start(() -> {
                    LongStream.Builder latencies = LongStream.builder();
                    while (System.nanoTime() < deadline && sent.incrementAndGet() <= maxRequests) {
                        long start = System.nanoTime();
                        try {
                            if (call.send(client).statusCode() / 100 != 2) errors.incrementAndGet();
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                        latencies.add(System.nanoTime() - start);
                    }
                    synchronized (perClient) {
                        perClient.add(latencies.build().toArray());
                    }
                }));
            }
            for (Thread t : threads) t.join();
            return new Result(perClient.stream().flatMapToLong(Arrays::stream).toArray(), errors.get(), (System.nanoTime() - begin) / 1e9);
        }
    }

    @Command(name = "batching", mixinStandardHelpOptions = true,
            description = "Generation throughput at 1, 4 and 8 concurrent jobs: batched forward passes against one job at a time, and the batch's pass alone.")
    static final class Batching implements Callable<Integer> {
        private static final long DONE_POLL_MILLIS = 500;

        @Option(names = "--model", description = "Model directory (default: the bundled model, else random weights of the default preset, which run at the same speed).")
        Path model;

        @Option(names = "--steps", defaultValue = "4", description = "Sampling steps per job (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--repeats", defaultValue = "5", description = "Runs per setting; the median and range are printed (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--concurrent", split = ",", defaultValue = "1,4,8", description = "Jobs queued at once, one setting each (default: ${DEFAULT-VALUE}).")
        int[] concurrent;

        @Override
        public Integer call() throws Exception {
            Path dir = Files.createTempDirectory("kineto-bench-batching");
            try (DiffusionGenerator generator = loadOrRandom(dir)) {
                ModelConfig mc = generator.model().config();
                System.out.printf("Batching bench: %s model, %dx%d, %d frames, %d steps, median (range) of %d runs, batched up to 8%n", mc.preset(),
                        mc.width(), mc.height(), mc.frames(), steps, repeats);
                System.out.println("speed-up: against one at a time, by wall time and by this process's CPU time (which other work on a shared machine"
                        + " does not inflate)");
                System.out.printf("%-10s %22s %22s %16s %22s %16s %s%n", "concurrent", "one at a time: jobs/s", "batched: jobs/s", "speed-up, CPU",
                        "the pass alone: jobs/s", "speed-up, CPU", "batches claimed");
                int run = 0;
                for (int jobs : concurrent) {
                    double[][] wall = new double[3][repeats], cpu = new double[3][repeats];
                    var batches = new java.util.TreeSet<String>();
                    for (int r = 0; r < repeats; r++) { // alternating, so a change in the machine's load hits all alike
                        double[][] runs = {jobsPerSecond(generator, dir.resolve("run" + run++), jobs, 1, batches),
                                jobsPerSecond(generator, dir.resolve("run" + run++), jobs, 8, batches), passPerSecond(generator, jobs)};
                        for (int k = 0; k < 3; k++) {
                            wall[k][r] = runs[k][0];
                            cpu[k][r] = runs[k][1];
                        }
                    }
                    System.out.printf("%-10d %22s %22s %16s %22s %16s %s%n", jobs, spread(wall[0]), spread(wall[1]), speedUps(wall, cpu, 1),
                            spread(wall[2]), speedUps(wall, cpu, 2), batches);
                }
            } finally {
                deleteTree(dir);
            }
            return 0;
        }

        /** Setting k's median rate over one at a time's, by wall time and by CPU time: "1.90x, 2.10x". */
        private static String speedUps(double[][] wall, double[][] cpu, int k) {
            return "%.2fx, %.2fx".formatted(Timing.median(wall[k]) / Timing.median(wall[0]), Timing.median(cpu[k]) / Timing.median(cpu[0]));
        }

        /** Seconds of CPU this process has used, all its threads (the server's, the model's) together. */
        private static double cpuSeconds() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        }

        /** "median (min–max)". */
        private static String spread(double[] values) {
            return "%.2f (%.2f–%.2f)".formatted(Timing.median(values), Arrays.stream(values).min().orElseThrow(), Arrays.stream(values).max().orElseThrow());
        }

        private DiffusionGenerator loadOrRandom(Path dir) throws IOException {
            if (model != null) return DiffusionGenerator.load(model);
            try {
                return DiffusionGenerator.load(DiffusionGenerator.defaultModelDir());
            } catch (IOException noBundledModel) {
                return DiffusionGenerator.load(randomModel("default", 64, 17, dir.resolve("model")));
            }
        }

        /**
         * Queues jobs all at once on a fresh server and answers its jobs a second, from the first start to the last
         * finish, and a CPU second of this process from the first submit to seeing the last finish; adds the sizes of the
         * batches its worker claimed to batches (as "1+1+1+1" or "4").
         */
        private double[] jobsPerSecond(DiffusionGenerator generator, Path data, int jobs, int maxBatch, java.util.Set<String> batches) throws Exception {
            var config = ServerConfig.defaults(data, 0).withWorkers(1, maxBatch);
            try (KinetoServer server = KinetoServer.start(config, generator)) {
                Store store = server.store();
                User user = store.accounts().createUser("bench", User.PAID, false, Long.MAX_VALUE / 2).user();
                List<String> ids = new ArrayList<>();
                double cpuStart = cpuSeconds();
                for (int i = 0; i < jobs; i++) {
                    var request = request(generator, i);
                    var submission = new Jobs.Submission(user.id(), new JobSpec(request, "1:1", null, false),
                            Pricing.cost(request, config.limits().creditUnit()), null, null, "bench" + i);
                    ids.add(store.jobs().submit(submission, config.limits()).job().id());
                }
                List<Job> done;
                // The times come from the jobs' own start and finish, so this looks seldom: its reads share the cores with
                // the pass being measured.
                while (!(done = ids.stream().map(id -> store.jobs().job(id).orElseThrow()).toList()).stream().allMatch(Job::terminal)) Thread.sleep(DONE_POLL_MILLIS);
                if (!done.stream().allMatch(j -> j.status().equals(Job.SUCCEEDED))) throw new IllegalStateException("a bench job failed: " + done);
                long start = done.stream().map(Job::startedAt).min(Comparator.naturalOrder()).orElseThrow();
                long end = done.stream().map(Job::finishedAt).max(Comparator.naturalOrder()).orElseThrow();
                batches.add(done.stream().collect(java.util.stream.Collectors.groupingBy(Job::startedAt, java.util.TreeMap::new, java.util.stream.Collectors.counting()))
                        .values().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining("+")));
                return new double[] {jobs / ((end - start) / 1000.0), jobs / (cpuSeconds() - cpuStart)};
            }
        }

        /** The same jobs as one forward pass with no server around it (what batching can give at most): jobs a second and a CPU second. */
        private double[] passPerSecond(DiffusionGenerator generator, int jobs) {
            var requests = new ArrayList<GenerationRequest>();
            for (int i = 0; i < jobs; i++) requests.add(request(generator, i));
            long start = System.nanoTime();
            double cpuStart = cpuSeconds();
            generator.generate(requests, StepListener.NONE);
            return new double[] {jobs / ((System.nanoTime() - start) / 1e9), jobs / (cpuSeconds() - cpuStart)};
        }

        /** The bench's i-th job: one prompt, the model's defaults, its own seed. */
        private GenerationRequest request(DiffusionGenerator generator, int i) {
            return generator.model().config().rules().resolve(new RequestRules.Draft("a red ball moves right", "", null, null, null, null, steps, null, (long) i));
        }
    }

    /** Saves a model of the preset with seeded random weights, trained size side×side, frames frames at 8 fps. */
    static Path randomModel(String preset, int side, int frames, Path dir) throws IOException {
        try (VideoModel m = new VideoModel(ModelConfig.preset(preset, side, side, frames, 8, WORDS), 1)) {
            m.save(dir, Map.of());
        }
        return dir;
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
