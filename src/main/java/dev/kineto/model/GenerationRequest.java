package dev.kineto.model;

/**
 * One text-to-video request: the prompt and the knobs every video product exposes.
 * Frame counts are 4k+1, because the causal VAE encodes the first frame on its own and then 4 frames per latent step.
 */
public record GenerationRequest(String prompt, String negativePrompt, int width, int height, int frames,
                                double fps, int steps, double cfg, long seed) {

    /**
     * The guidance scale when none is asked for. On the shipped model the world-v1 suite passed 580 and 583 of 845
     * checks at 2.5 against 566 and 567 at 4.5 (its two seed sets; 2, 3 and 6 passed fewer, docs/model.md). Changing it
     * changes every video made without an explicit cfg.
     */
    public static final double DEFAULT_CFG = 2.5;

    /** The sampling steps when none are asked for (24 and 32 steps did not pass more checks on both seed sets, docs/model.md). */
    public static final int DEFAULT_STEPS = 16;

    public GenerationRequest {
        if (prompt == null || prompt.isBlank()) throw new IllegalArgumentException("prompt is empty: describe the video to generate");
        if (negativePrompt == null) negativePrompt = "";
        if (width < 8 || height < 8 || width % 8 != 0 || height % 8 != 0) {
            throw new IllegalArgumentException("size must be multiples of 8 and at least 8x8, got " + width + "x" + height);
        }
        if (frames < 1 || (frames - 1) % 4 != 0) throw new IllegalArgumentException("frames must be 4k+1 (1, 5, 9, 17, 33, ...), got " + frames);
        if (!(fps > 0 && fps <= 120)) throw new IllegalArgumentException("fps must be in (0, 120], got " + fps);
        if (steps < 1 || steps > 200) throw new IllegalArgumentException("steps must be 1..200, got " + steps);
        if (!(cfg >= 0 && cfg <= 30)) throw new IllegalArgumentException("cfg must be 0..30, got " + cfg);
    }

    /** The 4k+1 frame count closest to seconds × fps (at least 1). */
    public static int framesFor(double seconds, double fps) {
        if (!(seconds > 0)) throw new IllegalArgumentException("seconds must be positive, got " + seconds);
        long k = Math.round((seconds * fps - 1) / 4.0);
        return (int) (4 * Math.max(0, k) + 1);
    }

    /** Same request with another seed (the server fills in a random seed when the user gives none). */
    public GenerationRequest withSeed(long newSeed) {
        return new GenerationRequest(prompt, negativePrompt, width, height, frames, fps, steps, cfg, newSeed);
    }
}
