package dev.kineto.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.swscale.SWS_ACCURATE_RND;
import static org.bytedeco.ffmpeg.global.swscale.SWS_AREA;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Reads and writes videos through FFmpeg: MP4 (H.264), GIF and folders of numbered PNG frames; also reads mov, webm
 * and mkv. Outputs are written atomically; bad inputs fail with a {@link VideoFileException} that names the file.
 */
public final class VideoFiles {
    /** The frame rate of inputs that carry none: PNG-frame folders and still images. */
    public static final double DEFAULT_FPS = 24;
    /** File names of the frames in a PNG-frame folder, numbered from 0. */
    public static final String FRAME_PATTERN = "frame_%05d.png";
    /** H.264 bit rate budget in bits per pixel per frame; a ceiling, the quantiser limit below decides the quality. */
    static final double BITS_PER_PIXEL = 2.0;
    /**
     * Highest H.264 quantiser: near-lossless, since clips are small and become training data. The 4:2:0 chroma
     * subsampling, not the codec, then limits fidelity (measured: 36 dB at 64x64, 40 dB at 256x256 on flat scenes).
     */
    static final int MAX_QUANTISER = 10;

    /** FFmpeg demuxers forced by extension, so a mislabelled file fails clearly instead of being guessed as something else. */
    private static final Map<String, String> DEMUXERS = Map.of(
            "mp4", "mov", "mov", "mov", "m4v", "mov", "webm", "matroska", "mkv", "matroska", "gif", "gif",
            "png", "image2", "jpg", "image2", "jpeg", "image2", "webp", "image2");

    static {
        // Bad inputs become VideoFileExceptions; FFmpeg's own log lines would only clutter the CLI's output.
        avutil.av_log_set_level(avutil.AV_LOG_FATAL);
    }

    private VideoFiles() {}

    /** Writes a clip by the path's extension: .mp4 (H.264, yuv420p, faststart), .gif, or no extension for a PNG-frame folder. */
    public static void write(Clip clip, Path out) throws IOException {
        switch (extension(out)) {
            case "mp4" -> writeMp4(clip, out);
            case "gif" -> writeGif(clip, out);
            case "" -> writeFrames(clip, out);
            default -> throw new VideoFileException(out, "cannot write '." + extension(out)
                    + "' files; use .mp4, .gif, or a folder name without an extension for PNG frames");
        }
    }

    /** Every frame of a video (mp4, mov, webm, mkv, gif) or PNG-frame folder, at its native size. */
    public static Clip read(Path in) throws IOException {
        return decode(in, 0, 0, 0);
    }

    /** The first maxFrames frames (0 for all) at native size. */
    public static Clip read(Path in, int maxFrames) throws IOException {
        return decode(in, 0, 0, maxFrames);
    }

    /** At most maxFrames frames (0 for all), scaled to cover width×height and cropped about the centre. */
    public static Clip read(Path in, int width, int height, int maxFrames) throws IOException {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
        return decode(in, width, height, maxFrames);
    }

    private static void writeMp4(Clip clip, Path out) throws IOException {
        int w = clip.width(), h = clip.height();
        if (w % 2 != 0 || h % 2 != 0) {
            throw new VideoFileException(out, "MP4 (H.264, yuv420p) needs an even width and height, got " + w + "x" + h
                    + "; crop or resize the clip to even numbers");
        }
        AtomicFiles.write(out, temporary -> {
            try (var recorder = new FFmpegFrameRecorder(temporary.toFile(), w, h, 0)) {
                recorder.setFormat("mp4");
                recorder.setVideoCodec(AV_CODEC_ID_H264);
                recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
                recorder.setFrameRate(clip.fps());
                recorder.setVideoBitrate((int) Math.min(Integer.MAX_VALUE, BITS_PER_PIXEL * w * h * clip.fps()));
                // OpenH264 decides to skip macroblocks of predicted frames on luma alone, which leaves stale colour
                // behind moving shapes until the next keyframe; every frame a keyframe avoids it (+3 dB measured).
                recorder.setGopSize(1);
                recorder.setVideoOption("qmin", "0");
                recorder.setVideoOption("qmax", Integer.toString(MAX_QUANTISER));
                // Area averaging of chroma, with exact rounding, loses least in the RGB -> yuv420p step (measured).
                recorder.setImageScalingFlags(SWS_AREA | SWS_ACCURATE_RND);
                recorder.setOption("movflags", "+faststart");
                recorder.start();
                ByteBuffer pixels = ByteBuffer.allocateDirect(w * h * 3);
                for (byte[] frame : clip.frames()) {
                    pixels.clear().put(frame).flip();
                    recorder.recordImage(w, h, Frame.DEPTH_UBYTE, 3, w * 3, AV_PIX_FMT_RGB24, pixels);
                }
                recorder.stop();
            } catch (FrameRecorder.Exception e) {
                throw new VideoFileException(out, "H.264 encoding failed: " + e.getMessage(), e);
            }
        });
    }

    private static void writeGif(Clip clip, Path out) throws IOException {
        String delay = Integer.toString(Math.max(1, (int) Math.round(100 / clip.fps())));
        AtomicFiles.write(out, temporary -> {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
            try (ImageOutputStream stream = ImageIO.createImageOutputStream(temporary.toFile())) {
                writer.setOutput(stream);
                writer.prepareWriteSequence(null);
                for (int i = 0; i < clip.frameCount(); i++) {
                    BufferedImage image = clip.image(i);
                    IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), null);
                    String format = metadata.getNativeMetadataFormatName();
                    IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
                    IIOMetadataNode control = child(root, "GraphicControlExtension");
                    control.setAttribute("disposalMethod", "none");
                    control.setAttribute("delayTime", delay);
                    if (i == 0) loopForever(root);
                    metadata.setFromTree(format, root);
                    writer.writeToSequence(new IIOImage(image, null, metadata), null);
                }
                writer.endWriteSequence();
            } finally {
                writer.dispose();
            }
        });
    }

    /** The NETSCAPE2.0 application extension that makes browsers loop a GIF. */
    private static void loopForever(IIOMetadataNode root) {
        IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
        loop.setAttribute("applicationID", "NETSCAPE");
        loop.setAttribute("authenticationCode", "2.0");
        loop.setUserObject(new byte[] {1, 0, 0});
        child(root, "ApplicationExtensions").appendChild(loop);
    }

    private static IIOMetadataNode child(IIOMetadataNode parent, String name) {
        for (int i = 0; i < parent.getLength(); i++) {
            if (parent.item(i).getNodeName().equals(name)) return (IIOMetadataNode) parent.item(i);
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        parent.appendChild(node);
        return node;
    }

    private static void writeFrames(Clip clip, Path out) throws IOException {
        if (Files.isRegularFile(out)) throw new VideoFileException(out, "is a file; PNG frames need a folder name");
        if (Files.isDirectory(out)) {
            try (Stream<Path> files = Files.list(out)) {
                if (!files.allMatch(f -> f.getFileName().toString().matches("frame_\\d+\\.png"))) {
                    throw new VideoFileException(out, "folder holds files other than PNG frames; choose a new or empty folder");
                }
            }
        }
        AtomicFiles.writeDirectory(out, folder -> {
            for (int i = 0; i < clip.frameCount(); i++) {
                ImageIO.write(clip.image(i), "png", folder.resolve(FRAME_PATTERN.formatted(i)).toFile());
            }
        });
    }

    private static Clip decode(Path in, int width, int height, int maxFrames) throws IOException {
        if (maxFrames < 0) throw new IllegalArgumentException("maxFrames must be 0 (all) or more, got " + maxFrames);
        try (FFmpegFrameGrabber grabber = open(in)) {
            int nativeWidth = grabber.getImageWidth(), nativeHeight = grabber.getImageHeight();
            int outWidth = width > 0 ? width : nativeWidth, outHeight = height > 0 ? height : nativeHeight;
            // Scale to cover the target (FFmpeg resamples), then crop the overhang equally from both sides.
            double scale = Math.max((double) outWidth / nativeWidth, (double) outHeight / nativeHeight);
            int coverWidth = Math.max(outWidth, (int) Math.round(nativeWidth * scale));
            int coverHeight = Math.max(outHeight, (int) Math.round(nativeHeight * scale));
            grabber.setImageWidth(coverWidth);
            grabber.setImageHeight(coverHeight);
            int left = (coverWidth - outWidth) / 2, top = (coverHeight - outHeight) / 2;

            List<byte[]> frames = new ArrayList<>();
            while (maxFrames == 0 || frames.size() < maxFrames) {
                Frame frame;
                try {
                    frame = grabber.grabImage();
                } catch (FrameGrabber.Exception e) {
                    throw new VideoFileException(in, "corrupt video data after frame " + frames.size() + ": " + e.getMessage(), e);
                }
                if (frame == null) break;
                frames.add(crop(frame, left, top, outWidth, outHeight));
            }
            long declared = grabber.getFormatContext().streams(grabber.getVideoStream()).nb_frames();
            if (frames.isEmpty()) throw new VideoFileException(in, "no frame could be decoded (truncated or corrupt)");
            if (frames.size() < declared && (maxFrames == 0 || frames.size() < maxFrames)) {
                throw new VideoFileException(in, "truncated or corrupt: it declares " + declared + " frames but only "
                        + frames.size() + " could be decoded");
            }
            double fps = grabber.getFrameRate();
            return new Clip(outWidth, outHeight, fps > 0 && Double.isFinite(fps) ? fps : DEFAULT_FPS, frames);
        }
    }

    /** A started grabber that delivers RGB frames, or a clear error for missing, empty, unreadable and stream-less inputs. */
    private static FFmpegFrameGrabber open(Path in) throws IOException {
        FFmpegFrameGrabber grabber;
        if (Files.isDirectory(in)) {
            if (!Files.exists(in.resolve(FRAME_PATTERN.formatted(0)))) {
                throw new VideoFileException(in, "folder has no " + FRAME_PATTERN.formatted(0)
                        + "; a PNG-frame folder holds frame_00000.png, frame_00001.png, ...");
            }
            grabber = new FFmpegFrameGrabber(in.resolve(FRAME_PATTERN).toString());
            grabber.setFormat("image2");
            grabber.setFrameRate(DEFAULT_FPS);
        } else {
            if (!Files.exists(in)) throw new VideoFileException(in, "no such file");
            if (Files.size(in) == 0) throw new VideoFileException(in, "file is empty");
            grabber = new FFmpegFrameGrabber(in.toFile());
            String demuxer = DEMUXERS.get(extension(in));
            if (demuxer != null) grabber.setFormat(demuxer);
        }
        grabber.setPixelFormat(AV_PIX_FMT_RGB24);
        try {
            grabber.start();
        } catch (FrameGrabber.Exception e) {
            closeQuietly(grabber);
            String kind = extension(in).isEmpty() ? "a video" : "a ." + extension(in) + " file";
            throw new VideoFileException(in, "cannot be read as " + kind + " (corrupt, truncated or in another format)", e);
        }
        if (grabber.getVideoStream() < 0 || grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            closeQuietly(grabber);
            throw new VideoFileException(in, "has no video stream FFmpeg can decode (corrupt, or audio only, or in another format)");
        }
        return grabber;
    }

    private static byte[] crop(Frame frame, int left, int top, int width, int height) {
        ByteBuffer pixels = (ByteBuffer) frame.image[0];
        byte[] rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            pixels.get((top + y) * frame.imageStride + left * 3, rgb, y * width * 3, width * 3);
        }
        return rgb;
    }

    private static void closeQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception ignored) {
            // Already failing with a clearer error.
        }
    }

    /** The lower-case extension without the dot, or "" when the name has none. */
    static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }
}
