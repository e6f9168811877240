package dev.kineto.cli;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** What `kineto serve` and `kineto worker` are told about generating: the model, the workers, their batches, memory and lease. */
final class WorkerOptions {
    @Option(names = "--model", description = "Model directory with config.json and model.safetensors (default: the bundled model).")
    Path model;

    @Option(names = "--batch", defaultValue = "8", description = "Most compatible jobs sampled in one forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--memory-budget", converter = ServeCommand.ByteSize.class,
            description = "Memory all workers' generations may hold at once (batches included), e.g. 12G or 800M; "
                    + "bigger requests are refused at submit (default: ${DEFAULT-VALUE} bytes, for a 24 GB machine).")
    long memoryBudget = ServerConfig.DEFAULT_MEMORY_BUDGET;

    @Option(names = "--lease-seconds", description = "A worker that stops renewing (died, cut off) loses its jobs to the others after this long (default: 30).")
    long leaseSeconds = ServerConfig.DEFAULT_LEASE.toSeconds();

    DiffusionGenerator load() throws IOException {
        return DiffusionGenerator.load(model != null ? model : DiffusionGenerator.defaultModelDir());
    }

    /** The config with these settings and workers workers. */
    ServerConfig apply(ServerConfig config, int workers) {
        if (batch < 1 || leaseSeconds < 1) throw new IllegalArgumentException("--batch and --lease-seconds must be at least 1");
        return config.withWorkers(workers, batch).withMemoryBudget(memoryBudget).withLease(Duration.ofSeconds(leaseSeconds));
    }
}
