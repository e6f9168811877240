package dev.kineto.server;

import dev.kineto.model.DiffusionGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One server on a tiny model for a whole test class, over a data folder of its own that goes when the class ends:
 * {@code @RegisterExtension static final TestServer served = TestServer.pixel();}.
 */
final class TestServer implements BeforeAllCallback, AfterAllCallback {
    private final UnaryOperator<ServerConfig> configure;
    private final Supplier<DiffusionGenerator> generator;
    private Path data;
    private KinetoServer server;
    private ApiClient anonymous;

    private TestServer(UnaryOperator<ServerConfig> configure, Supplier<DiffusionGenerator> generator) {
        this.configure = configure;
        this.generator = generator;
    }

    /** On the tiny latent model, with the server's settings changed by configure. */
    static TestServer latent(UnaryOperator<ServerConfig> configure) {
        return new TestServer(configure, TinyModel::generator);
    }

    /** On the tiny pixel model (it takes frames), with the server's default settings. */
    static TestServer pixel() {
        return new TestServer(UnaryOperator.identity(), TinyModel::pixelGenerator);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        data = Files.createTempDirectory("kineto-test-");
        server = KinetoServer.start(configure.apply(TinyModel.serverConfig(data)), generator.get());
        anonymous = new ApiClient("http://localhost:" + server.port(), null);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        server.close();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    KinetoServer server() { return server; }

    /** The server's data folder. */
    Path data() { return data; }

    /** A client with no key. */
    ApiClient anonymous() { return anonymous; }

    /** A new free user with 1000 purchased credits, and a client with its key. */
    ApiClient newUser(String name) {
        return newUser(name, 1000);
    }

    ApiClient newUser(String name, long credits) {
        return anonymous.as(server.store().accounts().createUser(name, User.FREE, false, credits).apiKey());
    }
}
