package dev.kineto.server;

import dev.kineto.modes.Guides;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** Where videos, thumbnails and uploaded images and clips live under the data directory; every file is written atomically. */
final class MediaFiles {
    /** Preview strips show this many frames, each scaled to this height. */
    private static final int PREVIEW_FRAMES = 4, PREVIEW_HEIGHT = 64;

    private final Path videos, images, clips;

    MediaFiles(Path dataDir) {
        videos = dataDir.resolve("videos");
        images = dataDir.resolve("images");
        clips = dataDir.resolve("clips");
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

    /** An uploaded clip, kept as sent in its format (the extension tells the decoder which); a missing one's first name. */
    Path clip(String clipId) {
        return Uploads.CLIP_TYPES.values().stream().map(ext -> clips.resolve(clipId + "." + ext)).filter(Files::exists).findFirst()
                .orElse(clips.resolve(clipId + ".mp4"));
    }

    /**
     * Stores an uploaded clip once check has read it from the file (it throws on a clip it refuses, and then no file
     * is left); returns what check returned.
     */
    <T> T saveClip(String clipId, String extension, byte[] bytes, ClipCheck<T> check) throws IOException {
        var checked = new AtomicReference<T>();
        AtomicFiles.write(clips.resolve(clipId + "." + extension), tmp -> {
            Files.write(tmp, bytes);
            checked.set(check.read(tmp));
        });
        return checked.get();
    }

    @FunctionalInterface
    interface ClipCheck<T> {
        T read(Path file) throws IOException;
    }

    /**
     * The video a restyle re-renders at width×height and fps, cut to whole 4k+1 frames: an uploaded clip or a made
     * video, by id. Throws IllegalArgumentException for one too long or too short.
     */
    Clip restyleSource(String id, int width, int height, double fps) throws IOException {
        Path file = Clips.isClipId(id) ? clip(id) : video(id);
        return Guides.source(Guides.readSource(file, width, height), fps);
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
        for (Path dir : new Path[] {videos, images, clips}) {
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
