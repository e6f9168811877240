package dev.kineto.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.kineto.video.Clip;
import dev.kineto.world.CameraState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * How a layered model draws a video from its plan (ModelConfig.Representation.LAYERS), as a cut-out animation is
 * made: its backdrop DiT draws the background once from the text and the planned pattern and colours; its matte DiT
 * draws each planned object's coverage once, large at the frame's centre, from the text and that object's box; each
 * frame is then the backdrop moved by the plan's camera with every object's matte moved, turned and scaled to where the
 * plan puts it on that frame and filled in its planned colour, in the plan's order. What the DiTs draw does not grow
 * with the video's length.
 */
final class LayeredSampler {
    /**
     * The half side a matte is drawn at, over the frame's shorter side, unless its object is planned larger: the
     * world's large objects' (its small ones are 4-5 pixels across at 64x64, under a token), so an outline gets
     * several tokens and is scaled down to a small object's box rather than drawn inside one token.
     */
    static final double MATTE_HALF_SIDE = 0.14;

    private final VideoModel model;
    private final FlowMatching.Sampler sampler;

    LayeredSampler(VideoModel model, FlowMatching.Sampler sampler) {
        this.model = model;
        this.sampler = sampler;
    }

    /** One matte to draw: request r's object, at the pose it is drawn in. */
    private record Matte(int request, int object, Layout.Placed pose) {}

    List<Clip> sample(List<GenerationRequest> batch, List<Layout> plans, StepListener listener) {
        GenerationRequest first = batch.getFirst();
        int b = batch.size(), w = first.width(), h = first.height();
        boolean guided = batch.stream().anyMatch(r -> r.cfg() != 1);
        List<Matte> mattes = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < plans.get(i).objects(); k++) mattes.add(new Matte(i, k, pose(plans.get(i), k)));
        }
        double[] times = FlowMatching.schedule(first.steps(), FlowMatching.resolutionShift(model.config().shift(),
                model.config().tokens(first.frames(), h, w), model.config().trainedTokens()));
        double[] backdropTimes = FlowMatching.schedule(first.steps(), FlowMatching.resolutionShift(ModelConfig.BACKDROP_SHIFT,
                model.config().tokens(first.frames(), h, w), model.config().trainedTokens()));
        try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            float[] cfg = new float[b];
            for (int i = 0; i < b; i++) cfg[i] = (float) batch.get(i).cfg();
            NDList noise = new NDList();
            for (GenerationRequest r : batch) noise.add(Noise.gaussian(m, new Shape(3, 1, h, w), new SplittableRandom(r.seed())));
            NDArray backdrop = NDArrays.stack(noise);
            TextEncoder.Encoded text = model.text().encode(m, captions(batch, java.util.stream.IntStream.range(0, b).boxed().toList(), guided));
            var backdropVelocity = guidedVelocity(model.dit(), m, text, backdropLayout(m, plans, guided), m.create(cfg, new Shape(b, 1, 1, 1, 1)), guided);

            NDArray matte = null;
            BiFunction<NDArray, Double, NDArray> matteVelocity = null;
            if (!mattes.isEmpty()) {
                NDList matteNoise = new NDList();
                float[] scales = new float[mattes.size()];
                for (int j = 0; j < mattes.size(); j++) {
                    Matte one = mattes.get(j);
                    matteNoise.add(Noise.gaussian(m, new Shape(1, 1, h, w), new SplittableRandom(batch.get(one.request()).seed() + 1 + one.object())));
                    scales[j] = cfg[one.request()];
                }
                matte = NDArrays.stack(matteNoise);
                TextEncoder.Encoded matteText = model.text().encode(m, captions(batch, mattes.stream().map(Matte::request).toList(), guided));
                matteVelocity = guidedVelocity(model.matte(), m, matteText, matteLayout(m, mattes, w, h, guided), m.create(scales, new Shape(mattes.size(), 1, 1, 1, 1)), guided);
            }

            int steps = times.length - 1;
            for (int i = 0; i < steps; i++) {
                try (NDScope stepScope = new NDScope()) {
                    stepScope.suppressNotUsedWarning();
                    FlowMatching.Step step = FlowMatching.step(sampler, backdropVelocity, backdrop, backdropTimes[i], backdropTimes[i + 1]);
                    float[] backdropEstimate = FlowMatching.denoised(backdrop, step.velocity(), backdropTimes[i]).toFloatArray(), matteEstimate = new float[0];
                    backdrop = step.x();
                    NDScope.unregister(backdrop);
                    if (matte != null) {
                        FlowMatching.Step s = FlowMatching.step(sampler, matteVelocity, matte, times[i], times[i + 1]);
                        matteEstimate = FlowMatching.denoised(matte, s.velocity(), times[i]).toFloatArray();
                        matte = s.x();
                        NDScope.unregister(matte);
                    }
                    float[] estimate = matteEstimate;
                    listener.onStep(i + 1, steps, () -> compose(batch, plans, mattes, backdropEstimate, estimate));
                }
                NDScope.register(backdrop);
                if (matte != null) NDScope.register(matte);
            }
            return compose(batch, plans, mattes, backdrop.toFloatArray(), matte == null ? new float[0] : matte.toFloatArray());
        }
    }

    /** The pose object k's matte is drawn in: at the frame's centre, unturned, at its largest planned size or MATTE_HALF_SIDE if larger. */
    private static Layout.Placed pose(Layout plan, int k) {
        double half = MATTE_HALF_SIDE * Math.min(plan.width(), plan.height());
        for (List<Layout.Placed> frame : plan.frames()) half = Math.max(half, Math.max(frame.get(k).halfWidth(), frame.get(k).halfHeight()));
        Layout.Placed start = plan.frames().getFirst().get(k);
        return new Layout.Placed(start.shape(), plan.width() / 2.0, plan.height() / 2.0, half, half, 0, start.rgb());
    }

    /** The prompts of the requests at rows, and below them their negative prompts when guided: the rows of a guided pass. */
    private static List<String> captions(List<GenerationRequest> batch, List<Integer> rows, boolean guided) {
        List<String> out = new ArrayList<>(rows.stream().map(i -> batch.get(i).prompt()).toList());
        if (guided) out.addAll(rows.stream().map(i -> batch.get(i).negativePrompt()).toList());
        return out;
    }

    /** The DiT's guided velocity: rows [cond; uncond] when guided (a layout, if any, on both: a matte is always drawn from its plan). */
    private BiFunction<NDArray, Double, NDArray> guidedVelocity(Dit dit, NDManager m, TextEncoder.Encoded text, NDArray layout, NDArray cfg, boolean guided) {
        return (z, t) -> {
            NDArray input = guided ? NDArrays.concat(new NDList(z, z)) : z;
            NDArray times = m.full(new Shape(input.getShape().get(0)), t.floatValue());
            NDArray v = FlowMatching.velocity(model.config().prediction(), dit.forward(input, times, text, layout), input, times);
            if (!guided) return v;
            NDList parts = v.split(2, 0);
            return parts.get(1).add(parts.get(0).sub(parts.get(1)).mul(cfg));
        };
    }

    /** The planned backgrounds' features [rows, tokens, Layout.BACKDROP_FEATURES]: the plan on both halves when guided, as for a matte. */
    private NDArray backdropLayout(NDManager m, List<Layout> plans, boolean guided) {
        return guidedRows(m, plans.stream().map(plan -> plan.backdropFeatures(model.config().pixelsPerToken())).toList(), Layout.BACKDROP_FEATURES, guided);
    }

    /** The layout [rows, tokens, F] of each matte: its object alone in its pose; twice over when guided. */
    private NDArray matteLayout(NDManager m, List<Matte> mattes, int w, int h, boolean guided) {
        int tokenPixels = model.config().pixelsPerToken();
        return guidedRows(m, mattes.stream().map(matte -> new Layout(w, h, List.of(List.of(matte.pose()))).features(tokenPixels)).toList(), Layout.FEATURES, guided);
    }

    /** Rows of features [rows, tokens, features] from one array a row, repeated below for the unguided half when guided. */
    private static NDArray guidedRows(NDManager m, List<float[]> rows, int features, boolean guided) {
        int n = rows.getFirst().length, copies = guided ? 2 : 1;
        float[] all = new float[copies * rows.size() * n];
        for (int copy = 0; copy < copies; copy++) {
            for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, all, (copy * rows.size() + i) * n, n);
        }
        return m.create(all, new Shape(copies * rows.size(), n / features, features));
    }

    /** The videos: backdrops [B, 3, 1, H, W] and mattes [N, 1, 1, H, W] (both in −1..1) composed by the plans. */
    private static List<Clip> compose(List<GenerationRequest> batch, List<Layout> plans, List<Matte> mattes, float[] backdrops, float[] matteValues) {
        GenerationRequest first = batch.getFirst();
        int w = first.width(), h = first.height(), plane = w * h;
        List<Clip> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Layout plan = plans.get(i);
            List<byte[]> frames = new ArrayList<>();
            for (int f = 0; f < first.frames(); f++) {
                float[] frame = seen(backdrops, i * 3 * plane, w, h, plan.camera().get(f));
                for (int j = 0; j < mattes.size(); j++) {
                    Matte matte = mattes.get(j);
                    if (matte.request() != i) continue;
                    Layout.Placed at = plan.frames().get(f).get(matte.object());
                    float[] alpha = placed(matteValues, j * plane, w, h, matte.pose(), at);
                    for (int c = 0; c < 3; c++) {
                        float colour = (at.rgb() >> (16 - 8 * c) & 0xff) / 255f;
                        for (int p = 0; p < plane; p++) frame[c * plane + p] += alpha[p] * (colour - frame[c * plane + p]);
                    }
                }
                byte[] rgb = new byte[3 * plane];
                for (int p = 0; p < plane; p++) {
                    for (int c = 0; c < 3; c++) rgb[3 * p + c] = (byte) Math.round(255 * Math.clamp(frame[c * plane + p], 0f, 1f));
                }
                frames.add(rgb);
            }
            out.add(new Clip(w, h, first.fps(), frames));
        }
        return out;
    }

    /**
     * A matte drawn in pose (values in −1..1 from offset) as coverage in 0..1 where the plan places its object: each
     * pixel is taken back through the placement's turn and scale to the pose, and read bilinearly (0 off the drawing).
     */
    static float[] placed(float[] mattes, int offset, int w, int h, Layout.Placed pose, Layout.Placed at) {
        float[] out = new float[w * h];
        double cos = Math.cos(at.rotation() - pose.rotation()), sin = Math.sin(at.rotation() - pose.rotation());
        double sx = pose.halfWidth() / Math.max(1e-6, at.halfWidth()), sy = pose.halfHeight() / Math.max(1e-6, at.halfHeight());
        Texel coverage = (x, y) -> x < 0 || y < 0 || x >= w || y >= h ? 0 : Math.clamp((mattes[offset + y * w + x] + 1) / 2, 0f, 1f);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double lx = x + 0.5 - at.x(), ly = y + 0.5 - at.y();
                out[y * w + x] = (float) bilinear(coverage, (lx * cos + ly * sin) * sx + pose.x() - 0.5, (-lx * sin + ly * cos) * sy + pose.y() - 0.5);
            }
        }
        return out;
    }

    /**
     * The backdrop [3, H, W] at offset (in −1..1) as the camera state sees it, in 0..1: the world's screen = (p − centre −
     * offset) · zoom + centre, inverted per pixel, read bilinearly; what the first view did not show is mirrored in from its edges.
     */
    static float[] seen(float[] backdrops, int offset, int w, int h, CameraState camera) {
        int plane = w * h;
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int base = offset + c * plane;
            Texel channel = (x, y) -> (backdrops[base + mirror(y, h) * w + mirror(x, w)] + 1) / 2;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double px = (x + 0.5 - w / 2.0) / camera.zoom() + w / 2.0 + camera.x() - 0.5;
                    double py = (y + 0.5 - h / 2.0) / camera.zoom() + h / 2.0 + camera.y() - 0.5;
                    out[c * plane + y * w + x] = (float) bilinear(channel, px, py);
                }
            }
        }
        return out;
    }

    /** A layer's value at whole pixel (x, y), wherever that is. */
    private interface Texel {
        double at(int x, int y);
    }

    /** The layer read between pixels at (px, py), pixel centres at whole numbers. */
    private static double bilinear(Texel layer, double px, double py) {
        int x0 = (int) Math.floor(px), y0 = (int) Math.floor(py);
        double fx = px - x0, fy = py - y0;
        double top = (1 - fx) * layer.at(x0, y0) + fx * layer.at(x0 + 1, y0), bottom = (1 - fx) * layer.at(x0, y0 + 1) + fx * layer.at(x0 + 1, y0 + 1);
        return (1 - fy) * top + fy * bottom;
    }

    /** Index i reflected into 0 .. n − 1 (…, 1, 0, 0, 1, …, n − 1, n − 1, n − 2, …). */
    private static int mirror(int i, int n) {
        int period = 2 * n, r = Math.floorMod(i, period);
        return r < n ? r : period - 1 - r;
    }
}
