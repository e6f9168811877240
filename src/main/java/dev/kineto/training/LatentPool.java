package dev.kineto.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import dev.kineto.model.VideoModel;
import dev.kineto.model.VideoTensors;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Clips already encoded by the frozen VAE (posterior means) with their captions. Encoding is the costly part of a
 * DiT step's data, so the pool is filled once and then a few entries are replaced with fresh clips every few steps.
 */
final class LatentPool implements AutoCloseable {
    /** A training batch: latents [B, C, T, H, W] and each clip's caption phrasings. */
    record Batch(NDArray latents, List<List<String>> captions) {}

    private final VideoModel model;
    private final int capacity;

    /** Whether the pool holds capacity clips. */
    boolean full() { return latents.size() >= capacity; }

    /** How many more clips the pool takes. */
    int room() { return capacity - latents.size(); }
    private final List<NDArray> latents = new ArrayList<>();
    private final List<List<String>> captions = new ArrayList<>();

    LatentPool(VideoModel model, int capacity) {
        this.model = model;
        this.capacity = capacity;
    }

    int size() { return latents.size(); }

    /** Encodes the examples and appends them. */
    void add(List<Example> examples) {
        List<NDArray> encoded = encode(examples);
        for (int i = 0; i < encoded.size(); i++) {
            latents.add(encoded.get(i));
            captions.add(examples.get(i).captions());
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
        }
    }

    /** n random entries (with replacement), stacked; the latents belong to the caller's NDScope. */
    Batch sample(int n, SplittableRandom rng) {
        NDList chosen = new NDList();
        List<List<String>> chosenCaptions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int slot = rng.nextInt(latents.size());
            chosen.add(latents.get(slot));
            chosenCaptions.add(captions.get(slot));
        }
        return new Batch(NDArrays.stack(chosen), chosenCaptions);
    }

    private List<NDArray> encode(List<Example> examples) {
        List<NDArray> out = new ArrayList<>();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray means = model.vae().encode(VideoTensors.of(model.manager(), examples.stream().map(Example::clip).toList())).get(0);
            for (int i = 0; i < examples.size(); i++) {
                NDArray one = means.get(i).duplicate();
                NDScope.unregister(one);
                out.add(one);
            }
        }
        return out;
    }

    @Override
    public void close() {
        latents.forEach(NDArray::close);
        latents.clear();
    }
}
