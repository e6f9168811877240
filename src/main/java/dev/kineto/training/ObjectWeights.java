package dev.kineto.training;

import dev.kineto.video.Clip;

/**
 * Per-latent-cell weights for the DiT's loss (and per-pixel ones for the VAE's) that make objects count. Objects cover a few per cent of a world clip,
 * so an even loss is mostly background: a model trained on it drew the asked background and blurred, off-colour
 * blobs for the objects. A cell weighs 1 + EXTRA where any pixel it stands for shows an object (differs from the
 * clip's background rendered alone), and 1 elsewhere, or everywhere when the background is not known.
 */
final class ObjectWeights {
    /** How much more an object cell weighs than a background cell, less one. */
    static final float EXTRA = 4;
    /** A pixel shows an object when a colour channel differs from the background by more than this (of 255). */
    private static final int THRESHOLD = 8;
    /**
     * How far past an object's edge the VAE's pixel weights reach. Without it an object-weighted VAE drew objects
     * ~20 % too large (a missed object pixel cost 5x, a painted-over background pixel 1x); with 2 pixels its sizes
     * are right (measured, docs/model.md).
     */
    static final int VAE_DILATION = 2;

    private ObjectWeights() {}

    /**
     * Weights [T', H', W'] in row-major order for a latent of 1 + (T − 1)/timeFactor frames of H/spaceFactor ×
     * W/spaceFactor cells. Latent frame 0 stands for frame 0 alone and frame k for frames timeFactor·(k − 1) + 1 ..
     * timeFactor·k, as in the causal VAE.
     */
    static float[] of(Example example, int timeFactor, int spaceFactor) {
        Clip clip = example.clip();
        int w = clip.width(), h = clip.height(), cw = w / spaceFactor, ch = h / spaceFactor, plane = cw * ch;
        int latentFrames = latentFrame(clip.frameCount() - 1, timeFactor) + 1;
        float[] weights = new float[latentFrames * plane];
        java.util.Arrays.fill(weights, 1);
        if (example.background() == null) return weights;
        forEachObjectPixel(clip, example.background(),
                (f, x, y) -> weights[latentFrame(f, timeFactor) * plane + y / spaceFactor * cw + x / spaceFactor] = 1 + EXTRA);
        return weights;
    }

    /**
     * Weights [T, H, W] in row-major order for the VAE's reconstruction error: 1 + EXTRA within dilation pixels of
     * an object pixel of the same frame, 1 elsewhere, or everywhere when the background is not known.
     */
    static float[] pixels(Example example, int dilation) {
        Clip clip = example.clip();
        int w = clip.width(), h = clip.height(), plane = w * h;
        float[] weights = new float[clip.frameCount() * plane];
        java.util.Arrays.fill(weights, 1);
        if (example.background() == null) return weights;
        forEachObjectPixel(clip, example.background(), (f, x, y) -> {
            for (int yy = Math.max(0, y - dilation); yy <= Math.min(h - 1, y + dilation); yy++) {
                for (int xx = Math.max(0, x - dilation); xx <= Math.min(w - 1, x + dilation); xx++) weights[f * plane + yy * w + xx] = 1 + EXTRA;
            }
        });
        return weights;
    }

    /**
     * Coverage [T, H, W] in row-major order: 1 where the clip shows an object (differs from its background), 0 elsewhere;
     * all 0 when the background is not known. It is the matte a compositing output's coverage is trained to draw.
     */
    static float[] coverage(Example example) {
        Clip clip = example.clip();
        int w = clip.width(), plane = w * clip.height();
        float[] covered = new float[clip.frameCount() * plane];
        if (example.background() != null) forEachObjectPixel(clip, example.background(), (f, x, y) -> covered[f * plane + y * w + x] = 1);
        return covered;
    }

    /** An object labels a token when it shows on at least this many of the token's pixels a frame, on average. */
    private static final int LABEL_PIXELS = 6;

    /**
     * The shape and size class [2][T'·H'·W'] of the object most shown in each DiT token (tokenPixels × tokenPixels
     * pixels of a latent frame's frames), −1 where none is, and −1 everywhere when the objects are not known.
     */
    static int[][] tokenLabels(Example example, int timeFactor, int tokenPixels) {
        Clip clip = example.clip();
        int tw = clip.width() / tokenPixels, th = clip.height() / tokenPixels, plane = tw * th;
        int latentFrames = latentFrame(clip.frameCount() - 1, timeFactor) + 1;
        int[][] labels = new int[2][latentFrames * plane];
        java.util.Arrays.fill(labels[0], -1);
        java.util.Arrays.fill(labels[1], -1);
        if (example.background() == null) return labels;
        float[] best = new float[latentFrames * plane];
        for (Example.Shown object : example.objects()) {
            float[] shown = new float[latentFrames * plane];
            forEachObjectPixel(object.alone(), example.background(), (f, x, y) -> {
                int lf = latentFrame(f, timeFactor);
                if (x < tw * tokenPixels && y < th * tokenPixels) shown[lf * plane + y / tokenPixels * tw + x / tokenPixels] += lf == 0 ? 1f : 1f / timeFactor;
            });
            for (int i = 0; i < shown.length; i++) {
                if (shown[i] >= LABEL_PIXELS && shown[i] > best[i]) {
                    best[i] = shown[i];
                    labels[0][i] = object.shape();
                    labels[1][i] = object.size();
                }
            }
        }
        return labels;
    }

    /** A pixel (x, y) of frame f where the clip shows an object. */
    private interface ObjectPixel {
        void at(int f, int x, int y);
    }

    /** The box {minX, minY, maxX, maxY} of what an object rendered alone shows in frame 0 over the background, or null. */
    static int[] firstFrameBox(Clip alone, Clip background) {
        int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
        forEachObjectPixel(alone, background, (f, x, y) -> {
            if (f != 0) return;
            box[0] = Math.min(box[0], x);
            box[1] = Math.min(box[1], y);
            box[2] = Math.max(box[2], x);
            box[3] = Math.max(box[3], y);
        });
        return box[2] < 0 ? null : box;
    }

    /** The commonest colour {r, g, b} of what an object rendered alone shows in frame 0 (its fill; edges are blended), or null. */
    static int[] firstFrameColour(Clip alone, Clip background) {
        java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
        byte[] frame = alone.frames().getFirst();
        forEachObjectPixel(alone, background, (f, x, y) -> {
            if (f != 0) return;
            int i = 3 * (y * alone.width() + x);
            counts.merge((frame[i] & 0xff) << 16 | (frame[i + 1] & 0xff) << 8 | frame[i + 2] & 0xff, 1, Integer::sum);
        });
        return counts.entrySet().stream().max(java.util.Map.Entry.comparingByValue())
                .map(e -> new int[] {e.getKey() >> 16, e.getKey() >> 8 & 0xff, e.getKey() & 0xff}).orElse(null);
    }

    /** Visits every pixel where seen differs from background, frame by frame, row by row. */
    private static void forEachObjectPixel(Clip seen, Clip background, ObjectPixel visit) {
        int w = seen.width(), h = seen.height();
        for (int f = 0; f < seen.frameCount(); f++) {
            byte[] a = seen.frames().get(f), b = background.frames().get(f);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) if (differs(a, b, 3 * (y * w + x))) visit.at(f, x, y);
            }
        }
    }

    /** The latent frame that stands for frame f: frame 0 alone, then timeFactor frames each (the causal VAE's grouping). */
    private static int latentFrame(int f, int timeFactor) {
        return (f + timeFactor - 1) / timeFactor;
    }

    private static boolean differs(byte[] a, byte[] b, int i) {
        for (int c = 0; c < 3; c++) if (Math.abs((a[i + c] & 0xff) - (b[i + c] & 0xff)) > THRESHOLD) return true;
        return false;
    }
}
