package dev.kineto.video;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** Single still images: reference frames for image-to-video and previews. */
public final class Images {
    private Images() {}

    /** An image file (png, jpg, webp: whatever FFmpeg decodes), with the same clear errors as {@link VideoFiles#read}. */
    public static BufferedImage read(Path file) throws IOException {
        return VideoFiles.read(file, 1).image(0);
    }
}
