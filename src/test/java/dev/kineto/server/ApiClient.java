package dev.kineto.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A small HTTP client for tests: JSON in, status + parsed JSON (or bytes) out, as one user (or nobody). */
record ApiClient(String base, String key) {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    record Response(int status, byte[] bytes, HttpHeaders headers) {
        JsonNode json() {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + new String(bytes), e);
            }
        }

        String code() {
            return json().path("error").path("code").asText();
        }

        @Override
        public String toString() {
            return status + " " + new String(bytes);
        }
    }

    /** One Server-Sent Event. */
    record Event(String name, JsonNode data) {}

    ApiClient as(String otherKey) {
        return new ApiClient(base, otherKey);
    }

    Response get(String path, String... headers) {
        return send(request(path, headers).GET());
    }

    Response post(String path, String json, String... headers) {
        return send(request(path, headers).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response post(String path, Map<String, ?> body, String... headers) {
        try {
            return post(path, JSON.writeValueAsString(body), headers);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    Response postBytes(String path, String contentType, byte[] body) {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Response delete(String path, String... headers) {
        return send(request(path, headers).DELETE());
    }

    /** Reads the job's event stream until its "done" event (or the stream ends). */
    List<Event> events(String videoId) throws IOException, InterruptedException {
        HttpResponse<Stream<String>> response = HTTP.send(request("/v1/videos/" + videoId + "/events", "Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        List<Event> events = new ArrayList<>();
        String name = null;
        for (String line : (Iterable<String>) response.body()::iterator) {
            if (line.startsWith("event:")) name = line.substring(6).strip();
            if (line.startsWith("data:")) {
                events.add(new Event(name, JSON.readTree(line.substring(5).strip())));
                if ("done".equals(name)) break;
            }
        }
        response.body().close();
        return events;
    }

    private HttpRequest.Builder request(String path, String... headers) {
        var builder = HttpRequest.newBuilder(URI.create(base + path));
        if (key != null) builder.header("Authorization", "Bearer " + key);
        for (int i = 0; i < headers.length; i += 2) builder.header(headers[i], headers[i + 1]);
        return builder;
    }

    private static Response send(HttpRequest.Builder request) {
        try {
            var r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
