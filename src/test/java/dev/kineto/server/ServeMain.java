package dev.kineto.server;

import dev.kineto.model.DiffusionGenerator;
import java.nio.file.Path;

/**
 * A server process for tests, as `kineto serve --data DATA --model MODEL --port 0` runs one (the CLI's options aside):
 * started in a child JVM with {@link ServerProcess#start}.
 */
final class ServeMain {
    private ServeMain() {}

    public static void main(String[] args) throws Exception {
        try (DiffusionGenerator generator = DiffusionGenerator.load(Path.of(args[1]))) {
            ServerProcess.serveUntilStopped(KinetoServer.start(ServerConfig.defaults(Path.of(args[0]), 0), generator), "", "(test server)");
        }
    }
}
