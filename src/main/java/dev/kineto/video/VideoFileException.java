package dev.kineto.video;

import java.io.IOException;
import java.nio.file.Path;

/** A video or image file that cannot be read or written; the message names the file and says what is wrong. */
public final class VideoFileException extends IOException {

    public VideoFileException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public VideoFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
