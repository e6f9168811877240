package dev.kineto.cli;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.server.KinetoServer;
import dev.kineto.server.ServerConfig;
import dev.kineto.server.ServerProcess;
import dev.kineto.server.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `kineto serve`: the API, the studio and the workers in one process, with SQLite and local files under --data; or,
 * with --db, one API node of many sharing a PostgreSQL database (and --data as the shared results directory).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the API (/v1, described at /openapi.json) and the web studio (/) with embedded storage.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data", defaultValue = ServerConfig.DEFAULT_DATA,
            description = "Directory for the database (unless --db), videos and uploads; with --db every node and worker must see the same one (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--db", paramLabel = "URL", description = "PostgreSQL database shared by API nodes and workers, postgresql://HOST[:PORT]/DB?user=... (default: SQLite in --data).")
    String db;

    @Option(names = "--workers", defaultValue = "1",
            description = "Generation workers; each uses every core, so one is usually best; 0 serves the API only, for `kineto worker`s elsewhere (default: ${DEFAULT-VALUE}).")
    int workers;

    @Mixin
    WorkerOptions generation;

    @Option(names = "--allow-private-callbacks",
            description = "Let webhooks go to loopback and private addresses (tests, closed networks); refused by default.")
    boolean privateCallbacks;

    @Option(names = "--moderation", description = "Moderation policy file: one blocked word or phrase a line (default: the built-in policy).")
    Path moderation;

    @Option(names = "--daily-free-credits", defaultValue = "200", description = "Free credits each user gets a day (default: ${DEFAULT-VALUE}).")
    long dailyFreeCredits;

    @Option(names = "--max-queued", defaultValue = "10", description = "Most queued or running jobs per user (default: ${DEFAULT-VALUE}).")
    int maxQueued;

    @Option(names = "--rate", defaultValue = "60", description = "Most submits per user a minute (default: ${DEFAULT-VALUE}).")
    int submitsPerMinute;

    @Override
    public Integer call() throws Exception {
        if (workers < 0) throw new IllegalArgumentException("--workers must be 0 or more");
        try (DiffusionGenerator generator = generation.load()) {
            var d = ServerConfig.DEFAULT_LIMITS;
            var limits = new ServerConfig.Limits(d.maxPromptChars(), d.maxSeconds(), d.maxSide(), d.creditUnit(),
                    dailyFreeCredits, maxQueued, submitsPerMinute, d.maxImageBytes());
            var config = generation.apply(ServerConfig.defaults(data, port), workers)
                    .withLimits(limits).withModerationPolicy(moderation).withHost(host).withPrivateCallbacks(privateCallbacks).withDatabase(db);
            ServerProcess.serveUntilStopped(KinetoServer.start(config, generator), "kineto: ", "(API under /v1, data in " + data.toAbsolutePath()
                    + (db != null ? ", database " + Store.redacted(db) : "") + ")");
        }
        return 0;
    }

    /** A size in bytes with an optional K, M or G (powers of 1024). */
    static final class ByteSize implements picocli.CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            Matcher m = Pattern.compile("(\\d+)([KMG]?)B?", Pattern.CASE_INSENSITIVE).matcher(value.strip());
            if (!m.matches()) throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a size: use e.g. 12G, 800M or 1048576");
            int shift = switch (m.group(2).toUpperCase()) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                default -> 0;
            };
            return Long.parseLong(m.group(1)) << shift;
        }
    }

    /** Starts `kineto serve --port 0 args...` in a child JVM, with stderr going to log, and waits until it listens. */
    public static ServerProcess launch(List<String> args, Path log) throws IOException {
        List<String> serve = new ArrayList<>(List.of("serve", "--port", "0"));
        serve.addAll(args);
        return launch(List.of(), serve, log);
    }

    /**
     * Starts `wrapper... java ... kineto kinetoArgs...` (a wrapper such as `ip netns exec NS` runs it on another
     * network) and waits until it listens, as {@link #launch(List, Path)}; a worker prints the same line.
     */
    public static ServerProcess launch(List<String> wrapper, List<String> kinetoArgs, Path log) throws IOException {
        return ServerProcess.start(wrapper, Main.class, kinetoArgs, log);
    }
}
