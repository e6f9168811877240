package dev.kineto.bench;

import dev.kineto.cli.ServeCommand;
import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.RequestRules;
import dev.kineto.server.Job;
import dev.kineto.server.JobSpec;
import dev.kineto.server.Jobs;
import dev.kineto.server.KinetoServer;
import dev.kineto.server.Pricing;
import dev.kineto.server.ServerConfig;
import dev.kineto.server.Store;
import dev.kineto.server.User;
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
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Scale-out on PostgreSQL: throughput with more workers and claim latency, and the API's latency at a fixed offered rate on both engines. */
final class ScaleOutBench {
    private ScaleOutBench() {}

    /** The default limits without the cap on one user's queued jobs: the bench queues them all at once as one user. */
    private static final ServerConfig.Limits UNCAPPED = uncapped(ServerConfig.DEFAULT_LIMITS);

    private static ServerConfig.Limits uncapped(ServerConfig.Limits d) {
        return new ServerConfig.Limits(d.maxPromptChars(), d.maxSeconds(), d.maxSide(), d.creditUnit(), d.dailyFreeCredits(),
                Integer.MAX_VALUE, d.submitsPerMinute(), d.maxImageBytes());
    }

    @Command(name = "workers", mixinStandardHelpOptions = true,
            description = "Jobs per minute with 1, 2 and 4 worker nodes (no API) on one PostgreSQL database, and claim latency of idle workers.")
    static final class Workers implements Callable<Integer> {
        @Option(names = "--db", required = true, paramLabel = "URL", description = "An empty PostgreSQL database to use, postgresql://HOST/DB?user=...")
        String db;

        @Option(names = "--jobs", defaultValue = "24", description = "Jobs queued for each worker count (default: ${DEFAULT-VALUE}).")
        int jobs;

        @Option(names = "--steps", defaultValue = "4", description = "Sampling steps per job (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--claims", defaultValue = "30", description = "Single jobs submitted one after another to idle workers for the claim latency (default: ${DEFAULT-VALUE}).")
        int claims;

        @Override
        public Integer call() throws Exception {
            Path dir = Files.createTempDirectory("kineto-bench-workers");
            try (DiffusionGenerator generator = DiffusionGenerator.load(ApiBench.randomModel("tiny", 32, 5, dir.resolve("model")))) {
                var config = ServerConfig.defaults(dir.resolve("results"), 0).withDatabase(db).withWorkers(1, 1).withoutApi();
                var rules = generator.model().config().rules();
                System.out.printf("Worker bench: tiny preset (random weights), %d jobs of %d steps per run, worker nodes in this JVM (%d cores) on %s%n",
                        jobs, steps, Runtime.getRuntime().availableProcessors(), Store.redacted(db));
                System.out.printf("%-8s %12s %18s %18s%n", "workers", "jobs/min", "claim p50 ms", "claim p99 ms");
                try (Store store = Store.open(db, config.dataDir())) {
                    User user = store.accounts().createUser("bench" + System.nanoTime(), User.PAID, false, Long.MAX_VALUE / 2).user();
                    for (int workers : new int[] {1, 2, 4}) {
                        List<KinetoServer> nodes = new ArrayList<>();
                        try {
                            for (int i = 0; i < workers; i++) nodes.add(KinetoServer.start(config, generator));
                            submitAndWait(rules, store, user, config, 8); // warm-up: JIT, connections, the engine's first passes
                            double perMinute = 60 * jobsPerSecond(rules, store, user, config, jobs);
                            long[] claim = new long[claims];
                            for (int i = 0; i < claims; i++) {
                                Job job = submitAndWait(rules, store, user, config, 1).getFirst();
                                claim[i] = job.startedAt() - job.createdAt();
                            }
                            Arrays.sort(claim);
                            System.out.printf("%-8d %12.1f %18.1f %18.1f%n", workers, perMinute, ApiBench.Result.percentile(claim, 0.5),
                                    ApiBench.Result.percentile(claim, 0.99));
                        } finally {
                            nodes.forEach(KinetoServer::close);
                        }
                    }
                }
            } finally {
                ApiBench.deleteTree(dir);
            }
            return 0;
        }

        private double jobsPerSecond(RequestRules rules, Store store, User user, ServerConfig config, int count) throws InterruptedException {
            List<Job> done = submitAndWait(rules, store, user, config, count);
            long start = done.stream().map(Job::startedAt).min(Comparator.naturalOrder()).orElseThrow();
            long end = done.stream().map(Job::finishedAt).max(Comparator.naturalOrder()).orElseThrow();
            return count / ((end - start) / 1000.0);
        }

        private List<Job> submitAndWait(RequestRules rules, Store store, User user, ServerConfig config, int count) throws InterruptedException {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                var request = rules.resolve(new RequestRules.Draft("a red ball moves right", "", null, null, null, null, steps, null, (long) i));
                var submission = new Jobs.Submission(user.id(), new JobSpec(request, "1:1", null, false),
                        Pricing.cost(request, config.limits().creditUnit()), null, null, "bench" + i);
                ids.add(store.jobs().submit(submission, UNCAPPED).job().id());
            }
            List<Job> done;
            while (!(done = ids.stream().map(id -> store.jobs().job(id).orElseThrow()).toList()).stream().allMatch(Job::terminal)) Thread.sleep(5);
            if (!done.stream().allMatch(j -> j.status().equals(Job.SUCCEEDED))) throw new IllegalStateException("a bench job failed: " + done);
            return done;
        }
    }

    @Command(name = "open-loop", mixinStandardHelpOptions = true,
            description = "API latency at a fixed offered rate (open loop: polls and submits sent on schedule, however slow the answers), "
                    + "`kineto serve --workers 0` in another process, on SQLite and on PostgreSQL in the same run.")
    static final class OpenLoop implements Callable<Integer> {
        @Option(names = "--db", required = true, paramLabel = "URL", description = "An empty PostgreSQL database to use, postgresql://HOST/DB?user=...")
        String db;

        @Option(names = "--polls", defaultValue = "500", description = "GET /v1/videos/ID a second (default: ${DEFAULT-VALUE}).")
        int polls;

        @Option(names = "--submits", defaultValue = "100", description = "POST /v1/videos a second (default: ${DEFAULT-VALUE}).")
        int submits;

        @Option(names = "--seconds", defaultValue = "20", description = "Length of the measured run (default: ${DEFAULT-VALUE}).")
        int seconds;

        private static final int USERS = 16;
        private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
        private static final String BODY = "{\"prompt\": \"a red ball moves right\", \"size\": \"16x16\", \"seconds\": 0.125, \"steps\": 1}";

        @Override
        public Integer call() throws Exception {
            Path dir = Files.createTempDirectory("kineto-bench-open-loop");
            try {
                Path model = ApiBench.randomModel("tiny", 32, 5, dir.resolve("model"));
                System.out.printf("Open-loop API bench: %d polls/s and %d submits/s for %d s, `kineto serve --workers 0` in another process on loopback"
                        + " (%d cores shared with this load generator); latency from each request's scheduled time; load: the 1-minute load average at the end%n", polls, submits, seconds,
                        Runtime.getRuntime().availableProcessors());
                System.out.printf("%-12s %-8s %10s %10s %10s %8s %8s%n", "engine", "request", "sent", "p50 ms", "p99 ms", "errors", "load");
                measure("SQLite", null, dir.resolve("sqlite"), model);
                measure("PostgreSQL", db, dir.resolve("postgresql"), model);
            } finally {
                ApiBench.deleteTree(dir);
            }
            return 0;
        }

        private void measure(String engine, String url, Path data, Path model) throws Exception {
            List<String> keys = new ArrayList<>(); // many users, as in production: one user's submits take turns on its balance
            try (Store store = Store.open(url, data)) {
                for (int i = 0; i < USERS; i++) keys.add(store.accounts().createUser("bench" + i, User.PAID, false, Long.MAX_VALUE / 2).apiKey());
            }
            List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--model", model.toString(), "--workers", "0", "--rate", "100000000",
                    "--max-queued", "100000000", "--daily-free-credits", "1000000000"));
            if (url != null) args.addAll(List.of("--db", url));
            var server = ServeCommand.launch(args, data.resolveSibling(engine + ".log"));
            try {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                var ids = new ConcurrentLinkedQueue<String[]>();
                var pollIds = new ArrayList<String[]>();
                run(http, server.url(), keys, 3, false, ids, pollIds); // jobs to poll
                pollIds.addAll(ids);
                run(http, server.url(), keys, 5, true, ids, pollIds); // warm-up of both paths: the JIT compiling a route mid-run is not its latency
                var result = run(http, server.url(), keys, seconds, true, ids, pollIds);
                // The machine's load average over the last minute: latencies measured on a machine busy with other work are not the server's.
                double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                result[0].print(engine, "poll", load);
                result[1].print(engine, "submit", load);
            } finally {
                server.process().destroy();
                server.process().waitFor();
            }
        }

        record Latencies(long[] nanos, long errors) {
            void print(String engine, String request, double load) {
                long[] sorted = nanos.clone();
                Arrays.sort(sorted);
                System.out.printf("%-12s %-8s %10d %10.2f %10.2f %8d %8.2f%n", engine, request, sorted.length, ApiBench.Result.percentile(sorted, 0.5) / 1e6,
                        ApiBench.Result.percentile(sorted, 0.99) / 1e6, errors, load);
            }
        }

        /** Sends polls and submits on a fixed schedule for the time given, each on its own virtual thread; answers poll and submit latencies. */
        private Latencies[] run(HttpClient http, String base, List<String> keys, int secs, boolean withPolls, ConcurrentLinkedQueue<String[]> ids,
                                List<String[]> pollIds)
                throws InterruptedException {
            long begin = System.nanoTime(), end = begin + secs * 1_000_000_000L;
            var pollNanos = new ConcurrentLinkedQueue<Long>();
            var submitNanos = new ConcurrentLinkedQueue<Long>();
            AtomicLong errors = new AtomicLong(), submitErrors = new AtomicLong();
            List<Thread> sent = new ArrayList<>();
            long pollEvery = 1_000_000_000L / polls, submitEvery = 1_000_000_000L / submits;
            long nextPoll = withPolls ? begin : Long.MAX_VALUE, nextSubmit = begin;
            int submitted = 0;
            while (true) {
                long due = Math.min(nextPoll, nextSubmit);
                if (due >= end) break;
                long wait = due - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                boolean poll = nextPoll <= nextSubmit;
                long scheduled = due;
                HttpRequest request;
                if (poll) {
                    String[] job = pollIds.get(ThreadLocalRandom.current().nextInt(pollIds.size())); // {its owner's key, its id}
                    request = HttpRequest.newBuilder(URI.create(base + "/v1/videos/" + job[1])).header("Authorization", "Bearer " + job[0]).GET().build();
                    nextPoll += pollEvery;
                } else {
                    request = HttpRequest.newBuilder(URI.create(base + "/v1/videos")).header("Authorization", "Bearer " + keys.get(submitted++ % keys.size()))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
                    nextSubmit += submitEvery;
                }
                String key = request.headers().firstValue("Authorization").orElseThrow().substring(7);
                sent.add(Thread.ofVirtual().start(() -> {
                    try {
                        var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() / 100 != 2) (poll ? errors : submitErrors).incrementAndGet();
                        var id = ID.matcher(response.body());
                        if (!poll && id.find()) ids.add(new String[] {key, id.group(1)});
                    } catch (Exception e) {
                        (poll ? errors : submitErrors).incrementAndGet();
                    }
                    (poll ? pollNanos : submitNanos).add(System.nanoTime() - scheduled);
                }));
            }
            for (Thread t : sent) t.join();
            return new Latencies[] {
                    new Latencies(pollNanos.stream().mapToLong(Long::longValue).toArray(), errors.get()),
                    new Latencies(submitNanos.stream().mapToLong(Long::longValue).toArray(), submitErrors.get())};
        }
    }
}
