package dev.kineto.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.kineto.video.Clip;
import java.util.ArrayList;
import java.util.List;

/** Clips ↔ video tensors [B, 3, T, H, W] with values in [-1, 1]. */
public final class VideoTensors {
    private VideoTensors() {}

    /** Clips of one size and frame count as a batch tensor. */
    public static NDArray of(NDManager manager, List<Clip> clips) {
        Clip first = clips.getFirst();
        int t = first.frameCount(), h = first.height(), w = first.width(), plane = h * w;
        float[] values = new float[clips.size() * 3 * t * plane];
        for (int b = 0; b < clips.size(); b++) {
            Clip clip = clips.get(b);
            if (clip.width() != w || clip.height() != h || clip.frameCount() != t) {
                throw new IllegalArgumentException("clips in a batch must share size and frame count: " + w + "x" + h + "x" + t
                        + " vs " + clip.width() + "x" + clip.height() + "x" + clip.frameCount());
            }
            for (int f = 0; f < t; f++) {
                byte[] rgb = clip.frames().get(f);
                for (int c = 0; c < 3; c++) {
                    int base = ((b * 3 + c) * t + f) * plane;
                    for (int p = 0; p < plane; p++) values[base + p] = (rgb[3 * p + c] & 0xff) / 127.5f - 1;
                }
            }
        }
        return manager.create(values, new Shape(clips.size(), 3, t, h, w));
    }

    /** A batch tensor as clips (values clamped to [-1, 1]). */
    public static List<Clip> toClips(NDArray video, double fps) {
        Shape s = video.getShape();
        int b = (int) s.get(0), t = (int) s.get(2), h = (int) s.get(3), w = (int) s.get(4), plane = h * w;
        float[] values = video.toFloatArray();
        List<Clip> clips = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            List<byte[]> frames = new ArrayList<>(t);
            for (int f = 0; f < t; f++) {
                byte[] rgb = new byte[3 * plane];
                for (int c = 0; c < 3; c++) {
                    int base = ((i * 3 + c) * t + f) * plane;
                    for (int p = 0; p < plane; p++) {
                        float v = Math.clamp(values[base + p], -1f, 1f);
                        rgb[3 * p + c] = (byte) Math.round((v + 1) * 127.5f);
                    }
                }
                frames.add(rgb);
            }
            clips.add(new Clip(w, h, fps, frames));
        }
        return clips;
    }
}
