package dev.kineto.video;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayList;
import java.util.List;

/** A video held in memory: frames of packed 8-bit RGB (row-major, 3 bytes a pixel), all one size, played at fps. */
public record Clip(int width, int height, double fps, List<byte[]> frames) {

    public Clip {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("clip size must be positive, got " + width + "x" + height);
        if (!(fps > 0)) throw new IllegalArgumentException("fps must be positive, got " + fps);
        if (frames.isEmpty()) throw new IllegalArgumentException("a clip needs at least one frame");
        for (byte[] f : frames) {
            if (f.length != width * height * 3) {
                throw new IllegalArgumentException("frame holds " + f.length + " bytes, expected " + (width * height * 3) + " for " + width + "x" + height + " RGB");
            }
        }
        frames = List.copyOf(frames);
    }

    public int frameCount() { return frames.size(); }

    public double seconds() { return frames.size() / fps; }

    /** Frame i alone, as a one-frame clip at this clip's size and fps. */
    public Clip frame(int i) {
        return new Clip(width, height, fps, List.of(frames.get(i)));
    }

    /** The same clip played at another frame rate, keeping its duration: each new frame is the one showing at its time. */
    public Clip atFps(double newFps) {
        if (!(newFps > 0)) throw new IllegalArgumentException("fps must be positive, got " + newFps);
        int count = Math.max(1, (int) Math.round(frames.size() * newFps / fps));
        List<byte[]> picked = new ArrayList<>(count);
        for (int i = 0; i < count; i++) picked.add(frames.get(Math.min(frames.size() - 1, (int) (i * fps / newFps + 1e-9))));
        return new Clip(width, height, newFps, picked);
    }

    /** Channel c (0 red, 1 green, 2 blue) of pixel (x, y) in frame i, 0..255. */
    public int sample(int i, int x, int y, int c) {
        return frames.get(i)[(y * width + x) * 3 + c] & 0xff;
    }

    /** Frame i as a Java2D image (TYPE_3BYTE_BGR, the layout FFmpeg converters use). */
    public BufferedImage image(int i) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        byte[] rgb = frames.get(i);
        for (int p = 0; p < rgb.length; p += 3) {
            bgr[p] = rgb[p + 2];
            bgr[p + 1] = rgb[p + 1];
            bgr[p + 2] = rgb[p];
        }
        return img;
    }

    /** Packed RGB bytes of any Java2D image. */
    public static byte[] rgb(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        byte[] out = new byte[w * h * 3];
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            for (int p = 0; p < out.length; p += 3) {
                out[p] = bgr[p + 2];
                out[p + 1] = bgr[p + 1];
                out[p + 2] = bgr[p];
            }
            return out;
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            out[3 * i] = (byte) (argb[i] >> 16);
            out[3 * i + 1] = (byte) (argb[i] >> 8);
            out[3 * i + 2] = (byte) argb[i];
        }
        return out;
    }
}
