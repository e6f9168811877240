package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server writes one access-log line a request, with its method, path, status and time, through SLF4J. */
class AccessLogTest {
    @Test
    void everyRequestGetsOneLine(@TempDir Path data) throws Exception {
        String file = System.getProperty("org.slf4j.simpleLogger.logFile");
        assertNotNull(file, "the build sends the tests' log to a file (surefire's org.slf4j.simpleLogger.logFile)");
        String missing = "/v1/videos/" + UUID.randomUUID();
        try (var server = KinetoServer.start(TinyModel.serverConfig(data), TinyModel.generator())) {
            var api = new ApiClient("http://localhost:" + server.port(), server.store().accounts().createUser("logged", User.FREE, false, 0).apiKey());
            assertEquals(404, api.get(missing).status());
            assertEquals(200, api.get("/health").status());
        }
        var lines = Files.readAllLines(Path.of(file)).stream().filter(l -> l.contains(missing)).toList();
        assertEquals(1, lines.size(), "one line for the one request: " + lines);
        assertTrue(lines.getFirst().matches(".* INFO access - \\S+ \"GET " + missing + "\" 404 \\d+ ms"), lines.getFirst());
    }
}
