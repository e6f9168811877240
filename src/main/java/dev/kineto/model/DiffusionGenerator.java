package dev.kineto.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.kineto.video.Clip;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Text → video with the trained model: encode the prompts (and negative prompts for classifier-free guidance),
 * integrate the flow from seeded noise with the DiT, decode the result (with the VAE, for a latent model). A pixel
 * model also takes key frames: they are held clean at t = 0 while the other frames are sampled around them. A layered
 * model draws its layers from the prompt's plan and composes them (LayeredSampler).
 */
public final class DiffusionGenerator implements VideoGenerator {
    /** Where the bundled default model lives on the classpath. */
    public static final String DEFAULT_MODEL = "models/default/";

    /**
     * Correction rounds of a source clip's encoding (VideoModel.encodeFaithfully): on the bundled VAE two rounds took the path bench (strength 0.1) from 5.11 to 2.25 px mean
     * centroid error over 20 motion paths, and kept the source path within 3 px in 15 of 20 restyles, not 10 (docs/modes.md).
     */
    static final int SOURCE_ROUNDS = 2;

    private final VideoModel model;
    private final FlowMatching.Sampler sampler;

    public DiffusionGenerator(VideoModel model, FlowMatching.Sampler sampler) {
        this.model = model;
        this.sampler = sampler;
    }

    /** Loads a model directory (config.json + model.safetensors), sampling with Heun. */
    public static DiffusionGenerator load(Path dir) throws IOException {
        return new DiffusionGenerator(VideoModel.load(dir), FlowMatching.Sampler.HEUN);
    }

    /** Loads the model bundled with Kineto (Heun sampling), or fails saying how to train one. */
    public static DiffusionGenerator loadDefault() throws IOException {
        return load(defaultModelDir());
    }

    /** The directory of the bundled default model (on the classpath, possibly inside the jar). */
    public static Path defaultModelDir() throws IOException {
        URL url = DiffusionGenerator.class.getClassLoader().getResource(DEFAULT_MODEL + VideoModel.WEIGHTS_FILE);
        if (url == null) {
            throw new IOException("no bundled default model in this build: train one with `./kineto train --out runs/default` "
                    + "(see docs/model.md) and pass --model runs/default/model, or copy it to src/main/resources/models/default");
        }
        try {
            try {
                return Path.of(url.toURI()).getParent();
            } catch (FileSystemNotFoundException e) {
                return FileSystems.newFileSystem(url.toURI(), Map.of()).provider().getPath(url.toURI()).getParent();
            }
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the bundled model at " + url, e);
        }
    }

    public VideoModel model() { return model; }

    /** The words of a prompt the model never saw in training (the caller warns about them). */
    public Set<String> unknownWords(String prompt) {
        return model.text().tokenizer().unknownWords(prompt);
    }

    /** The warning the CLI prints and the API returns for a prompt with words the model never saw; empty when it saw them all. */
    public Optional<String> unknownWordsWarning(String prompt) {
        Set<String> unknown = unknownWords(prompt);
        return unknown.isEmpty() ? Optional.empty() : Optional.of("the model never saw these words in training and ignores them: " + String.join(", ", unknown));
    }

    @Override
    public List<Clip> generate(List<GenerationRequest> batch, StepListener listener) {
        return generate(batch, Collections.nCopies(batch.size(), Keyframes.NONE), listener);
    }

    /**
     * Text and key frames → video: each request's video shows its key frames where they are placed. A grounded model
     * renders the prompt's plan (Layout.plan) where no frame is given; where frames are given the plan would not know
     * where their objects are, so it draws from the text and the frames alone.
     */
    public List<Clip> generate(List<GenerationRequest> batch, List<Keyframes> keyframes, StepListener listener) {
        return generate(batch, keyframes, plans(batch, keyframes), listener);
    }

    /** As generate with key frames, rendering the given layouts (one a request; null: none, which a grounded model draws without); a model without grounding takes none. */
    public List<Clip> generate(List<GenerationRequest> batch, List<Keyframes> keyframes, List<Layout> layouts, StepListener listener) {
        if (keyframes.size() != batch.size()) throw new IllegalArgumentException("one set of key frames per request: got " + keyframes.size() + " for " + batch.size());
        if (!model.config().takesFrames() && keyframes.stream().anyMatch(k -> !k.isEmpty())) {
            throw new IllegalArgumentException("this model (" + model.config().preset() + ", " + kind() + ") cannot take frames as conditions; use a pixel model");
        }
        for (int i = 0; i < batch.size(); i++) {
            GenerationRequest r = batch.get(i);
            for (var frame : keyframes.get(i).frames().entrySet()) {
                if (frame.getKey() < 0 || frame.getKey() >= r.frames()) {
                    throw new IllegalArgumentException("key frame " + frame.getKey() + " is outside the video's " + r.frames() + " frames");
                }
                if (frame.getValue().length != 3 * r.width() * r.height()) {
                    throw new IllegalArgumentException("key frame " + frame.getKey() + " has " + frame.getValue().length + " bytes, not the "
                            + 3 * r.width() * r.height() + " of an RGB frame of " + r.width() + "x" + r.height());
                }
            }
        }
        if (layouts != null) checkLayouts(batch, layouts);
        if (layered()) {
            checkBatch(batch);
            return new LayeredSampler(model, sampler).sample(batch, layouts, listener);
        }
        return sample(batch, null, 1.0, keyframes, layouts, listener);
    }

    /** Refuses a batch whose requests differ in size, frames or steps, or break the model's rules. */
    private void checkBatch(List<GenerationRequest> batch) {
        for (GenerationRequest r : batch) {
            if (!batchable(batch.getFirst(), r)) throw new IllegalArgumentException("requests in one batch must share size, frames and steps");
            model.config().rules().check(r);
        }
    }

    private boolean layered() {
        return model.config().representation() == ModelConfig.Representation.LAYERS;
    }

    /** What kind of model this is, for errors. */
    private String kind() {
        return switch (model.config().representation()) {
            case LATENT -> "a latent model";
            case PIXELS -> "a pixel model";
            case LAYERS -> "a layered model";
        };
    }

    /** A grounded model's plans for the requests: the prompt's where no frame is given, an empty one where frames are; none for a model without grounding. */
    private List<Layout> plans(List<GenerationRequest> batch, List<Keyframes> keyframes) {
        if (!model.config().grounded()) return null;
        List<Layout> plans = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            GenerationRequest r = batch.get(i);
            plans.add(keyframes.get(i).isEmpty() ? Layout.plan(r) : Layout.empty(r.width(), r.height(), r.frames()));
        }
        return plans;
    }

    private void checkLayouts(List<GenerationRequest> batch, List<Layout> layouts) {
        if (!model.config().grounded()) throw new IllegalArgumentException("this model (" + model.config().preset() + ") is not grounded and takes no layout");
        if (layouts.size() != batch.size()) throw new IllegalArgumentException("one layout per request: got " + layouts.size() + " for " + batch.size());
        for (int i = 0; i < batch.size(); i++) {
            GenerationRequest r = batch.get(i);
            Layout l = layouts.get(i);
            if (l.width() != r.width() || l.height() != r.height() || l.frames().size() != r.frames()) {
                throw new IllegalArgumentException("layout " + l.width() + "x" + l.height() + ", " + l.frames().size() + " frames does not match the request's "
                        + r.width() + "x" + r.height() + ", " + r.frames() + " frames");
            }
        }
    }

    /**
     * Video-to-video (SDEdit): each source clip is encoded (corrected to decode faithfully), noised to t = strength with its request's seed, and sampled
     * back from there along the steps' grid, so strength 1 ignores the sources and a small strength keeps them.
     */
    public List<Clip> generate(List<GenerationRequest> batch, List<Clip> sources, double strength, StepListener listener) {
        if (sources.size() != batch.size()) throw new IllegalArgumentException("one source clip per request: got " + sources.size() + " for " + batch.size());
        if (!(strength > 0 && strength <= 1)) throw new IllegalArgumentException("strength must be in (0, 1], got " + strength);
        if (layered()) throw new IllegalArgumentException("this model (" + model.config().preset() + ", " + kind() + ") draws from a plan and cannot re-noise a clip; give it a plan (a layout) instead");
        for (int i = 0; i < batch.size(); i++) {
            GenerationRequest r = batch.get(i);
            Clip c = sources.get(i);
            if (c.width() != r.width() || c.height() != r.height() || c.frameCount() != r.frames()) {
                throw new IllegalArgumentException("source clip " + c.width() + "x" + c.height() + ", " + c.frameCount() + " frames does not match the request's "
                        + r.width() + "x" + r.height() + ", " + r.frames() + " frames");
            }
        }
        // The source's objects move as the source does, not as a plan of the prompt would: a grounded model gets no plan.
        return sample(batch, sources, strength, Collections.nCopies(batch.size(), Keyframes.NONE), null, listener);
    }

    private List<Clip> sample(List<GenerationRequest> batch, List<Clip> sources, double strength, List<Keyframes> keyframes, List<Layout> layouts,
                              StepListener listener) {
        checkBatch(batch);
        GenerationRequest first = batch.getFirst();
        ModelConfig config = model.config();
        int b = batch.size();
        boolean guided = batch.stream().anyMatch(r -> r.cfg() != 1);
        long[] latentShape = config.modelShape(first.frames(), first.height(), first.width());
        boolean keyed = keyframes.stream().anyMatch(k -> !k.isEmpty());
        double shift = FlowMatching.resolutionShift(config.shift(), config.tokens(first.frames(), first.height(), first.width()), config.trainedTokens());
        double[] times = FlowMatching.scheduleFrom(strength, first.steps(), shift);
        try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            List<String> captions = new ArrayList<>(batch.stream().map(GenerationRequest::prompt).toList());
            if (guided) captions.addAll(batch.stream().map(GenerationRequest::negativePrompt).toList());
            TextEncoder.Encoded text = model.text().encode(m, captions);
            NDList noise = new NDList();
            float[] scales = new float[b];
            for (int i = 0; i < b; i++) {
                noise.add(Noise.gaussian(m, new Shape(latentShape), new SplittableRandom(batch.get(i).seed())));
                scales[i] = (float) batch.get(i).cfg();
            }
            NDArray x = NDArrays.stack(noise);
            if (sources != null) {
                NDArray source = model.normalise(model.encodeFaithfully(m, sources, SOURCE_ROUNDS));
                x = FlowMatching.interpolate(source, x, m.full(new Shape(b), (float) strength));
            }
            NDArray cfg = m.create(scales, new Shape(b, 1, 1, 1, 1));
            Conditions conditions = keyed ? Conditions.of(m, batch, keyframes) : null;
            if (conditions != null) x = conditions.impose(x);
            NDArray layout = config.grounded() ? layoutFeatures(m, batch, layouts, guided) : null;
            BiFunction<NDArray, Double, NDArray> velocity = (z, t) -> {
                NDArray input = guided ? NDArrays.concat(new NDList(z, z)) : z;
                long rows = input.getShape().get(0);
                NDArray frameTimes = conditions == null ? m.full(new Shape(rows), t.floatValue()) : conditions.times(t, guided);
                NDArray v = FlowMatching.velocity(config.prediction(), model.dit().forward(input, frameTimes, text, layout), input, frameTimes);
                if (!guided) return v;
                NDList parts = v.split(2, 0);
                return parts.get(1).add(parts.get(0).sub(parts.get(1)).mul(cfg));
            };
            int steps = times.length - 1;
            for (int i = 0; i < steps; i++) {
                try (NDScope stepScope = new NDScope()) {
                    stepScope.suppressNotUsedWarning();
                    FlowMatching.Step step = FlowMatching.step(sampler, velocity, x, times[i], times[i + 1]);
                    NDArray estimate = FlowMatching.denoised(x, step.velocity(), times[i]);
                    NDArray denoised = conditions == null ? estimate : conditions.impose(estimate);
                    listener.onStep(i + 1, steps, memoize(() -> decode(denoised, first.fps())));
                    x = conditions == null ? step.x() : conditions.impose(step.x());
                    NDScope.unregister(x);
                }
                NDScope.register(x);
            }
            return decode(x, first.fps());
        }
    }

    /**
     * The layouts' features [B, N, Layout.FEATURES] (all zero without layouts, as a dropped layout in training); when
     * guided, the unguided half (the negative prompts) gets none, as a dropped caption.
     */
    private NDArray layoutFeatures(NDManager m, List<GenerationRequest> batch, List<Layout> layouts, boolean guided) {
        GenerationRequest first = batch.getFirst();
        int rows = (guided ? 2 : 1) * batch.size(), n = (int) model.config().tokens(first.frames(), first.height(), first.width()) * Layout.FEATURES;
        float[] all = new float[rows * n];
        for (int i = 0; layouts != null && i < layouts.size(); i++) System.arraycopy(layouts.get(i).features(model.config().pixelsPerToken()), 0, all, i * n, n);
        return m.create(all, new Shape(rows, n / Layout.FEATURES, Layout.FEATURES));
    }

    /** What the DiT works on → clips. */
    private List<Clip> decode(NDArray latent, double fps) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return VideoTensors.toClips(model.decode(latent), fps);
        }
    }

    /** The key frames of a batch: their clean pixels, and which frames they hold ([B, 1, T, 1, 1] and [B, T]). */
    private record Conditions(NDArray clean, NDArray held, NDArray heldTimes) {
        static Conditions of(NDManager m, List<GenerationRequest> batch, List<Keyframes> keyframes) {
            GenerationRequest first = batch.getFirst();
            int b = batch.size(), t = first.frames(), plane = 3 * first.width() * first.height();
            List<Clip> frames = new ArrayList<>();
            float[] held = new float[b * t];
            byte[] blank = new byte[plane];
            for (int i = 0; i < b; i++) {
                List<byte[]> clip = new ArrayList<>(Collections.nCopies(t, blank));
                for (var k : keyframes.get(i).frames().entrySet()) {
                    clip.set(k.getKey(), k.getValue());
                    held[i * t + k.getKey()] = 1;
                }
                frames.add(new Clip(first.width(), first.height(), first.fps(), clip));
            }
            NDArray heldTimes = m.create(held, new Shape(b, t));
            return new Conditions(VideoTensors.of(m, frames), heldTimes.reshape(b, 1, t, 1, 1), heldTimes);
        }

        /** x with the key frames put back. */
        NDArray impose(NDArray x) {
            return x.mul(held.neg().add(1)).add(clean.mul(held));
        }

        /** Per-frame times: t for the sampled frames, 0 for the key frames; twice over when guided. */
        NDArray times(double t, boolean guided) {
            NDArray times = heldTimes.neg().add(1).mul((float) t);
            return guided ? NDArrays.concat(new NDList(times, times)) : times;
        }
    }

    private static Supplier<List<Clip>> memoize(Supplier<List<Clip>> supplier) {
        return new Supplier<>() {
            private List<Clip> value;

            @Override
            public List<Clip> get() {
                if (value == null) value = supplier.get();
                return value;
            }
        };
    }

    @Override
    public void close() {
        model.close();
    }
}
