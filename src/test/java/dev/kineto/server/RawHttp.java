package dev.kineto.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * HTTP/1.1 over a bare socket, for what java.net.http refuses to send: chunked bodies of any size, lying
 * Content-Lengths, control characters, odd methods. One request per connection (Connection: close).
 */
final class RawHttp {
    /** Longer than any answer should take; a request that gets no answer in this time hangs. */
    static final int TIMEOUT_MILLIS = 5_000;

    private RawHttp() {}

    /** The status (0 when the server closed without answering or did not answer in time), head and body, and how long it took. */
    record Answer(int status, String text, long millis, boolean timedOut) {
        @Override
        public String toString() {
            return status + (timedOut ? " (timed out)" : "") + " after " + millis + " ms: " + text.substring(0, Math.min(300, text.length()));
        }
    }

    /** Sends head (request line and headers, CRLF-separated, no final blank line) and the body bytes, then reads the answer. */
    static Answer send(int port, String head, byte[] body) {
        return exchange(port, head, out -> {
            try {
                out.write(body);
            } catch (IOException e) {
                // the server answered and closed before reading everything: the answer is still read below
            }
        });
    }

    /** Sends head with Transfer-Encoding: chunked and up to bytes of zeros in 64 KB chunks, stopping when the server stops reading. */
    static Answer chunked(int port, String head, long bytes) {
        return exchange(port, head + "\r\nTransfer-Encoding: chunked", out -> {
            byte[] chunk = new byte[64 << 10];
            try {
                for (long sent = 0; sent < bytes; sent += chunk.length) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the server stopped reading (it answered 413 and closed): what it answered is read below
            }
        });
    }

    private static Answer exchange(int port, String head, Consumer<OutputStream> body) {
        long start = System.nanoTime();
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            // The body goes from its own thread, so an answer that comes before the body is all sent is read at once.
            Thread writer = Thread.ofVirtual().start(() -> {
                body.accept(out);
                try {
                    out.flush();
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // closed by the server
                }
            });
            String text = read(socket.getInputStream());
            writer.interrupt();
            int status = text.startsWith("HTTP/1.1 ") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : 0;
            return new Answer(status, text, (System.nanoTime() - start) / 1_000_000, false);
        } catch (SocketTimeoutException e) {
            return new Answer(0, "", (System.nanoTime() - start) / 1_000_000, true);
        } catch (IOException e) {
            return new Answer(0, e.toString(), (System.nanoTime() - start) / 1_000_000, false);
        }
    }

    /** Everything until the server closes (or resets) the connection. */
    private static String read(InputStream in) throws IOException {
        var text = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) text.write(buffer, 0, n);
        } catch (SocketTimeoutException e) {
            if (text.size() == 0) throw e;
        } catch (IOException e) {
            if (text.size() == 0) throw e; // a reset after the answer arrived keeps the answer
        }
        return text.toString(StandardCharsets.ISO_8859_1);
    }
}
