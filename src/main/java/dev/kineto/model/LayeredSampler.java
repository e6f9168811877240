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
 * How a layered model draws a video from its plan (ModelConfig.Representation.LAYERS): its backdrop DiT draws the
 * background once from the text; its matte DiT draws each planned object's coverage on each frame, one lone frame at a
 * time, from the text and that object's box; each frame is then the backdrop moved by the plan's camera with every
 * matte filled in its object's planned colour, in the plan's order. An object's matte starts from the same noise on
 * every frame, moved with the object, so it keeps its look as it moves.
 */
final class LayeredSampler {
    /** Lone frames one DiT pass takes at most: a long video's mattes go through in chunks, so a pass's memory does not grow with its length. */
    static final int CHUNK = 64;

    private final VideoModel model;
    private final FlowMatching.Sampler sampler;

    LayeredSampler(VideoModel model, FlowMatching.Sampler sampler) {
        this.model = model;
        this.sampler = sampler;
    }

    /** One matte to draw: request r's object on frame f. */
    private record Matte(int request, int object, int frame) {}

    List<Clip> sample(List<GenerationRequest> batch, List<Layout> plans, StepListener listener) {
        GenerationRequest first = batch.getFirst();
        int b = batch.size(), w = first.width(), h = first.height(), frames = first.frames();
        boolean guided = batch.stream().anyMatch(r -> r.cfg() != 1);
        List<Matte> mattes = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < plans.get(i).objects(); k++) for (int f = 0; f < frames; f++) mattes.add(new Matte(i, k, f));
        }
        double[] times = FlowMatching.schedule(first.steps(), FlowMatching.resolutionShift(model.config().shift(),
                model.config().tokens(frames, h, w), model.config().trainedTokens()));
        try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            TextEncoder.Encoded text = model.text().encode(m, captions(batch.stream().map(GenerationRequest::prompt).toList(),
                    batch.stream().map(GenerationRequest::negativePrompt).toList(), guided));
            float[] cfg = new float[b];
            for (int i = 0; i < b; i++) cfg[i] = (float) batch.get(i).cfg();

            NDList backdropNoise = new NDList();
            for (GenerationRequest r : batch) backdropNoise.add(Noise.gaussian(m, new Shape(3, 1, h, w), new SplittableRandom(r.seed())));
            NDArray backdrop = NDArrays.stack(backdropNoise);
            NDArray backdropCfg = m.create(cfg, new Shape(b, 1, 1, 1, 1));
            BiFunction<NDArray, Double, NDArray> backdropVelocity = guidedVelocity(model.dit(), m, text, null, backdropCfg, guided);

            List<NDArray> matteX = new ArrayList<>();
            List<BiFunction<NDArray, Double, NDArray>> matteVelocity = new ArrayList<>();
            for (int from = 0; from < mattes.size(); from += CHUNK) {
                List<Matte> chunk = mattes.subList(from, Math.min(mattes.size(), from + CHUNK));
                matteX.add(matteNoise(m, chunk, batch, plans, w, h));
                float[] scales = new float[chunk.size()];
                for (int j = 0; j < chunk.size(); j++) scales[j] = cfg[chunk.get(j).request()];
                TextEncoder.Encoded chunkText = model.text().encode(m, captions(chunk.stream().map(c -> batch.get(c.request()).prompt()).toList(),
                        chunk.stream().map(c -> batch.get(c.request()).negativePrompt()).toList(), guided));
                NDArray layout = matteLayout(m, chunk, plans, guided);
                matteVelocity.add(guidedVelocity(model.matte(), m, chunkText, layout, m.create(scales, new Shape(chunk.size(), 1, 1, 1, 1)), guided));
            }

            int steps = times.length - 1;
            for (int i = 0; i < steps; i++) {
                try (NDScope stepScope = new NDScope()) {
                    stepScope.suppressNotUsedWarning();
                    FlowMatching.Step step = FlowMatching.step(sampler, backdropVelocity, backdrop, times[i], times[i + 1]);
                    NDArray backdropEstimate = FlowMatching.denoised(backdrop, step.velocity(), times[i]);
                    backdrop = step.x();
                    NDScope.unregister(backdrop);
                    List<float[]> matteEstimates = new ArrayList<>();
                    for (int c = 0; c < matteX.size(); c++) {
                        // Each chunk's pass is freed before the next one's, so a step holds one chunk's activations however long the video.
                        try (NDScope chunkScope = new NDScope()) {
                            chunkScope.suppressNotUsedWarning();
                            FlowMatching.Step s = FlowMatching.step(sampler, matteVelocity.get(c), matteX.get(c), times[i], times[i + 1]);
                            matteEstimates.add(FlowMatching.denoised(matteX.get(c), s.velocity(), times[i]).toFloatArray());
                            matteX.get(c).close();
                            NDScope.unregister(s.x());
                            matteX.set(c, s.x());
                        }
                    }
                    float[] backdropPixels = backdropEstimate.toFloatArray(), mattePixels = concat(matteEstimates);
                    listener.onStep(i + 1, steps, () -> compose(batch, plans, mattes, backdropPixels, mattePixels));
                }
                NDScope.register(backdrop);
                matteX.forEach(NDScope::register);
            }
            return compose(batch, plans, mattes, backdrop.toFloatArray(), concat(matteX.stream().map(NDArray::toFloatArray).toList()));
        }
    }

    /** The prompts, and below them the negative prompts when guided: the rows of a guided pass. */
    private static List<String> captions(List<String> prompts, List<String> negatives, boolean guided) {
        List<String> out = new ArrayList<>(prompts);
        if (guided) out.addAll(negatives);
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

    /**
     * Each matte's starting noise [N, 1, 1, H, W]: one field an object, drawn from its request's seed, moved on each frame
     * by how far the object's box has moved since frame 0 (whole pixels, wrapping), so the noise travels with it.
     */
    private static NDArray matteNoise(NDManager m, List<Matte> chunk, List<GenerationRequest> batch, List<Layout> plans, int w, int h) {
        int plane = w * h;
        float[] out = new float[chunk.size() * plane];
        for (int j = 0; j < chunk.size(); j++) {
            Matte matte = chunk.get(j);
            Layout plan = plans.get(matte.request());
            float[] field = Noise.gaussian(m, new Shape(plane), new SplittableRandom(batch.get(matte.request()).seed() + 1 + matte.object())).toFloatArray();
            Layout.Placed start = plan.frames().getFirst().get(matte.object()), now = plan.frames().get(matte.frame()).get(matte.object());
            int dx = (int) Math.round(now.x() - start.x()), dy = (int) Math.round(now.y() - start.y());
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) out[j * plane + y * w + x] = field[Math.floorMod(y - dy, h) * w + Math.floorMod(x - dx, w)];
            }
        }
        return m.create(out, new Shape(chunk.size(), 1, 1, h, w));
    }

    /** The layout [rows, tokens, F] of each matte: its object alone on its frame; twice over when guided. */
    private NDArray matteLayout(NDManager m, List<Matte> chunk, List<Layout> plans, boolean guided) {
        Layout any = plans.get(chunk.getFirst().request());
        int tokenPixels = model.config().pixelsPerToken(), n = (any.width() / tokenPixels) * (any.height() / tokenPixels) * Layout.FEATURES;
        float[] all = new float[(guided ? 2 : 1) * chunk.size() * n];
        for (int j = 0; j < chunk.size(); j++) {
            Matte matte = chunk.get(j);
            Layout plan = plans.get(matte.request());
            float[] one = new Layout(plan.width(), plan.height(), List.of(List.of(plan.frames().get(matte.frame()).get(matte.object())))).features(tokenPixels);
            System.arraycopy(one, 0, all, j * n, n);
            if (guided) System.arraycopy(one, 0, all, (chunk.size() + j) * n, n);
        }
        return m.create(all, new Shape((guided ? 2 : 1) * chunk.size(), n / Layout.FEATURES, Layout.FEATURES));
    }

    private static float[] concat(List<float[]> chunks) {
        float[] out = new float[chunks.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (float[] chunk : chunks) {
            System.arraycopy(chunk, 0, out, at, chunk.length);
            at += chunk.length;
        }
        return out;
    }

    /** The videos: backdrops [B, 3, 1, H, W] and mattes [N, 1, 1, H, W] (both in −1..1) composed by the plans. */
    private static List<Clip> compose(List<GenerationRequest> batch, List<Layout> plans, List<Matte> mattes, float[] backdrops, float[] matteValues) {
        GenerationRequest first = batch.getFirst();
        int w = first.width(), h = first.height(), plane = w * h;
        List<Clip> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < batch.size(); i++) {
            Layout plan = plans.get(i);
            List<byte[]> frames = new ArrayList<>();
            for (int f = 0; f < first.frames(); f++) {
                float[] frame = seen(backdrops, i * 3 * plane, w, h, plan.camera().get(f));
                for (int k = 0; k < plan.objects(); k++) {
                    int index = next + k * first.frames() + f;
                    if (!mattes.get(index).equals(new Matte(i, k, f))) throw new IllegalStateException("mattes out of order");
                    int rgb = plan.frames().get(f).get(k).rgb();
                    for (int c = 0; c < 3; c++) {
                        float colour = (rgb >> (16 - 8 * c) & 0xff) / 255f;
                        for (int p = 0; p < plane; p++) {
                            float alpha = Math.clamp((matteValues[index * plane + p] + 1) / 2, 0f, 1f);
                            frame[c * plane + p] += alpha * (colour - frame[c * plane + p]);
                        }
                    }
                }
                byte[] rgb = new byte[3 * plane];
                for (int p = 0; p < plane; p++) {
                    for (int c = 0; c < 3; c++) rgb[3 * p + c] = (byte) Math.round(255 * Math.clamp(frame[c * plane + p], 0f, 1f));
                }
                frames.add(rgb);
            }
            next += plan.objects() * first.frames();
            out.add(new Clip(w, h, first.fps(), frames));
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
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double px = (x + 0.5 - w / 2.0) / camera.zoom() + w / 2.0 + camera.x() - 0.5;
                double py = (y + 0.5 - h / 2.0) / camera.zoom() + h / 2.0 + camera.y() - 0.5;
                int x0 = (int) Math.floor(px), y0 = (int) Math.floor(py);
                double fx = px - x0, fy = py - y0;
                for (int c = 0; c < 3; c++) {
                    int base = offset + c * plane;
                    double top = (1 - fx) * backdrops[base + mirror(y0, h) * w + mirror(x0, w)] + fx * backdrops[base + mirror(y0, h) * w + mirror(x0 + 1, w)];
                    double bottom = (1 - fx) * backdrops[base + mirror(y0 + 1, h) * w + mirror(x0, w)] + fx * backdrops[base + mirror(y0 + 1, h) * w + mirror(x0 + 1, w)];
                    out[c * plane + y * w + x] = (float) (((1 - fy) * top + fy * bottom) + 1) / 2;
                }
            }
        }
        return out;
    }

    /** Index i reflected into 0 .. n − 1 (…, 1, 0, 0, 1, …, n − 1, n − 1, n − 2, …). */
    private static int mirror(int i, int n) {
        int period = 2 * n, r = Math.floorMod(i, period);
        return r < n ? r : period - 1 - r;
    }
}
