package dev.kineto.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.kineto.model.Layout;
import dev.kineto.model.VideoModel;
import dev.kineto.video.Clip;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Clips already encoded by the frozen VAE (posterior means; a pixel model's clips as they are) with their captions and loss weights. Encoding is the costly part of a
 * DiT step's data, so the pool is filled once and then a few entries are replaced with fresh clips every few steps.
 */
final class LatentPool implements AutoCloseable {
    /**
     * A training batch: latents [B, C, T, H, W], loss weights [B, 1, T, H, W], each clip's caption phrasings, the probe's
     * targets, and a grounded model's layout features [B, N, Layout.FEATURES] (all zero for a clip without a layout;
     * null for a model without grounding).
     */
    record Batch(NDArray latents, NDArray weights, List<List<String>> captions, NDArray shapeTargets, NDArray sizeTargets, NDArray layout) {}

    private final VideoModel model;
    private final int capacity;
    private final DataParallel parallel;

    /** Whether the pool holds capacity clips. */
    boolean full() { return latents.size() >= capacity; }

    /** How many more clips the pool takes. */
    int room() { return capacity - latents.size(); }
    private final List<NDArray> latents = new ArrayList<>();
    private final List<List<String>> captions = new ArrayList<>();
    private final List<float[]> weights = new ArrayList<>();
    private final List<int[][]> labels = new ArrayList<>();
    private final List<float[]> layouts = new ArrayList<>();

    LatentPool(VideoModel model, int capacity, DataParallel parallel) {
        this.model = model;
        this.capacity = capacity;
        this.parallel = parallel;
    }

    int size() { return latents.size(); }

    /** Encodes the examples and appends them. */
    void add(List<Example> examples) {
        List<NDArray> encoded = encode(examples);
        for (int i = 0; i < encoded.size(); i++) {
            latents.add(encoded.get(i));
            captions.add(examples.get(i).captions());
            weights.add(weights(examples.get(i)));
            labels.add(labels(examples.get(i)));
            layouts.add(layout(examples.get(i)));
        }
    }

    /** Encodes the examples and puts them in place of random entries. */
    void replace(List<Example> examples, SplittableRandom rng) {
        List<NDArray> encoded = encode(examples);
        for (int i = 0; i < encoded.size(); i++) {
            int slot = rng.nextInt(latents.size());
            latents.get(slot).close();
            latents.set(slot, encoded.get(i));
            captions.set(slot, examples.get(i).captions());
            weights.set(slot, weights(examples.get(i)));
            labels.set(slot, labels(examples.get(i)));
            layouts.set(slot, layout(examples.get(i)));
        }
    }

    /** n random entries (with replacement), stacked; the latents belong to the caller's NDScope. */
    Batch sample(int n, SplittableRandom rng) {
        return draw(n, rng, false);
    }

    /**
     * n random entries cut to one frame each, [n, C, 1, H, W]: any frame of a pixel model's clips, the lone first frame
     * of a latent model's (the causal VAE encodes it alone, so it is the latent of an image).
     */
    Batch sampleFrames(int n, SplittableRandom rng) {
        return draw(n, rng, true);
    }

    private Batch draw(int n, SplittableRandom rng, boolean oneFrame) {
        NDList chosen = new NDList();
        List<List<String>> chosenCaptions = new ArrayList<>();
        Shape cells = latents.getFirst().getShape();
        long frames = oneFrame ? 1 : cells.get(1);
        int plane = (int) (cells.get(2) * cells.get(3)), cellCount = (int) frames * plane;
        float[] chosenWeights = new float[n * cellCount];
        int tokens = (int) (labels.getFirst()[0].length / cells.get(1) * frames);
        int shapeClasses = model.config().dit().probeShapes(), sizeClasses = model.config().dit().probeSizes();
        float[] shapes = new float[n * tokens * shapeClasses], sizes = new float[n * tokens * sizeClasses];
        boolean grounded = model.config().grounded();
        float[] chosenLayouts = new float[grounded ? n * tokens * Layout.FEATURES : 0];
        for (int i = 0; i < n; i++) {
            int slot = rng.nextInt(latents.size());
            int frame = !oneFrame || model.config().timeFactor() > 1 ? 0 : rng.nextInt((int) cells.get(1));
            chosen.add(oneFrame ? latents.get(slot).get(new NDIndex(":, {}:{}", frame, frame + 1)) : latents.get(slot));
            chosenCaptions.add(captions.get(slot));
            System.arraycopy(weights.get(slot), frame * plane, chosenWeights, i * cellCount, cellCount);
            int[][] label = labels.get(slot);
            for (int k = 0; k < tokens; k++) {
                int from = frame * tokens + k;
                if (label[0][from] >= 0) shapes[(i * tokens + k) * shapeClasses + label[0][from]] = 1;
                if (label[1][from] >= 0) sizes[(i * tokens + k) * sizeClasses + label[1][from]] = 1;
            }
            if (grounded) System.arraycopy(layouts.get(slot), frame * tokens * Layout.FEATURES, chosenLayouts, i * tokens * Layout.FEATURES, tokens * Layout.FEATURES);
        }
        NDArray batchWeights = model.manager().create(chosenWeights, new Shape(n, 1, frames, cells.get(2), cells.get(3)));
        return new Batch(NDArrays.stack(chosen), batchWeights, chosenCaptions,
                model.manager().create(shapes, new Shape(n, tokens, shapeClasses)), model.manager().create(sizes, new Shape(n, tokens, sizeClasses)),
                grounded ? model.manager().create(chosenLayouts, new Shape(n, tokens, Layout.FEATURES)) : null);
    }

    private float[] weights(Example example) {
        return ObjectWeights.of(example, model.config().timeFactor(), model.config().spaceFactor());
    }

    private int[][] labels(Example example) {
        return ObjectWeights.tokenLabels(example, model.config().timeFactor(), model.config().pixelsPerToken());
    }

    /** A grounded model's layout features of the example (zero where it has no layout); nothing for a model without grounding. */
    private float[] layout(Example example) {
        if (!model.config().grounded()) return new float[0];
        Clip clip = example.clip();
        Layout layout = example.layout() != null ? example.layout() : Layout.empty(clip.width(), clip.height(), clip.frameCount());
        return layout.features(model.config().pixelsPerToken());
    }

    /** Posterior means of the examples' clips, each worker encoding its share. */
    private List<NDArray> encode(List<Example> examples) {
        NDArray[] out = new NDArray[examples.size()];
        parallel.sum(examples.size(), (from, to) -> {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                List<Clip> clips = examples.subList(from, to).stream().map(Example::clip).toList();
                NDArray means = model.encode(model.manager(), clips);
                for (int i = from; i < to; i++) {
                    out[i] = means.get(i - from).duplicate();
                    NDScope.unregister(out[i]);
                }
            }
            return 0;
        });
        return List.of(out);
    }

    @Override
    public void close() {
        latents.forEach(NDArray::close);
        latents.clear();
        weights.clear();
        layouts.clear();
    }
}
