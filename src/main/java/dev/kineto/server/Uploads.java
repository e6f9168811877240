package dev.kineto.server;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.eclipse.jetty.server.MultiPartFormInputStream;

/**
 * Uploaded images and clips: the file out of a multipart form; an image's pixels, decoded only once its header's size
 * is allowed; a clip's format.
 */
final class Uploads {
    static final int MIN_SIDE = 16, MAX_SIDE = 4096;
    /** The image formats taken, by Content-Type, and the name users know them by. */
    static final Map<String, String> TYPES = Map.of("image/png", "PNG", "image/jpeg", "JPEG");
    /** The clip formats taken, by Content-Type, and the extension the decoder knows them by. */
    static final Map<String, String> CLIP_TYPES = Map.of("video/mp4", "mp4", "video/quicktime", "mov", "video/webm", "webm", "image/gif", "gif");
    /**
     * The most bytes a clip may have: a restyle takes at most modes.Guides.MAX_SOURCE_SECONDS of video, which at a
     * camera's bit rate for 1080p is well under this.
     */
    static final long MAX_CLIP_BYTES = 32L << 20;
    /** A form with the image and little else: more parts than this is not an upload from the studio or a script. */
    private static final int MAX_PARTS = 8;

    private Uploads() {}

    /** An upload's declared Content-Type and its bytes. */
    record Upload(String contentType, byte[] bytes) {}

    /** The field of a multipart/form-data body (already read, within the upload limit), or a 400 that says what is wrong. */
    static Upload multipartFile(byte[] body, String contentType, String field) {
        String boundary = contentType.replaceAll("(?i).*;\\s*boundary=\"?([^\";]*)\"?.*", "$1");
        if (boundary.equals(contentType) || boundary.isBlank()) {
            throw ApiError.invalid("invalid_multipart", "a multipart/form-data body needs a boundary in its Content-Type, e.g. 'multipart/form-data; boundary=X'");
        }
        // Kept in memory (the threshold is the whole body), so a bad form leaves no temporary files.
        var config = new MultipartConfigElement(null, body.length, body.length, body.length + 1);
        var form = new MultiPartFormInputStream(new ByteArrayInputStream(body), contentType, config, null, MAX_PARTS);
        try {
            Part part = form.getPart(field);
            if (part == null) throw ApiError.invalid("missing_field", "send the file in the multipart field \"" + field + "\"");
            try (InputStream in = part.getInputStream()) {
                return new Upload(part.getContentType() == null ? "" : part.getContentType(), in.readAllBytes());
            }
        } catch (IOException | IllegalStateException e) {
            throw ApiError.invalid("invalid_multipart", "the multipart form cannot be read (" + e.getMessage() + "); check its boundary and parts");
        } finally {
            form.deleteParts();
        }
    }

    /** The extension a clip of the upload's Content-Type is stored under, or a 415 that lists the formats taken. */
    static String clipExtension(Upload upload) {
        String type = upload.contentType().split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
        String extension = CLIP_TYPES.get(type);
        if (extension == null) {
            throw new ApiError(415, "unsupported_clip", "send an mp4, mov, webm or gif clip (Content-Type video/mp4, video/quicktime, video/webm or image/gif), got '" + type + "'");
        }
        return extension;
    }

    /**
     * The upload's pixels. The reader for the declared type reads the header first, and an image whose sides are out
     * of bounds is refused before its pixels are decoded (a small compressed file can hold a huge image).
     */
    static BufferedImage image(Upload upload) {
        String type = upload.contentType().split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
        String name = TYPES.get(type);
        if (name == null) throw new ApiError(415, "unsupported_image", "send a PNG or JPEG image (Content-Type image/png or image/jpeg), got '" + type + "'");
        Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(type);
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(upload.bytes()))) {
            reader.setInput(in, true, true);
            int w = reader.getWidth(0), h = reader.getHeight(0);
            if (Math.min(w, h) < MIN_SIDE || Math.max(w, h) > MAX_SIDE) {
                throw ApiError.invalid("invalid_image_size", "image sides must be " + MIN_SIDE + " to " + MAX_SIDE + " pixels, got " + w + "x" + h);
            }
            return reader.read(0);
        } catch (ApiError e) {
            throw e;
        } catch (IOException | RuntimeException e) { // ImageIO's decoders throw runtime exceptions on some damaged files
            throw new ApiError(415, "unsupported_image", "the bytes are not a readable " + name + " image (" + e.getMessage() + "); send the whole file");
        } finally {
            reader.dispose();
        }
    }
}
