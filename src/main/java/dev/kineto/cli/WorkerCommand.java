package dev.kineto.cli;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.server.KinetoServer;
import dev.kineto.server.ServerConfig;
import dev.kineto.server.ServerProcess;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `kineto worker`: generation workers with no API, on any host that reaches the PostgreSQL database and the shared
 * results directory; they take jobs that `kineto serve --db` nodes queued.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Generate queued videos from a shared PostgreSQL database into a shared results directory (no API; /health, /ready and /metrics on --port).")
public final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--db", paramLabel = "URL", required = true, description = "The PostgreSQL database the API nodes use, postgresql://HOST[:PORT]/DB?user=...")
    String db;

    @Option(names = "--results", paramLabel = "DIR", required = true,
            description = "The results directory every API node and worker shares (the API nodes' --data), e.g. an NFS mount.")
    Path results;

    @Option(names = "--workers", defaultValue = "1", description = "Generation threads; each uses every core, so one is usually best (default: ${DEFAULT-VALUE}).")
    int workers;

    @Mixin
    WorkerOptions generation;

    @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_HOST, description = "Address for /health and /metrics (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "0", description = "Port for /health and /metrics; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws Exception {
        if (workers < 1) throw new IllegalArgumentException("--workers must be at least 1");
        try (DiffusionGenerator generator = generation.load()) {
            var config = generation.apply(ServerConfig.defaults(results, port), workers).withHost(host).withDatabase(db).withoutApi();
            ServerProcess.serveUntilStopped(KinetoServer.start(config, generator), "kineto: worker ",
                    "(health and metrics only; taking jobs, results in " + results.toAbsolutePath() + ")");
        }
        return 0;
    }
}
