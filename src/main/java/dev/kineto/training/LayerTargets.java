package dev.kineto.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.kineto.model.Layout;
import dev.kineto.video.Clip;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a layered model's two DiTs learn to draw from a world clip: its backdrop (the background alone, as the camera
 * starts) and, for an object on a frame, its matte: how much of each pixel the object covers, white on black, whatever
 * its colour. Both are lone frames; the plan says where each object is and what colour fills its matte.
 */
final class LayerTargets {
    /** Below this difference from the background (of 255, the largest channel's) an object's colour is too close to tell its coverage from. */
    private static final int DISTINCT = 24;

    private LayerTargets() {}

    /** The examples' backdrops [B, 3, 1, H, W] in −1..1: frame 0 of each background. */
    static NDArray backdrops(NDManager m, List<Example> examples) {
        List<Clip> frames = examples.stream().map(e -> e.background().frame(0)).toList();
        return dev.kineto.model.VideoTensors.of(m, frames);
    }

    /** The examples' planned backgrounds [B, tokens, Layout.BACKDROP_FEATURES]. */
    static NDArray backdropPlans(NDManager m, List<Example> examples, int tokenPixels) {
        float[] first = examples.getFirst().layout().backdropFeatures(tokenPixels);
        float[] all = new float[examples.size() * first.length];
        for (int i = 0; i < examples.size(); i++) System.arraycopy(examples.get(i).layout().backdropFeatures(tokenPixels), 0, all, i * first.length, first.length);
        return m.create(all, new Shape(examples.size(), first.length / Layout.BACKDROP_FEATURES, Layout.BACKDROP_FEATURES));
    }

    /** Mattes to learn: the target [N, 1, 1, H, W] in −1..1, its loss weights, the layout [N, tokens, F] that plans it, and each one's example. */
    record Mattes(NDArray target, NDArray weights, NDArray layout, int[] example) {}

    /** perExample mattes of each example: a random object of it on a random frame, each with the layout of that object alone on that frame. */
    static Mattes mattes(NDManager m, List<Example> examples, int perExample, int tokenPixels, SplittableRandom rng) {
        Clip any = examples.getFirst().clip();
        int w = any.width(), h = any.height(), plane = w * h, n = examples.size() * perExample;
        int tokens = (w / tokenPixels) * (h / tokenPixels);
        float[] target = new float[n * plane], weights = new float[n * plane], layout = new float[n * tokens * Layout.FEATURES];
        int[] from = new int[n];
        for (int i = 0; i < n; i++) {
            Example e = examples.get(i / perExample);
            from[i] = i / perExample;
            int object = rng.nextInt(e.objects().size()), f = rng.nextInt(e.clip().frameCount());
            Layout.Placed placed = e.layout().frames().get(f).get(object);
            float[] alpha = alpha(e.objects().get(object).alone(), e.background(), f, placed.rgb());
            for (int p = 0; p < plane; p++) {
                target[i * plane + p] = 2 * alpha[p] - 1;
                weights[i * plane + p] = alpha[p] > 0 ? 1 + ObjectWeights.EXTRA : 1;
            }
            float[] planned = new Layout(w, h, List.of(List.of(placed))).features(tokenPixels);
            System.arraycopy(planned, 0, layout, i * planned.length, planned.length);
        }
        Shape image = new Shape(n, 1, 1, h, w);
        return new Mattes(m.create(target, image), m.create(weights, image), m.create(layout, new Shape(n, tokens, Layout.FEATURES)), from);
    }

    /**
     * The object's coverage [H·W] in 0..1 on frame f: drawn over the background b in colour c, a pixel shows
     * b + a·(c − b), so a is its difference from the background over the colour's (the largest channel's of each).
     * Where the colour is too close to the background to tell, any visible difference counts as covered.
     */
    static float[] alpha(Clip alone, Clip background, int f, int rgb) {
        byte[] a = alone.frames().get(f), b = background.frames().get(f);
        int plane = alone.width() * alone.height();
        float[] out = new float[plane];
        for (int p = 0; p < plane; p++) {
            int seen = 0, colour = 0;
            for (int c = 0; c < 3; c++) {
                int bc = b[3 * p + c] & 0xff;
                seen = Math.max(seen, Math.abs((a[3 * p + c] & 0xff) - bc));
                colour = Math.max(colour, Math.abs((rgb >> (16 - 8 * c) & 0xff) - bc));
            }
            out[p] = colour < DISTINCT ? (seen > DISTINCT / 3 ? 1 : 0) : Math.min(1f, (float) seen / colour);
        }
        return out;
    }
}
