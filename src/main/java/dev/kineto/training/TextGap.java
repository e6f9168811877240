package dev.kineto.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
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

    private double loss(VideoModel model, List<String> texts) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray output = model.dit().forward(FlowMatching.interpolate(x0, noise, times), times, model.text().encode(model.manager(), texts));
            return FlowMatching.loss(model.config().prediction(), output, x0, noise, times).getFloat();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
