package dev.kineto.server;

import dev.kineto.video.AtomicFiles;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFiles;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** Where videos, thumbnails and uploaded images live under the data directory; every file is written atomically. */
final class MediaFiles {
    /** Preview strips show this many frames, each scaled to this height. */
    private static final int PREVIEW_FRAMES = 4, PREVIEW_HEIGHT = 64;

    private final Path videos, images;

    MediaFiles(Path dataDir) {
        videos = dataDir.resolve("videos");
        images = dataDir.resolve("images");
    }

    Path video(String jobId) {
        return videos.resolve(jobId + ".mp4");
    }

    Path thumbnail(String jobId) {
        return videos.resolve(jobId + ".png");
    }

    Path image(String imageId) {
        return images.resolve(imageId + ".png");
    }

    /** Writes the MP4 and its thumbnail (the first frame); a crash leaves either a whole file or none. */
    void saveVideo(String jobId, Clip clip) throws IOException {
        AtomicFiles.write(thumbnail(jobId), tmp -> ImageIO.write(clip.image(0), "png", tmp.toFile()));
        VideoFiles.write(clip, video(jobId));
    }

    void saveImage(String imageId, BufferedImage image) throws IOException {
        AtomicFiles.write(image(imageId), tmp -> ImageIO.write(image, "png", tmp.toFile()));
    }

    /**
     * Removes the temporary files of writes a killed process left (AtomicFiles names them ".NAME.partial-…"): no
     * output is ever read from one, and each is as large as the file it was becoming.
     */
    void sweepPartials() {
        for (Path dir : new Path[] {videos, images}) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith(".") && f.getFileName().toString().contains(".partial-")).toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clean up " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    void deleteVideo(String jobId) throws IOException {
        Files.deleteIfExists(video(jobId));
        Files.deleteIfExists(thumbnail(jobId));
    }

    /** A strip of evenly spaced frames, scaled to a small height, as a PNG data URL for live previews. */
    static String previewDataUrl(Clip clip) {
        int count = Math.min(PREVIEW_FRAMES, clip.frameCount());
        int h = PREVIEW_HEIGHT, w = Math.max(1, Math.round((float) clip.width() * h / clip.height()));
        BufferedImage strip = new BufferedImage(w * count, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = strip.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        for (int i = 0; i < count; i++) {
            int frame = count == 1 ? 0 : i * (clip.frameCount() - 1) / (count - 1);
            g.drawImage(clip.image(frame), i * w, 0, w, h, null);
        }
        g.dispose();
        var png = new ByteArrayOutputStream();
        try {
            ImageIO.write(strip, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }
}
