package dev.kineto.world;

/** Output geometry and timing: any size, aspect ratio, frame count and frame rate. */
public record RenderSpec(int width, int height, int frames, double fps) {

    public RenderSpec {
        if (width < 8 || height < 8) throw new IllegalArgumentException("frame size must be at least 8x8, got " + width + "x" + height);
        if (frames < 1) throw new IllegalArgumentException("frame count must be at least 1, got " + frames);
        if (!(fps > 0) || Double.isInfinite(fps)) throw new IllegalArgumentException("fps must be positive, got " + fps);
    }

    /** Seconds from the first frame to the last. */
    public double duration() { return (frames - 1) / fps; }

    /** Time of frame i in seconds. */
    public double time(int i) { return i / fps; }
}
