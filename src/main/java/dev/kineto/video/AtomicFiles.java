package dev.kineto.video;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
}
