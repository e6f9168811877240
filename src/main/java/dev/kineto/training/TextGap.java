package dev.kineto.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import dev.kineto.model.FlowMatching;
import dev.kineto.model.Noise;
import dev.kineto.model.VideoModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How much the DiT uses the prompt: its flow-matching loss on fixed held-out clips, noise and times, with each clip's
 * own caption and with the next clip's. A model that ignores the text scores the same on both; the gap is the signal
 * that text conditioning is being learnt, long before samples show it.
 */
final class TextGap implements AutoCloseable {
    /** The two losses; gap() is the share of the loss the right caption removes. */
    record Result(double ownCaption, double otherCaption) {
        double gap() { return 1 - ownCaption / otherCaption; }
    }

    /** Clips a forward pass: a pixel model's 1,088 tokens a clip make all 32 at once tens of GB. */
    private static final int CHUNK = 4;

    private final NDManager manager;
    private final NDArray x0, noise, times;
    private final List<String> captions = new ArrayList<>();

    /** Encodes the examples with the model's (trained, frozen) VAE; the probe owns its arrays. */
    TextGap(VideoModel model, List<Example> examples, double shift, long seed) {
        manager = model.manager().newSubManager();
        SplittableRandom rng = new SplittableRandom(seed);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray latents = model.encode(model.manager(), examples.stream().map(Example::clip).toList());
            x0 = model.normalise(latents);
            NDScope.unregister(x0);
            x0.attach(manager);
        }
        noise = Noise.gaussian(manager, x0.getShape(), rng);
        float[] t = new float[examples.size()];
        for (int i = 0; i < t.length; i++) t[i] = (float) FlowMatching.sampleTime(rng, shift);
        times = manager.create(t);
        examples.forEach(e -> captions.add(e.captions().getFirst()));
    }

    /** The loss with the right captions and with every caption moved one clip along. */
    Result measure(VideoModel model) {
        List<String> shifted = new ArrayList<>(captions.subList(1, captions.size()));
        shifted.add(captions.getFirst());
        return new Result(loss(model, captions), loss(model, shifted));
    }

    /** The mean loss over the clips, CHUNK at a time. */
    private double loss(VideoModel model, List<String> texts) {
        double sum = 0;
        int n = texts.size();
        for (int from = 0; from < n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDIndex rows = new NDIndex("{}:{}", from, to);
                NDArray x = x0.get(rows), e = noise.get(rows), t = times.get(rows);
                NDArray output = model.dit().forward(FlowMatching.interpolate(x, e, t), t, model.text().encode(model.manager(), texts.subList(from, to)));
                sum += FlowMatching.loss(model.config().prediction(), output, x, e, t).getFloat() * (to - from);
            }
        }
        return sum / n;
    }


    @Override
    public void close() {
        manager.close();
    }
}
