package dev.kineto.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's event stream read over a bare socket, as a browser's EventSource reads it: HTTP/1.0 (so the body is the
 * stream as sent, unchunked), an optional Last-Event-ID, and each event's id, name and data.
 */
final class SseStream implements AutoCloseable {
    /** One event as read off the wire. */
    record Event(String id, String name, JsonNode data) {}

    final int status;
    private final Socket socket;
    private final BufferedReader in;

    SseStream(int port, String videoId, String key, String lastEventId) throws IOException {
        socket = new Socket("localhost", port);
        socket.setSoTimeout(30_000);
        String head = "GET /v1/videos/" + videoId + "/events HTTP/1.0\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + key + "\r\n"
                + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        status = Integer.parseInt(in.readLine().split(" ")[1]);
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            // the headers
        }
    }

    /** The next event, or null when the stream ended. */
    Event next() throws IOException {
        String id = null, name = null;
        StringBuilder data = new StringBuilder();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isEmpty()) {
                if (data.isEmpty()) continue; // a comment (keep-alive) or a stray blank line
                return new Event(id, name, ApiClient.JSON.readTree(data.toString()));
            }
            if (line.startsWith("id:")) id = line.substring(3).strip();
            if (line.startsWith("event:")) name = line.substring(6).strip();
            if (line.startsWith("data:")) data.append(line.substring(5).strip());
        }
        return null;
    }

    /** Events until the stream ends. */
    List<Event> rest() throws IOException {
        List<Event> events = new ArrayList<>();
        for (Event e = next(); e != null; e = next()) events.add(e);
        return events;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
