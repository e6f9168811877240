package dev.kineto.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * Frames a generated video must show, by frame index, as RGB bytes at the video's size: frame 0 for image-to-video, the
 * first and the last for a transition, the first few for an extension. The model draws the others around them.
 */
public record Keyframes(Map<Integer, byte[]> frames) {
    public static final Keyframes NONE = new Keyframes(Map.of());

    /** How many of a window's last frames the next window of a long video or an extension starts from. */
    public static final int EXTENSION_CONTEXT = 4;

    public Keyframes {
        frames = Map.copyOf(new TreeMap<>(frames));
    }

    /** The first frame alone. */
    public static Keyframes first(byte[] rgb) {
        return new Keyframes(Map.of(0, rgb));
    }

    /** The first and the last frame of a video of frameCount frames. */
    public static Keyframes firstAndLast(byte[] first, byte[] last, int frameCount) {
        return new Keyframes(Map.of(0, first, frameCount - 1, last));
    }

    public boolean isEmpty() {
        return frames.isEmpty();
    }
}
