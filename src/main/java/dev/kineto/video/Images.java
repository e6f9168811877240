package dev.kineto.video;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Single still images: reference frames for image-to-video and previews. */
public final class Images {
    private Images() {}

    /** An image file (png, jpg, webp: whatever FFmpeg decodes), with the same clear errors as {@link VideoFiles#read}. */
    public static BufferedImage read(Path file) throws IOException {
        return VideoFiles.read(file, 1).image(0);
    }

    /** Writes a PNG atomically. */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        AtomicFiles.write(file, temporary -> {
            if (!ImageIO.write(image, "png", temporary.toFile())) {
                throw new VideoFileException(file, "no PNG writer for images of type " + image.getType());
            }
        });
    }
}
