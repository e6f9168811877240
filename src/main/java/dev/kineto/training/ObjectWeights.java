package dev.kineto.training;

import dev.kineto.video.Clip;

/**
 * Per-latent-cell weights for the DiT's loss that make objects count. Objects cover a few per cent of a world clip,
 * so an even loss is mostly background: a model trained on it drew the asked background and blurred, off-colour
 * blobs for the objects. A cell weighs 1 + EXTRA where any pixel it stands for shows an object (differs from the
 * clip's background rendered alone), and 1 elsewhere, or everywhere when the background is not known.
 */
final class ObjectWeights {
    /** How much more an object cell weighs than a background cell, less one. */
    static final float EXTRA = 4;
    /** A pixel shows an object when a colour channel differs from the background by more than this (of 255). */
    private static final int THRESHOLD = 8;

    private ObjectWeights() {}

    /**
     * Weights [T', H', W'] in row-major order for a latent of 1 + (T − 1)/timeFactor frames of H/spaceFactor ×
     * W/spaceFactor cells. Latent frame 0 stands for frame 0 alone and frame k for frames timeFactor·(k − 1) + 1 ..
     * timeFactor·k, as in the causal VAE.
     */
    static float[] of(Example example, int timeFactor, int spaceFactor) {
        Clip clip = example.clip();
        int w = clip.width(), h = clip.height(), cw = w / spaceFactor, ch = h / spaceFactor, plane = cw * ch;
        int latentFrames = 1 + (clip.frameCount() - 1) / timeFactor;
        float[] weights = new float[latentFrames * plane];
        java.util.Arrays.fill(weights, 1);
        if (example.background() == null) return weights;
        for (int f = 0; f < clip.frameCount(); f++) {
            byte[] seen = clip.frames().get(f), background = example.background().frames().get(f);
            int cell = (f + timeFactor - 1) / timeFactor * plane;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = 3 * (y * w + x);
                    if (differs(seen, background, i)) weights[cell + y / spaceFactor * cw + x / spaceFactor] = 1 + EXTRA;
                }
            }
        }
        return weights;
    }

    private static boolean differs(byte[] a, byte[] b, int i) {
        for (int c = 0; c < 3; c++) if (Math.abs((a[i + c] & 0xff) - (b[i + c] & 0xff)) > THRESHOLD) return true;
        return false;
    }
}
