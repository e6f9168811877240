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
import dev.kineto.model.Layout;
import dev.kineto.model.Noise;
import dev.kineto.model.Params;
import dev.kineto.model.TextEncoder;
import dev.kineto.model.Tokenizer;
import dev.kineto.model.VideoModel;
import dev.kineto.model.VideoTensors;
import dev.kineto.video.Clip;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Split;
import dev.kineto.world.World;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
     * trainer does), shift replaces the arm's own timestep shift when above zero, grounded gives the DiT each
     * object's box and shape token by token (Grounding), patch replaces the pixel arm's 8×8 patches when above zero, loneStill
     * trains on the reduced world of World.sampleLoneStill instead of the whole world, placement moves its object
     * (Placement), hourglass puts the DiT inside a convolutional hourglass of that many channels and hourglassLevels halvings when above zero, rope
     * gives it rotary positions instead of sin-cos ones, width replaces the trunk's width when above zero (its heads keep their size), held fixes the reduced world's colours or size
     * (World.Held). composite gives the DiT a compositing output (Dit.Composite) and matte trains its coverage on where
     * the objects are (a loss like the image's, on one more channel); alpha diffuses the objects' coverage as a fourth
     * channel beside the colours (as RGBA video models do), so the outline is noised at full contrast whatever its
     * colours; timeOnlyModulation keeps the pooled caption out of adaLN (Dit.Config). matteOnly draws the objects'
     * coverage alone, white on black, whatever the caption's colours: a layered model's matte layer.
     */
    public record Recipe(boolean objectWeighted, double shift, Grounding grounding, int patch, boolean loneStill, Placement placement, int hourglass, int hourglassLevels, boolean rope, int width,
            Set<World.Held> held, boolean composite, boolean matte, boolean alpha, boolean timeOnlyModulation, boolean matteOnly) {
        public static final Recipe PLAIN = new Recipe(false, 0, Grounding.NONE, 0, false, Placement.AS_DRAWN, 0, 0, false, 0, Set.of(), false, false, false, false, false);

        public Recipe {
            if (placement != Placement.AS_DRAWN && !loneStill) throw new IllegalArgumentException("only the reduced world's lone object on a solid backdrop can be moved");
            if (!held.isEmpty() && !loneStill) throw new IllegalArgumentException("only the reduced world's colours and size can be held");
            held = Set.copyOf(held);
            if (alpha && composite) throw new IllegalArgumentException("an alpha channel is diffused with the colours; a compositing output would mix it into them");
            if (matte && !composite) throw new IllegalArgumentException("a matte loss trains a compositing output's coverage: it needs the composite");
            if (matteOnly && (alpha || composite)) throw new IllegalArgumentException("a matte-only arm draws the coverage alone: no colours to composite or diffuse beside it");
            if (width < 0 || width % HEAD_WIDTH != 0) throw new IllegalArgumentException("the trunk's width must be a multiple of " + HEAD_WIDTH + " (its heads' size), not " + width);
        }

        /** A short name for files: "plain", or what the recipe adds. */
        public String label() {
            if (equals(PLAIN)) return "plain";
            List<String> parts = new ArrayList<>();
            if (objectWeighted) parts.add("objects");
            if (shift > 0) parts.add("shift" + (float) shift);
            if (grounding != Grounding.NONE) parts.add(grounding == Grounding.SHAPE ? "grounded" : "grounded-colour");
            if (patch > 0) parts.add("patch" + patch);
            if (loneStill) parts.add("lone-still");
            if (placement != Placement.AS_DRAWN) parts.add(placement.name().toLowerCase(Locale.ROOT));
            if (hourglass > 0) parts.add("hourglass" + hourglass + (hourglassLevels > 1 ? "x" + hourglassLevels : ""));
            if (rope) parts.add("rope");
            if (width > 0) parts.add("width" + width);
            held.stream().sorted().forEach(h -> parts.add("held-" + h.name().toLowerCase(Locale.ROOT)));
            if (composite) parts.add(matte ? "composite-matte" : "composite");
            if (alpha) parts.add("alpha");
            if (timeOnlyModulation) parts.add("time-adaln");
            if (matteOnly) parts.add("matte-only");
            return String.join("-", parts);
        }
    }

    /** What a grounded arm's layout tells the tokens inside an object's box. */
    public enum Grounding {
        /** Nothing: the arm has no layout. */
        NONE,
        /** The object's shape and the token's place in its box. */
        SHAPE,
        /** As SHAPE, and the object's colour: the planner binds each colour to its object, not the text. */
        SHAPE_AND_COLOUR
    }

    /** Where the reduced world's training examples put their object: a diagnostic of what the DiT cannot generalise. */
    public enum Placement {
        /** Where the world draws it. */
        AS_DRAWN,
        /** At the frame's centre: every example draws its shape in the same pixels. */
        CENTRED,
        /** At the token corner nearest to where the world draws it: anywhere in the frame, but always at one offset within the tokens. */
        GRID
    }

    /** Pixels a side of the pixel arm's tokens unless the recipe gives another patch. */
    public static final int PIXEL_PATCH = 8;

    public static final RenderSpec FRAME = new RenderSpec(64, 64, 1, 8);
    private static final int BATCH = 16, WIDTH = 192, HEAD_WIDTH = 32, DEPTH = 6, WARMUP = 100;
    private static final double LR = 1e-3, CAPTION_DROPOUT = 0.1, MAX_GRAD_NORM = 1.0, EMA_DECAY = 0.999;
    /**
     * Timestep shifts: the latent's is the shipped model's 5 scaled by √(tokens / trained tokens) for one latent
     * frame of five (16 of 80 tokens at the shipped patch); pixels carry 6× the latent's values, and noise hides them
     * later, so they get a larger shift (SD3's rule gives √6 × the latent's; 3 leaves room for text to matter early).
     */
    private static final double LATENT_SHIFT = 5 * Math.sqrt(16.0 / 80), PIXEL_SHIFT = 3;

    private final Arm arm;
    private final Recipe recipe;
    private final ExampleSource source;
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

    /** The recipe's training examples, every one new: the whole world, or the reduced one with its object placed. */
    public static ExampleSource world(Arm arm, Recipe recipe) {
        if (!recipe.loneStill()) return new WorldSource(FRAME, Split.TRAIN, 0);
        return i -> {
            Example example = WorldSource.of(World.sampleLoneStill(i, FRAME, recipe.held()), new SplittableRandom(i));
            return recipe.placement() == Placement.AS_DRAWN ? example : placed(example, recipe.placement(), tokenPixels(arm, recipe));
        };
    }

    /**
     * A fresh arm trained on source's examples (world(arm, recipe), or a pool of them, or the very prompts it is scored
     * on); vae is the shipped model (its VAE and statistics for the latent arm, its vocabulary for both).
     */
    public FirstFrameArm(Arm arm, Recipe recipe, VideoModel vae, long seed, ExampleSource source) {
        if ((recipe.composite() || recipe.alpha() || recipe.matteOnly()) && arm != Arm.PIXEL_X) throw new IllegalArgumentException("a compositing output, an alpha channel or a matte is drawn in pixels: it needs the pixel arm, not " + arm);
        this.arm = arm;
        this.recipe = recipe;
        this.vae = vae;
        this.rng = new SplittableRandom(seed);
        this.source = source;
        params = new Params(NDManager.newBaseManager(), seed);
        var config = vae.config();
        text = new TextEncoder(params, config.text(), new Tokenizer(config.vocabulary(), config.text().maxLength()));
        var trunk = new Dit.Config(arm == Arm.LATENT_V ? 2 : tokenPixels(), width(), DEPTH, width() / HEAD_WIDTH).withHourglass(recipe.hourglass(), recipe.hourglassLevels()).withRope(recipe.rope()).withComposite(recipe.composite()).withTimeOnlyModulation(recipe.timeOnlyModulation())
                .withLayout(recipe.grounding() == Grounding.NONE ? 0 : Layout.FEATURES);
        dit = new Dit(params, trunk, channels(), config.text().width());
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
                List<Example> examples = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    Example example = source.get(nextExample++);
                    captions.add(rng.nextDouble() < CAPTION_DROPOUT ? "" : example.captions().getFirst());
                    examples.add(example);
                }
                NDArray x0 = represent(m, examples);
                NDArray weights = lossWeights(m, examples);
                NDArray matte = recipe.matte() ? coverage(m, examples) : null;
                NDArray layout = recipe.grounding() == Grounding.NONE ? null : layout(m, examples, captions.stream().map(String::isEmpty).toList());
                long start = System.nanoTime();
                float[] times = new float[BATCH];
                for (int i = 0; i < BATCH; i++) times[i] = (float) FlowMatching.sampleTime(rng, shift());
                NDArray t = m.create(times);
                NDArray noise = Noise.gaussian(m, x0.getShape(), rng);
                NDArray xt = FlowMatching.interpolate(x0, noise, t);
                parallel.backward(BATCH, (from, to) -> {
                    NDIndex rows = new NDIndex("{}:{}", from, to);
                    Dit.Matted out = dit.forwardMatted(xt.get(rows), t.get(rows), text.encode(m, captions.subList(from, to)),
                            layout == null ? null : layout.get(rows));
                    NDArray loss = FlowMatching.loss(prediction(), out.output(), x0.get(rows), noise.get(rows), t.get(rows), weights.get(rows));
                    if (matte == null) return loss;
                    // The coverage in 0..1 as a channel in −1..1, the images' range, so its loss weighs as one more colour channel.
                    NDArray target = matte.get(rows).mul(2).sub(1);
                    return loss.add(FlowMatching.loss(prediction(), out.coverage().mul(2).sub(1), target, target, t.get(rows), weights.get(rows)).div(3));
                });
                double warm = Math.min(1, (steps + 1.0) / WARMUP);
                optimizer.step(LR * warm, MAX_GRAD_NORM);
                ema.update(steps);
                trainingSeconds += (System.nanoTime() - start) / 1e9;
            }
            steps++;
        }
    }

    /**
     * First frames drawn by the EMA weights for the examples' captions with Heun steps on the grid of sampleShift and
     * guidance cfg, one seed a prompt; a grounded arm is given each example's layout too. With matte, an alpha arm's
     * frames show its coverage channel instead, white where it draws an object on black (a matte-only arm's always do).
     */
    public List<Clip> firstFrames(List<Example> examples, long seed, int steps, double cfg, double sampleShift, boolean matte) {
        if (matte && !recipe.alpha() && !recipe.matteOnly()) throw new IllegalArgumentException("only an alpha arm draws a coverage channel");
        JniUtils.setGradMode(false);
        Map<String, NDArray> live = new LinkedHashMap<>();
        trained.forEach((name, p) -> live.put(name, p.duplicate()));
        ema.weights().forEach((name, a) -> trained.get(name).set(a.toByteBuffer()));
        try {
            List<Clip> out = new ArrayList<>();
            for (int from = 0; from < examples.size(); from += BATCH) {
                out.addAll(sample(examples.subList(from, Math.min(examples.size(), from + BATCH)), seed + from, steps, cfg, sampleShift, matte));
            }
            return out;
        } finally {
            live.forEach((name, a) -> trained.get(name).set(a.toByteBuffer()));
            live.values().forEach(NDArray::close);
        }
    }

    private List<Clip> sample(List<Example> examples, long seed, int steps, double cfg, double sampleShift, boolean matte) {
        try (NDScope scope = new NDScope(); NDManager m = params.manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            int b = examples.size();
            List<String> captions = new ArrayList<>(examples.stream().map(e -> e.captions().getFirst()).toList());
            for (int i = 0; i < b; i++) captions.add("");
            TextEncoder.Encoded encoded = text.encode(m, captions);
            NDArray tokenLayout = recipe.grounding() == Grounding.NONE ? null
                    : layout(m, examples, Collections.nCopies(b, false)) // the unguided half has no layout, as a dropped caption
                            .concat(m.zeros(new Shape(b, tokensSide() * tokensSide(), Layout.FEATURES)), 0);
            long[] shape = arm == Arm.LATENT_V ? new long[] {b, vae.config().vae().latentChannels(), 1, 16, 16} : new long[] {b, channels(), 1, 64, 64};
            NDList noise = new NDList();
            for (int i = 0; i < b; i++) noise.add(Noise.gaussian(m, new Shape(shape).slice(1), new SplittableRandom(seed + i)));
            NDArray x = NDArrays.stack(noise);
            BiFunction<NDArray, Double, NDArray> velocity = (z, t) -> {
                NDArray input = NDArrays.concat(new NDList(z, z));
                NDArray times = m.full(new Shape(2L * b), t.floatValue());
                NDArray out = dit.forward(input, times, encoded, tokenLayout);
                NDArray v = FlowMatching.velocity(prediction(), out, input, times);
                NDList parts = v.split(2, 0);
                return parts.get(1).add(parts.get(0).sub(parts.get(1)).mul((float) cfg));
            };
            double[] times = FlowMatching.schedule(steps, sampleShift);
            for (int i = 0; i < steps; i++) {
                try (NDScope step = new NDScope()) {
                    step.suppressNotUsedWarning();
                    x = FlowMatching.step(FlowMatching.Sampler.HEUN, velocity, x, times[i], times[i + 1]).x();
                    NDScope.unregister(x);
                }
                NDScope.register(x);
            }
            NDArray pixels = arm == Arm.LATENT_V ? vae.vae().decode(vae.denormalise(x)) : !recipe.alpha() ? x : matte ? x.get(":, 3:4").repeat(1, 3) : x.get(":, 0:3");
            return VideoTensors.toClips(pixels, FRAME.fps());
        }
    }

    /**
     * The layout features [B, tokens, Layout.FEATURES] of the examples' first frames, each object's box where its pixels
     * are; none where the caption is dropped, and no colour unless the recipe gives it.
     */
    private NDArray layout(NDManager m, List<Example> examples, List<Boolean> dropped) {
        int size = tokenPixels(), tokens = tokensSide() * tokensSide();
        float[] features = new float[examples.size() * tokens * Layout.FEATURES];
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            if (dropped.get(i) || e.background() == null) continue;
            List<Layout.Placed> placed = new ArrayList<>();
            for (Example.Shown object : e.objects()) {
                int[] box = e.firstFrameBox(object);
                if (box == null) continue;
                // Without the recipe's colour, rgb 0 leaves the layout's colour features at zero.
                int[] colour = recipe.grounding() == Grounding.SHAPE_AND_COLOUR ? e.firstFrameColour(object) : new int[3];
                int rgb = colour[0] << 16 | colour[1] << 8 | colour[2];
                placed.add(new Layout.Placed(object.shape(), (box[0] + box[2] + 1) / 2.0, (box[1] + box[3] + 1) / 2.0,
                        (box[2] - box[0] + 1) / 2.0, (box[3] - box[1] + 1) / 2.0, 0, rgb));
            }
            float[] one = new Layout(FRAME.width(), FRAME.height(), List.of(placed)).features(size);
            System.arraycopy(one, 0, features, i * one.length, one.length);
        }
        return m.create(features, new Shape(examples.size(), tokens, Layout.FEATURES));
    }

    /**
     * The example with its lone object rolled to where the recipe's placement puts it: on a solid backdrop a roll
     * redraws the same scene elsewhere, pixel for pixel.
     */
    private static Example placed(Example e, Placement placement, int size) {
        int[] box = e.firstFrameBox(e.objects().getFirst());
        if (box == null) return e;
        int cx = (box[0] + box[2] + 1) / 2, cy = (box[1] + box[3] + 1) / 2;
        int dx = placement == Placement.CENTRED ? FRAME.width() / 2 - cx : Math.round((float) cx / size) * size - cx;
        int dy = placement == Placement.CENTRED ? FRAME.height() / 2 - cy : Math.round((float) cy / size) * size - cy;
        List<Example.Shown> objects = e.objects().stream().map(o -> new Example.Shown(rolled(o.alone(), dx, dy), o.shape(), o.size())).toList();
        return new Example(rolled(e.clip(), dx, dy), e.captions(), e.background(), objects, null);
    }

    /** Every frame of the clip moved by (dx, dy) pixels, wrapping around its edges. */
    private static Clip rolled(Clip clip, int dx, int dy) {
        int w = clip.width(), h = clip.height();
        List<byte[]> frames = clip.frames().stream().map(from -> {
            byte[] to = new byte[from.length];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    System.arraycopy(from, (y * w + x) * 3, to, (Math.floorMod(y + dy, h) * w + Math.floorMod(x + dx, w)) * 3, 3);
                }
            }
            return to;
        }).toList();
        return new Clip(w, h, clip.fps(), frames);
    }

    /**
     * The examples' frames [B, C, 1, 64, 64] as what this arm's DiT works on: latents, pixels, pixels and their coverage
     * in −1..1, or the coverage alone as a white-on-black image.
     */
    private NDArray represent(NDManager m, List<Example> examples) {
        List<Clip> frames = examples.stream().map(Example::clip).toList();
        if (arm == Arm.LATENT_V) return vae.normalise(vae.encode(m, frames));
        if (recipe.matteOnly()) return coverage(m, examples).mul(2).sub(1).repeat(1, 3);
        NDArray pixels = VideoTensors.of(m, frames);
        return recipe.alpha() ? pixels.concat(coverage(m, examples).mul(2).sub(1), 1) : pixels;
    }

    /** Channels of what the DiT works on. */
    private int channels() {
        return arm == Arm.LATENT_V ? vae.config().vae().latentChannels() : recipe.alpha() ? 4 : 3;
    }

    /** Per-cell loss weights [B, 1, 1, H, W] of what the DiT works on: the objects' cells count more when the recipe says so. */
    private NDArray lossWeights(NDManager m, List<Example> examples) {
        int factor = arm == Arm.LATENT_V ? 4 : 1, side = 64 / factor;
        float[] all = new float[examples.size() * side * side];
        for (int i = 0; i < examples.size(); i++) {
            if (recipe.objectWeighted()) System.arraycopy(ObjectWeights.of(examples.get(i), 1, factor), 0, all, i * side * side, side * side);
            else Arrays.fill(all, i * side * side, (i + 1) * side * side, 1f);
        }
        return m.create(all, new Shape(examples.size(), 1, 1, side, side));
    }

    /** The examples' first frames' coverage [B, 1, 1, 64, 64]: 1 where an object is drawn. */
    private static NDArray coverage(NDManager m, List<Example> examples) {
        int plane = FRAME.width() * FRAME.height();
        float[] all = new float[examples.size() * plane];
        for (int i = 0; i < examples.size(); i++) System.arraycopy(ObjectWeights.coverage(examples.get(i)), 0, all, i * plane, plane);
        return m.create(all, new Shape(examples.size(), 1, 1, FRAME.height(), FRAME.width()));
    }

    /** Pixels a side of one DiT token: the latent arm's 2×2 latent patches are 8×8 pixels, as the pixel arm's default. */
    private int tokenPixels() {
        return tokenPixels(arm, recipe);
    }

    private static int tokenPixels(Arm arm, Recipe recipe) {
        return arm == Arm.PIXEL_X && recipe.patch() > 0 ? recipe.patch() : PIXEL_PATCH;
    }

    private int width() {
        return recipe.width() > 0 ? recipe.width() : WIDTH;
    }

    private int tokensSide() {
        return FRAME.width() / tokenPixels();
    }

    private FlowMatching.Prediction prediction() {
        return arm == Arm.LATENT_V ? FlowMatching.Prediction.VELOCITY : FlowMatching.Prediction.CLEAN;
    }

    /** The timestep shift the arm trains at. */
    public double shift() {
        if (recipe.shift() > 0) return recipe.shift();
        return arm == Arm.LATENT_V ? LATENT_SHIFT : PIXEL_SHIFT;
    }

    @Override
    public void close() {
        parallel.close();
        params.close();
    }
}
