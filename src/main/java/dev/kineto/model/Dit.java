package dev.kineto.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import dev.kineto.model.Layers.Attention;
import dev.kineto.model.Layers.Dense;
import dev.kineto.model.Layers.Mlp;
import dev.kineto.model.Layers.Norm;
import java.util.ArrayList;
import java.util.List;

/**
 * Diffusion Transformer over spacetime patches of the video (a VAE latent, or pixels): DiT with adaLN-Zero, plus
 * Wan-style cross-attention to the text tokens and QK-norm. The time may differ per frame (Diffusion Forcing, LTX-Video's
 * per-token timesteps): a frame given as a condition is clean at t = 0 while the others are noisy, and each frame's
 * tokens are modulated by their own frame's time. 3D sin-cos positions are computed for whatever shape comes in, so
 * other frame counts, sizes and aspect ratios than the trained ones work.
 */
public final class Dit {

    /**
     * DiT size: patch (spatial; 1 in time), width, depth, heads, the classes of the probe's two read-outs (the
     * trainer's shape and size labels; 0 leaves the probe out, as in models built only to sample), the channels and
     * halvings of the convolutional hourglass (0 channels: none; the DiT patches its input and its patches are the
     * output), whether positions are rotary in self-attention (rope) instead of sin-cos vectors added to the tokens,
     * whether the output is composited (see {@link Composite}), how many layout features a token is grounded on (0:
     * no layout), and whether adaLN is modulated by the time alone instead of the time and the pooled caption.
     */
    public record Config(int patch, int width, int depth, int heads, int probeShapes, int probeSizes, int hourglass, int hourglassLevels, boolean rope,
                         boolean composite, int layoutFeatures, boolean timeOnlyModulation) {
        public Config(int patch, int width, int depth, int heads) {
            this(patch, width, depth, heads, 0, 0, 0, 0, false, false, 0, false);
        }

        /** This size with a probe of the given classes. */
        public Config withProbe(int shapes, int sizes) {
            return new Config(patch, width, depth, heads, shapes, sizes, hourglass, hourglassLevels, rope, composite, layoutFeatures, timeOnlyModulation);
        }

        /** This size inside a convolutional hourglass of the given channels at full resolution, halving the frame levels times (the patch must divide by 2^levels). */
        public Config withHourglass(int channels, int levels) {
            return new Config(patch, width, depth, heads, probeShapes, probeSizes, channels, channels > 0 ? levels : 0, rope, composite, layoutFeatures, timeOnlyModulation);
        }

        /** This size with rotary positions (or sin-cos ones). */
        public Config withRope(boolean rotary) {
            return new Config(patch, width, depth, heads, probeShapes, probeSizes, hourglass, hourglassLevels, rotary, composite, layoutFeatures, timeOnlyModulation);
        }

        /** This size grounded on a layout of that many features a token (0: none; see {@link Layout}). */
        public Config withLayout(int features) {
            return new Config(patch, width, depth, heads, probeShapes, probeSizes, hourglass, hourglassLevels, rope, composite, features, timeOnlyModulation);
        }

        /** This size with adaLN modulated by the time alone (PixArt's and Wan's), the text reaching the tokens only by cross-attention; or by time and pooled text. */
        public Config withTimeOnlyModulation(boolean timeOnly) {
            return new Config(patch, width, depth, heads, probeShapes, probeSizes, hourglass, hourglassLevels, rope, composite, layoutFeatures, timeOnly);
        }

        /** This size with a compositing output (or a plain linear one). */
        public Config withComposite(boolean composited) {
            return new Config(patch, width, depth, heads, probeShapes, probeSizes, hourglass, hourglassLevels, rope, composited, layoutFeatures, timeOnlyModulation);
        }

        /** Pixels (or latent cells) a side of what one token is cut from: the patch, halved at each of the hourglass's levels. */
        int tokenPatch() {
            return patch >> hourglassLevels;
        }
    }

    /** Cuts the latent [B, C, T, H, W] into 1×p×p patches and embeds them: → [B, T·H/p·W/p, width]. */
    record PatchEmbed(Dense proj, int patch) {
        NDArray forward(NDArray z) {
            Shape s = z.getShape();
            long b = s.get(0), c = s.get(1), t = s.get(2), h = s.get(3) / patch, w = s.get(4) / patch;
            NDArray patches = z.reshape(b, c, t, h, patch, w, patch).transpose(0, 2, 3, 5, 1, 4, 6)
                    .reshape(b, t * h * w, c * patch * patch);
            return proj.forward(patches);
        }
    }

    /** Timesteps t ∈ [0, 1], [B, G] (one a frame, or G = 1 for the whole clip) → sinusoid → MLP → [B, G, width]. */
    record TimestepEmbedder(Dense fc1, Dense fc2) {
        static final int FREQUENCIES = 256;

        NDArray forward(NDArray t) {
            double[] ts = new double[(int) t.size()];
            float[] values = t.toFloatArray();
            for (int i = 0; i < ts.length; i++) ts[i] = values[i] * 1000.0;
            float[][] features = Layers.sinusoid(ts, FREQUENCIES, 10000);
            NDArray x = t.getManager().create(features);
            return fc2.forward(Layers.silu(fc1.forward(x))).reshape(t.getShape().get(0), t.getShape().get(1), -1);
        }
    }

    /** Self-attention, cross-attention to text, MLP; adaLN-Zero modulation from each frame's conditioning vector. */
    record Block(Norm norm1, Attention selfAttention, Norm norm2, Attention crossAttention, Norm norm3, Mlp mlp, Dense modulation) {
        static Block of(Params p, String name, Config c, int textWidth) {
            return new Block(Norm.of(p, name + ".norm1", c.width()), Attention.of(p, name + ".self_attn", c.width(), c.width(), c.heads()),
                    Norm.of(p, name + ".norm2", c.width()), Attention.zeroOut(p, name + ".cross_attn", c.width(), textWidth, c.heads()),
                    Norm.of(p, name + ".norm3", c.width()), Mlp.of(p, name + ".mlp", c.width()),
                    Dense.zero(p, name + ".adaLN_modulation", c.width(), 6 * c.width()));
        }

        /** x [B, N, width], cond [B, G, width] for G groups of consecutive tokens (frames, or one group); rope may be null. */
        NDArray forward(NDArray x, NDArray cond, TextEncoder.Encoded text, Layers.Rope rope) {
            Shape tokens = x.getShape();
            NDList m = modulation.forward(Layers.silu(cond)).expandDims(2).split(6, 3);
            NDArray h = modulate(grouped(norm1.forward(x), cond), m.get(0), m.get(1)).reshape(tokens);
            x = x.add(grouped(selfAttention.forward(h, h, null, rope), cond).mul(m.get(2)).reshape(tokens));
            x = x.add(crossAttention.forward(norm2.forward(x), text.tokens(), text.keyMask()));
            NDArray g = modulate(grouped(norm3.forward(x), cond), m.get(3), m.get(4)).reshape(tokens);
            return x.add(grouped(mlp.forward(g), cond).mul(m.get(5)).reshape(tokens));
        }
    }

    /** adaLN modulation of the final norm, then a zero-initialised projection back to patches. */
    record FinalLayer(Norm norm, Dense modulation, Dense proj) {
        NDArray forward(NDArray x, NDArray cond) {
            NDList m = modulation.forward(Layers.silu(cond)).expandDims(2).split(2, 3);
            return proj.forward(modulate(grouped(norm.forward(x), cond), m.get(0), m.get(1)).reshape(x.getShape()));
        }
    }

    /**
     * A compositing output: each pixel is a backdrop colour, a foreground colour and a coverage α, and shows
     * backdrop + α·(foreground − backdrop). A plain linear head must make an outline's pixels as products of where the
     * outline falls and which two colours meet there; here the trunk says where (α) apart from the colours.
     */
    record Composite(int channels) {
        /** Output channels of the final projection a pixel: backdrop and foreground colours and one coverage. */
        int projected() {
            return 2 * channels + 1;
        }

        /** [B, 2C + 1, T, H, W] → the composite [B, C, T, H, W] and its coverage [B, 1, T, H, W]. */
        NDList forward(NDArray x) {
            NDList parts = x.split(new long[] {channels, 2L * channels}, 1);
            NDArray backdrop = parts.get(0), alpha = Activation.sigmoid(parts.get(2));
            return new NDList(backdrop.add(parts.get(1).sub(backdrop).mul(alpha)), alpha);
        }
    }

    /** A 3×3 convolution over frames [B·T, C, H, W], at stride 1 or 2. */
    record Conv(NDArray weight, NDArray bias, int stride) {
        static Conv of(Params p, String name, int in, int out, int stride) {
            return new Conv(p.normal(name + ".weight", Math.sqrt(2.0 / (in * 9)), out, in, 3, 3), p.constant(name + ".bias", 0, out), stride);
        }

        /** A convolution that starts at zero, so the output it ends begins as zero (as the final layer's projection). */
        static Conv zero(Params p, String name, int in, int out) {
            return new Conv(p.normal(name + ".weight", 0, out, in, 3, 3), p.constant(name + ".bias", 0, out), 1);
        }

        NDArray forward(NDArray x) {
            return Conv2d.conv2d(x, weight, bias, new Shape(stride, stride), new Shape(1, 1)).singletonOrThrow();
        }
    }

    /**
     * A convolutional hourglass around the transformer (the U-Net stages of HDiT and U-ViT): a stem draws features at full
     * resolution and at each halving (channels doubling) with filters shared by every place in the frame, the tokens are
     * cut from the lowest level's features, and the decoder climbs back adding the stem's features at each level, so an
     * outline is drawn by the same filters wherever it falls while the transformer decides what goes where.
     */
    record Hourglass(Conv in, List<Conv> down, Conv mid, List<Conv> up, Conv out) {
        static Hourglass of(Params p, String name, int inputChannels, int channels, int levels) {
            Conv in = Conv.of(p, name + ".in", inputChannels, channels, 1);
            List<Conv> down = new ArrayList<>(), up = new ArrayList<>();
            for (int l = 0; l < levels; l++) down.add(Conv.of(p, name + ".down." + l, channels << l, channels << (l + 1), 2));
            Conv mid = Conv.of(p, name + ".mid", channels << levels, channels << levels, 1);
            for (int l = 0; l < levels; l++) up.add(Conv.of(p, name + ".up." + l, channels << (l + 1), channels << l, 1));
            return new Hourglass(in, down, mid, up, Conv.zero(p, name + ".out", channels, inputChannels));
        }

        /** The stem's features of frames [B·T, C, H, W]: full resolution first, then each halving. */
        NDList encode(NDArray frames) {
            NDList stem = new NDList(Layers.silu(in.forward(frames)));
            for (Conv conv : down) stem.add(Layers.silu(conv.forward(stem.getLast())));
            return stem;
        }

        /** Output frames from the tokens' lowest-level features and the stem's. */
        NDArray decode(NDArray tokens, NDList stem) {
            NDArray x = Layers.silu(mid.forward(tokens.add(stem.getLast())));
            for (int l = up.size() - 1; l >= 0; l--) {
                x = Layers.silu(up.get(l).forward(x.repeat(2, 2).repeat(3, 2)).add(stem.get(l)));
            }
            return out.forward(x);
        }

        /** Video [B, C, T, H, W] as frames [B·T, C, H, W]. */
        static NDArray frames(NDArray video) {
            Shape s = video.getShape();
            return video.transpose(0, 2, 1, 3, 4).reshape(s.get(0) * s.get(2), s.get(1), s.get(3), s.get(4));
        }

        /** Frames [B·T, C, H, W] as video [B, C, T, H, W]. */
        static NDArray video(NDArray frames, long b) {
            Shape s = frames.getShape();
            return frames.reshape(b, s.get(0) / b, s.get(1), s.get(2), s.get(3)).transpose(0, 2, 1, 3, 4);
        }
    }

    /** Linear read-outs of the middle block's tokens: the shape and size class of the object each token shows. */
    record Probe(Dense shape, Dense size) {}

    /** The prediction, and the probe's logits [B, N, classes] for the trainer's auxiliary loss. */
    public record Probed(NDArray output, NDArray shapeLogits, NDArray sizeLogits) {}

    static NDArray modulate(NDArray x, NDArray shift, NDArray scale) {
        return x.mul(scale.add(1)).add(shift);
    }

    /** Tokens [B, N, width] as [B, G, N / G, width], one group per row of cond [B, G, width]. */
    static NDArray grouped(NDArray x, NDArray cond) {
        Shape s = x.getShape();
        long groups = cond.getShape().get(1);
        return x.reshape(s.get(0), groups, s.get(1) / groups, s.get(2));
    }

    private final Config config;
    private final int latentChannels;
    private final PatchEmbed patchEmbed;
    private final TimestepEmbedder timestepEmbedder;
    private final Dense textPool;
    private final List<Block> blocks = new ArrayList<>();
    private final FinalLayer finalLayer;
    private final Hourglass hourglass;
    private final Composite composite;
    private final Dense grounding;
    private final Probe probe;

    public Dit(Params p, Config config, int latentChannels, int textWidth) {
        this(p, "dit", config, latentChannels, textWidth);
    }

    /** A DiT whose weights are named under name (a model with two DiTs, as a layered one, names them apart). */
    public Dit(Params p, String name, Config config, int latentChannels, int textWidth) {
        this.config = config;
        this.latentChannels = latentChannels;
        if (config.hourglass() > 0 && (config.hourglassLevels() < 1 || config.tokenPatch() << config.hourglassLevels() != config.patch())) {
            throw new IllegalArgumentException("an hourglass halves the frame 1 or more times and its patch must divide by 2 each time: got patch "
                    + config.patch() + " and " + config.hourglassLevels() + " levels");
        }
        if (config.composite() && config.hourglass() > 0) throw new IllegalArgumentException("a compositing output needs the DiT's own patches, not an hourglass's");
        composite = config.composite() ? new Composite(latentChannels) : null;
        // GLIGEN-style grounding: a token's layout features become part of its embedding, starting at zero as the text paths do.
        grounding = config.layoutFeatures() > 0 ? Dense.zero(p, name + ".grounding", config.layoutFeatures(), config.width()) : null;
        // Inside an hourglass the tokens are cut from the stem's lowest level, so the patch halves at each level.
        int w = config.width(), patchDim = tokenChannels() * config.tokenPatch() * config.tokenPatch();
        int outDim = composite == null ? patchDim : composite.projected() * config.tokenPatch() * config.tokenPatch();
        patchEmbed = new PatchEmbed(Dense.of(p, name + ".patch_embed", patchDim, w), config.tokenPatch());
        timestepEmbedder = new TimestepEmbedder(Dense.of(p, name + ".t_embed.fc1", TimestepEmbedder.FREQUENCIES, w), Dense.of(p, name + ".t_embed.fc2", w, w));
        // The text paths start at zero: random text features added to every token were noise the DiT learnt to suppress by
        // making the jointly trained encoder give every caption the same encoding (docs/model.md, "The text paths").
        textPool = config.timeOnlyModulation() ? null : Dense.zero(p, name + ".text_pool", textWidth, w);
        for (int i = 0; i < config.depth(); i++) blocks.add(Block.of(p, name + ".blocks." + i, config, textWidth));
        // In an hourglass the final layer emits features and the hourglass's last convolution starts at zero instead.
        finalLayer = new FinalLayer(Norm.of(p, name + ".final.norm", w), Dense.zero(p, name + ".final.adaLN_modulation", w, 2 * w),
                config.hourglass() > 0 ? Dense.of(p, name + ".final.proj", w, patchDim) : Dense.zero(p, name + ".final.proj", w, outDim));
        hourglass = config.hourglass() > 0 ? Hourglass.of(p, name + ".hourglass", latentChannels, config.hourglass(), config.hourglassLevels()) : null;
        probe = config.probeShapes() > 0 && config.probeSizes() > 0
                ? new Probe(Dense.of(p, name + ".probe.shape", w, config.probeShapes()), Dense.of(p, name + ".probe.size", w, config.probeSizes()))
                : null;
    }

    public Config config() { return config; }

    /** Channels of what the tokens are cut from: the input, or the hourglass's lowest level. */
    private int tokenChannels() {
        return config.hourglass() > 0 ? config.hourglass() << config.hourglassLevels() : latentChannels;
    }

    /**
     * The prediction (the flow velocity, or the clean video: see {@link FlowMatching.Prediction}) for noisy z [B, C, T, H, W]
     * at times t, [B] for the whole clip or [B, T] one a frame, given the encoded text.
     */
    public NDArray forward(NDArray z, NDArray t, TextEncoder.Encoded text) {
        return trunk(z, t, text, null).output();
    }

    /** As forward, grounded on layout [B, N, layoutFeatures]: what a layout says of each token (null: nothing). */
    public NDArray forward(NDArray z, NDArray t, TextEncoder.Encoded text, NDArray layout) {
        return trunk(z, t, text, layout).output();
    }

    /** The prediction and, for a compositing output, its coverage [B, 1, T, H, W] (null otherwise): what a matte loss supervises. */
    public record Matted(NDArray output, NDArray coverage) {}

    /** As forward, with the compositing output's coverage (training only). */
    public Matted forwardMatted(NDArray z, NDArray t, TextEncoder.Encoded text, NDArray layout) {
        Trunk out = trunk(z, t, text, layout);
        return new Matted(out.output(), out.coverage());
    }

    /** The prediction and the probe's read-out of the middle block's tokens (training only; sampling skips the probe). */
    public Probed forwardProbed(NDArray z, NDArray t, TextEncoder.Encoded text, NDArray layout) {
        if (probe == null) throw new IllegalStateException("this DiT has no probe: its config gives no probe classes");
        Trunk out = trunk(z, t, text, layout);
        return new Probed(out.output(), probe.shape().forward(out.middle()), probe.size().forward(out.middle()));
    }

    /** The prediction, the middle block's output tokens, and the composite's coverage (null without one). */
    private record Trunk(NDArray output, NDArray middle, NDArray coverage) {}

    private Trunk trunk(NDArray z, NDArray t, TextEncoder.Encoded text, NDArray layout) {
        Shape s = z.getShape();
        int p = config.patch();
        if (s.get(1) != latentChannels || s.get(3) % p != 0 || s.get(4) % p != 0) {
            throw new IllegalArgumentException("latent " + s + " does not fit the DiT: needs " + latentChannels + " channels and a size divisible by " + p);
        }
        long b = s.get(0), frames = s.get(2), h = s.get(3) / p, w = s.get(4) / p;
        NDArray times = t.getShape().dimension() == 1 ? t.reshape(b, 1) : t;
        if (times.getShape().get(0) != b || (times.getShape().get(1) != 1 && times.getShape().get(1) != frames)) {
            throw new IllegalArgumentException("times " + t.getShape() + " do not fit " + s + ": give one a clip [B] or one a frame [B, T]");
        }
        NDList stem = hourglass == null ? null : hourglass.encode(Hourglass.frames(z));
        NDArray x = patchEmbed.forward(stem == null ? z : Hourglass.video(stem.getLast(), b));
        Layers.Rope rope = config.rope() ? rope(z.getManager(), frames, h, w) : null;
        if (rope == null) x = x.add(z.getManager().create(positions(frames, h, w)));
        if (layout != null) {
            if (grounding == null) throw new IllegalArgumentException("this DiT takes no layout: its config gives no layout features");
            x = x.add(grounding.forward(layout));
        }
        NDArray cond = timestepEmbedder.forward(times);
        if (textPool != null) cond = cond.add(textPool.forward(text.pooled()).expandDims(1));
        NDArray middle = null;
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(x, cond, text, rope);
            if (i == blocks.size() / 2 - 1) middle = x;
        }
        NDArray patches = finalLayer.forward(x, cond);
        int q = config.tokenPatch(), channels = composite == null ? tokenChannels() : composite.projected();
        NDArray output = patches.reshape(b, frames, h, w, channels, q, q).transpose(0, 4, 1, 2, 5, 3, 6)
                .reshape(b, channels, frames, h * q, w * q);
        if (composite != null) {
            NDList composited = composite.forward(output);
            return new Trunk(composited.get(0), middle, composited.get(1));
        }
        return new Trunk(stem == null ? output : Hourglass.video(hourglass.decode(Hourglass.frames(output), stem), b), middle, null);
    }

    /** Rotary tables for T·H·W tokens: of a head's channel pairs, a quarter turn with time, three eighths each with rows and columns. */
    Layers.Rope rope(ai.djl.ndarray.NDManager m, long frames, long rows, long cols) {
        int headDim = config.width() / config.heads(), half = headDim / 2, timePairs = half / 4, rowPairs = (half - timePairs) / 2;
        int[] pairs = {timePairs, rowPairs, half - timePairs - rowPairs};
        double[][] at = places(frames, rows, cols);
        int n = at[0].length;
        float[] cos = new float[n * headDim], sin = new float[n * headDim];
        for (int axis = 0, from = 0; axis < 3; from += pairs[axis++]) {
            float[][] turns = Layers.sinusoid(at[axis], 2 * pairs[axis], 100); // each row: the sines, then the cosines
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < pairs[axis]; k++) {
                    int c = i * headDim + from + k;
                    sin[c] = sin[c + half] = turns[i][k];
                    cos[c] = cos[c + half] = turns[i][pairs[axis] + k];
                }
            }
        }
        return new Layers.Rope(m.create(cos, new Shape(n, headDim)), m.create(sin, new Shape(n, headDim)));
    }

    /** Each of T·H·W tokens' frame, row and column, in token order: [3][T·H·W]. */
    private static double[][] places(long frames, long rows, long cols) {
        int n = (int) (frames * rows * cols);
        double[][] at = new double[3][n];
        for (int i = 0; i < n; i++) {
            at[0][i] = i / (rows * cols);
            at[1][i] = (i / cols) % rows;
            at[2][i] = i % cols;
        }
        return at;
    }

    /** 3D sin-cos positions [T·H·W, width]: a quarter of the width for time, three eighths each for rows and columns. */
    float[][] positions(long frames, long rows, long cols) {
        int width = config.width(), timeDim = width / 4 / 2 * 2, rowDim = (width - timeDim) / 2 / 2 * 2, colDim = width - timeDim - rowDim;
        double[][] at = places(frames, rows, cols);
        int n = at[0].length;
        float[][] tf = Layers.sinusoid(at[0], timeDim, 100), rf = Layers.sinusoid(at[1], rowDim, 100), cf = Layers.sinusoid(at[2], colDim, 100);
        float[][] out = new float[n][width];
        for (int i = 0; i < n; i++) {
            System.arraycopy(tf[i], 0, out[i], 0, timeDim);
            System.arraycopy(rf[i], 0, out[i], timeDim, rowDim);
            System.arraycopy(cf[i], 0, out[i], timeDim + rowDim, colDim);
        }
        return out;
    }
}
