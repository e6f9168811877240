package dev.kineto.video;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Writes outputs through a temporary sibling and a rename, so a failure never leaves a partial file behind. */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** The body that fills the temporary path; it may throw anything, and then the target is untouched. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path temporary) throws Exception;
    }

    /** Runs the writer on a temporary file beside target (same extension, so format detection still works), then renames it into place. */
    public static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        String name = absolute.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String suffix = dot > 0 ? name.substring(dot) : ".tmp";
        Path temporary = Files.createTempFile(dir, "." + (dot > 0 ? name.substring(0, dot) : name) + ".partial-", suffix);
        try {
            writer.writeTo(temporary);
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        } catch (Exception e) {
            Files.deleteIfExists(temporary);
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Writes bytes atomically. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, tmp -> Files.write(tmp, bytes));
    }

    /** Like write, for a folder: filled as a temporary sibling folder, then renamed into place, replacing what was there. */
    public static void writeDirectory(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        String name = absolute.getFileName().toString();
        Path temporary = Files.createTempDirectory(dir, "." + name + ".partial-");
        Path previous = dir.resolve(temporary.getFileName() + ".old");
        try {
            writer.writeTo(temporary);
            // A folder cannot be renamed over a non-empty one, so the old one steps aside first and goes once the new one is in place.
            if (Files.exists(absolute)) Files.move(absolute, previous);
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE);
        } catch (Exception e) {
            if (Files.exists(previous) && !Files.exists(absolute)) Files.move(previous, absolute);
            deleteTree(temporary);
            if (e instanceof RuntimeException r) throw r;
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        deleteTree(previous);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
