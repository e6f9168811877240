package dev.kineto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kineto.model.ModelConfig;
import dev.kineto.model.VideoModel;
import dev.kineto.server.Job;
import dev.kineto.server.Store;
import dev.kineto.server.User;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out across real hosts: network namespaces joined by veth pairs on a bridge, PostgreSQL in one, an API node
 * (`kineto serve --db --workers 0`) in another, two `kineto worker`s in two more, all sharing one results directory.
 * A worker is killed mid-job (kill -9), another's link is cut mid-job, the API node and the database restart; every
 * job still completes exactly once, charged once, with one whole file and no partial one, and what the killed worker
 * held runs again elsewhere (the cut-off one may get its link back before another worker takes its jobs). Needs root (namespaces)
 * and PostgreSQL's binaries, which ./run-tests provides.
 */
class MultiHostTest {
    private static final String NET = "10.37.0.", DB = "kn-db", API = "kn-api", W1 = "kn-w1", W2 = "kn-w2";
    private static final List<String> HOSTS = List.of(DB, API, W1, W2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();
    private Process apiNode;
    private Path pgBin, pgData;

    @Test
    void everyJobCompletesOnceThroughAKilledWorkerACutLinkAndRestartsOfTheApiAndTheDatabase() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false) && Files.isExecutable(Path.of("/usr/sbin/ip")),
                "needs root and iproute2 for network namespaces (./run-tests as root)");
        pgBin = postgresBinaries();
        try {
            network();
            startDatabase();
            String db = "postgresql://" + NET + 1 + ":5432/postgres?user=kineto";
            Path results = dir.resolve("results"), model = model();
            String key;
            try (Store store = Store.open(db, results)) {
                key = store.accounts().createUser("alice", User.FREE, false, 100_000).apiKey();
            }
            List<String> common = List.of("--db", db, "--model", model.toString(), "--lease-seconds", "5");
            String api = startApi(common, results);
            Process w1 = worker(W1, common, results);
            // Worker ids sort by creation (Store.newId: time first); w1's were made before it said it was serving, w2's after this.
            String w2Born = "worker_%012x".formatted(System.currentTimeMillis());
            worker(W2, common, results);

            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                var made = post(api + "/v1/videos", key, Map.of("prompt", "a red ball " + i, "size", "32x32", "seconds", 1, "steps", 40, "seed", i));
                assertEquals(201, made.statusCode(), made.body());
                ids.add(JSON.readTree(made.body()).path("id").asText());
            }
            try (Store store = Store.open(db, results)) {
                waitFor("two jobs running", () -> count(store, ids, Job.RUNNING) >= 2);
                w1.destroyForcibly().waitFor(); // kill -9 mid-job
                // What the dead worker still held can only finish through another claim; it may have held nothing by then.
                Map<String, Job> orphaned = running(store, ids);
                orphaned.values().removeIf(job -> job.worker().compareTo(w2Born) > 0);
                worker(W1, common, results);
                waitFor("a job running", () -> count(store, ids, Job.RUNNING) >= 1);
                ip("link", "set", "kn-" + W2 + "-h", "down"); // cut w2 off mid-job, past its lease
                Thread.sleep(12_000);
                ip("link", "set", "kn-" + W2 + "-h", "up");
                apiNode.destroy(); // the API node restarts
                apiNode.waitFor();
                api = startApi(common, results);
                pgCtl("restart", "-m", "immediate", "-w"); // the database restarts as after a crash
                waitFor("every job finished", () -> count(store, ids, null) == ids.size());
                long cost = 0;
                for (String id : ids) {
                    Job job = store.jobs().job(id).orElseThrow();
                    assertEquals(Job.SUCCEEDED, job.status(), id + " " + job.errorCode() + " " + job.errorMessage());
                    assertTrue(Files.size(results.resolve("videos").resolve(id + ".mp4")) > 0, id);
                    cost += job.cost();
                }
                for (Job held : orphaned.values()) {
                    assertTrue(store.jobs().job(held.id()).orElseThrow().attempts() > held.attempts(), "the killed worker's job " + held.id() + " ran again elsewhere");
                }
                User alice = store.accounts().userByName("alice").orElseThrow();
                assertEquals(cost, alice.freeUsed() + (100_000 - alice.credits()), "every job charged once");
                try (Stream<Path> files = Files.list(results.resolve("videos"))) {
                    assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(".partial-")).toList(), "no partial file left");
                }
                var content = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/videos/" + ids.getFirst() + "/content"))
                        .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, content.statusCode(), "the restarted API node serves a video a worker made");
            }
        } finally {
            for (Process p : started) p.destroyForcibly().waitFor();
            if (pgData != null) pgCtl("stop", "-m", "immediate");
            for (String host : HOSTS) run(List.of("ip", "netns", "del", host));
            run(List.of("ip", "link", "del", "kn-br"));
        }
    }

    /** How many of the jobs have this status (any finished one when null); -1 while the database restarts. */
    private static long count(Store store, List<String> ids, String status) {
        try {
            return ids.stream().filter(id -> store.jobs().job(id).map(j -> status == null ? j.terminal() : j.status().equals(status)).orElse(false)).count();
        } catch (RuntimeException databaseAway) {
            return -1;
        }
    }

    /** The jobs running now, by id. */
    private static Map<String, Job> running(Store store, List<String> ids) {
        return ids.stream().map(id -> store.jobs().job(id).orElseThrow()).filter(j -> j.status().equals(Job.RUNNING))
                .collect(Collectors.toMap(Job::id, j -> j, (a, b) -> a, HashMap::new));
    }

    /** A bridge in this namespace (10.37.0.254) and each host on it through a veth pair: 10.37.0.1 to .4. */
    private void network() throws Exception {
        ip("link", "add", "kn-br", "type", "bridge");
        ip("addr", "add", NET + "254/24", "dev", "kn-br");
        ip("link", "set", "kn-br", "up");
        for (int i = 0; i < HOSTS.size(); i++) {
            String host = HOSTS.get(i), side = "kn-" + host + "-h";
            ip("netns", "add", host);
            ip("link", "add", side, "type", "veth", "peer", "name", "eth0", "netns", host);
            ip("link", "set", side, "master", "kn-br", "up");
            ip("-n", host, "addr", "add", NET + (i + 1) + "/24", "dev", "eth0");
            ip("-n", host, "link", "set", "eth0", "up");
            ip("-n", host, "link", "set", "lo", "up");
        }
    }

    private void startDatabase() throws Exception {
        Path pg = dir.resolve("pg");
        Files.createDirectories(pg);
        run(List.of("chown", "postgres", pg.toString()));
        run(List.of("chmod", "755", dir.toString()));
        pgData = pg.resolve("data");
        asPostgres(List.of(pgBin.resolve("initdb").toString(), "-D", pgData.toString(), "-U", "kineto", "--auth=trust"));
        Files.writeString(pgData.resolve("pg_hba.conf"), "host all all " + NET + "0/24 trust\n", java.nio.file.StandardOpenOption.APPEND);
        pgCtl("start", "-w", "-l", pg.resolve("log").toString(), "-o", "-h " + NET + "1 -k " + pg + " -c fsync=off");
    }

    private void pgCtl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", DB, "runuser", "-u", "postgres", "--", pgBin.resolve("pg_ctl").toString(), "-D", pgData.toString()));
        command.addAll(List.of(args));
        assertEquals(0, run(command), "pg_ctl " + String.join(" ", args));
    }

    private void asPostgres(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        command.addAll(args);
        assertEquals(0, run(command), String.join(" ", args));
    }

    private String startApi(List<String> common, Path results) throws IOException {
        List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--host", "0.0.0.0", "--workers", "0", "--data", results.toString()));
        args.addAll(common);
        var launched = ServeCommand.launch(List.of("ip", "netns", "exec", API), args, dir.resolve("api-" + started.size() + ".log"));
        apiNode = launched.process();
        started.add(apiNode);
        return launched.url().replace("localhost", NET + 2);
    }

    private Process worker(String host, List<String> common, Path results) throws IOException {
        List<String> args = new ArrayList<>(List.of("worker", "--results", results.toString()));
        args.addAll(common);
        Process p = ServeCommand.launch(List.of("ip", "netns", "exec", host), args, dir.resolve(host + "-" + started.size() + ".log")).process();
        started.add(p);
        return p;
    }

    private Path model() throws IOException {
        Path model = dir.resolve("model");
        try (VideoModel m = new VideoModel(ModelConfig.preset("tiny", 32, 32, 5, 8, List.of("a", "red", "ball")), 7)) {
            m.save(model, Map.of());
        }
        return model;
    }

    private static Path postgresBinaries() throws IOException {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb"))).max(Path::compareTo)
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL under /usr/lib/postgresql: run ./run-tests, which installs it"));
        }
    }

    private static HttpResponse<String> post(String url, String key, Map<String, ?> body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    private static void ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        assertEquals(0, run(command), String.join(" ", command));
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }
}
