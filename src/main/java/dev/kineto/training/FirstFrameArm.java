package dev.kineto.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.kineto.model.Dit;
import dev.kineto.model.FlowMatching;
import dev.kineto.model.Noise;
import dev.kineto.model.Params;
import dev.kineto.model.TextEncoder;
import dev.kineto.model.Tokenizer;
import dev.kineto.model.VideoModel;
import dev.kineto.model.VideoTensors;
import dev.kineto.video.Clip;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * One arm of the representation experiment: a fresh text encoder and DiT trained to draw a caption's first frame,
 * either on the shipped VAE's lone-frame latent predicting the velocity, or on pixels in 8×8 patches predicting the
 * clean image (JiT's x-prediction, with its velocity loss). Both arms share the trunk's size, the token count, the
 * text encoder, batch, optimiser and schedule, so what differs is the representation and the prediction target.
 */
public final class FirstFrameArm implements AutoCloseable {

    /** The two representations compared. */
    public enum Arm {
        /** The shipped VAE's latent of frame 0 (8 × 16 × 16), 2×2 latent patches, velocity prediction. */
        LATENT_V,
        /** RGB pixels (3 × 64 × 64), 8×8 patches, clean-image prediction. */
        PIXEL_X
    }

    /**
     * What the trainer adds to an arm: objectWeighted scales the loss where objects are (ObjectWeights, as the full
     * trainer does), shift replaces the arm's own timestep shift when above zero.
     */
    public record Recipe(boolean objectWeighted, double shift) {
        public static final Recipe PLAIN = new Recipe(false, 0);

        /** A short name for files: "plain", or what the recipe adds. */
        public String label() {
            if (equals(PLAIN)) return "plain";
            return (objectWeighted ? "objects" : "") + (objectWeighted && shift > 0 ? "-" : "") + (shift > 0 ? "shift" + (float) shift : "");
        }
    }

    public static final RenderSpec FRAME = new RenderSpec(64, 64, 1, 8);
    private static final int BATCH = 16, WIDTH = 192, DEPTH = 6, HEADS = 6, WARMUP = 100;
    private static final double LR = 1e-3, CAPTION_DROPOUT = 0.1, MAX_GRAD_NORM = 1.0, EMA_DECAY = 0.999;
    /**
     * Timestep shifts: the latent's is the shipped model's 5 scaled by √(tokens / trained tokens) for one latent
     * frame of five (16 of 80 tokens at the shipped patch); pixels carry 6× the latent's values, and noise hides them
     * later, so they get a larger shift (SD3's rule gives √6 × the latent's; 3 leaves room for text to matter early).
     */
    private static final double LATENT_SHIFT = 5 * Math.sqrt(16.0 / 80), PIXEL_SHIFT = 3;

    private final Arm arm;
    private final Recipe recipe;
    private final WorldSource source = new WorldSource(FRAME, Split.TRAIN, 0);
    private final VideoModel vae;
    private final Params params;
    private final TextEncoder text;
    private final Dit dit;
    private final AdamW optimizer;
    private final Ema ema;
    private final Map<String, NDArray> trained;
    private final DataParallel parallel = new DataParallel(1);
    private final SplittableRandom rng;
    private long steps, nextExample;
    private double trainingSeconds;

    /** A fresh arm; vae is the shipped model (its VAE and statistics for the latent arm, its vocabulary for both). */
    public FirstFrameArm(Arm arm, Recipe recipe, VideoModel vae, long seed) {
        this.arm = arm;
        this.recipe = recipe;
        this.vae = vae;
        this.rng = new SplittableRandom(seed);
        params = new Params(NDManager.newBaseManager(), seed);
        var config = vae.config();
        text = new TextEncoder(params, config.text(), new Tokenizer(config.vocabulary(), config.text().maxLength()));
        dit = arm == Arm.LATENT_V ? new Dit(params, new Dit.Config(2, WIDTH, DEPTH, HEADS), config.vae().latentChannels(), config.text().width())
                : new Dit(params, new Dit.Config(8, WIDTH, DEPTH, HEADS), 3, config.text().width());
        trained = params.arrays();
        optimizer = new AdamW(trained, 0.01f, parallel);
        ema = new Ema(trained, EMA_DECAY, parallel);
    }

    public Arm arm() { return arm; }

    public long steps() { return steps; }

    public double trainingMinutes() { return trainingSeconds / 60; }

    /**
     * Trains until the arm's DiT time reaches minutes. The clock counts the DiT's steps alone, not rendering or encoding
     * the batch: the latent arm's encoding would be a cache in a real trainer (the shipped one keeps a latent pool).
     */
    public void trainUntil(double minutes) {
        NDManager m = params.manager();
        while (trainingSeconds < minutes * 60) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                List<String> captions = new ArrayList<>();
                List<Clip> frames = new ArrayList<>();
                List<Example> examples = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    Example example = source.get(nextExample++);
                    captions.add(rng.nextDouble() < CAPTION_DROPOUT ? "" : example.captions().getFirst());
                    frames.add(example.clip());
                    examples.add(example);
                }
                NDArray x0 = represent(m, frames);
                NDArray weights = lossWeights(m, examples);
                long start = System.nanoTime();
                float[] times = new float[BATCH];
                for (int i = 0; i < BATCH; i++) times[i] = (float) FlowMatching.sampleTime(rng, shift());
                NDArray t = m.create(times);
                NDArray noise = Noise.gaussian(m, x0.getShape(), rng);
                NDArray xt = FlowMatching.interpolate(x0, noise, t);
                parallel.backward(BATCH, (from, to) -> {
                    NDIndex rows = new NDIndex("{}:{}", from, to);
                    NDArray out = dit.forward(xt.get(rows), t.get(rows), text.encode(m, captions.subList(from, to)));
                    return FlowMatching.loss(prediction(), out, x0.get(rows), noise.get(rows), t.get(rows), weights.get(rows));
                });
                double warm = Math.min(1, (steps + 1.0) / WARMUP);
                optimizer.step(LR * warm, MAX_GRAD_NORM);
                ema.update(steps);
                trainingSeconds += (System.nanoTime() - start) / 1e9;
            }
            steps++;
        }
    }

    /** First frames drawn by the EMA weights for prompts with Heun steps and guidance cfg, one seed a prompt. */
    public List<Clip> firstFrames(List<String> prompts, long seed, int steps, double cfg) {
        JniUtils.setGradMode(false);
        Map<String, NDArray> live = new LinkedHashMap<>();
        trained.forEach((name, p) -> live.put(name, p.duplicate()));
        ema.weights().forEach((name, a) -> trained.get(name).set(a.toByteBuffer()));
        try {
            List<Clip> out = new ArrayList<>();
            for (int from = 0; from < prompts.size(); from += BATCH) {
                out.addAll(sample(prompts.subList(from, Math.min(prompts.size(), from + BATCH)), seed + from, steps, cfg));
            }
            return out;
        } finally {
            live.forEach((name, a) -> trained.get(name).set(a.toByteBuffer()));
            live.values().forEach(NDArray::close);
        }
    }

    private List<Clip> sample(List<String> prompts, long seed, int steps, double cfg) {
        try (NDScope scope = new NDScope(); NDManager m = params.manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            int b = prompts.size();
            List<String> captions = new ArrayList<>(prompts);
            for (int i = 0; i < b; i++) captions.add("");
            TextEncoder.Encoded encoded = text.encode(m, captions);
            long[] shape = arm == Arm.LATENT_V ? new long[] {b, vae.config().vae().latentChannels(), 1, 16, 16} : new long[] {b, 3, 1, 64, 64};
            NDList noise = new NDList();
            for (int i = 0; i < b; i++) noise.add(Noise.gaussian(m, new Shape(shape).slice(1), new SplittableRandom(seed + i)));
            NDArray x = NDArrays.stack(noise);
            BiFunction<NDArray, Double, NDArray> velocity = (z, t) -> {
                NDArray input = NDArrays.concat(new NDList(z, z));
                NDArray times = m.full(new Shape(2L * b), t.floatValue());
                NDArray out = dit.forward(input, times, encoded);
                NDArray v = FlowMatching.velocity(prediction(), out, input, times);
                NDList parts = v.split(2, 0);
                return parts.get(1).add(parts.get(0).sub(parts.get(1)).mul((float) cfg));
            };
            double[] times = FlowMatching.schedule(steps, shift());
            for (int i = 0; i < steps; i++) {
                try (NDScope step = new NDScope()) {
                    step.suppressNotUsedWarning();
                    x = FlowMatching.step(FlowMatching.Sampler.HEUN, velocity, x, times[i], times[i + 1]).x();
                    NDScope.unregister(x);
                }
                NDScope.register(x);
            }
            NDArray pixels = arm == Arm.LATENT_V ? vae.vae().decode(vae.denormalise(x)) : x;
            return VideoTensors.toClips(pixels, FRAME.fps());
        }
    }

    /** Frames [B, 3, 1, 64, 64] as what this arm's DiT works on. */
    private NDArray represent(NDManager m, List<Clip> frames) {
        return arm == Arm.LATENT_V ? vae.normalise(vae.encode(m, frames)) : VideoTensors.of(m, frames);
    }

    /** Per-cell loss weights [B, 1, 1, H, W] of what the DiT works on: the objects' cells count more when the recipe says so. */
    private NDArray lossWeights(NDManager m, List<Example> examples) {
        int factor = arm == Arm.LATENT_V ? 4 : 1, side = 64 / factor;
        float[] all = new float[examples.size() * side * side];
        for (int i = 0; i < examples.size(); i++) {
            if (recipe.objectWeighted()) System.arraycopy(ObjectWeights.of(examples.get(i), 1, factor), 0, all, i * side * side, side * side);
            else java.util.Arrays.fill(all, i * side * side, (i + 1) * side * side, 1f);
        }
        return m.create(all, new Shape(examples.size(), 1, 1, side, side));
    }

    private FlowMatching.Prediction prediction() {
        return arm == Arm.LATENT_V ? FlowMatching.Prediction.VELOCITY : FlowMatching.Prediction.CLEAN;
    }

    private double shift() {
        if (recipe.shift() > 0) return recipe.shift();
        return arm == Arm.LATENT_V ? LATENT_SHIFT : PIXEL_SHIFT;
    }

    @Override
    public void close() {
        parallel.close();
        params.close();
    }
}
