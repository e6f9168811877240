package dev.kineto.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/** The transformer building blocks shared by the text encoder and the DiT. */
final class Layers {
    private Layers() {}

    /** y = x Wᵀ + b. */
    record Dense(NDArray weight, NDArray bias) {
        static Dense of(Params p, String name, int in, int out) {
            return new Dense(p.normal(name + ".weight", Math.sqrt(1.0 / in), out, in), p.constant(name + ".bias", 0, out));
        }

        /** A projection that starts at zero, so the block it ends begins as the identity (adaLN-Zero, final layers). */
        static Dense zero(Params p, String name, int in, int out) {
            return new Dense(p.normal(name + ".weight", 0, out, in), p.constant(name + ".bias", 0, out));
        }

        NDArray forward(NDArray x) {
            return Linear.linear(x, weight, bias).singletonOrThrow();
        }
    }

    /** LayerNorm over the last axis. */
    record Norm(NDArray gain, NDArray bias) {
        static Norm of(Params p, String name, int dim) {
            return new Norm(p.constant(name + ".gain", 1, dim), p.constant(name + ".bias", 0, dim));
        }

        NDArray forward(NDArray x) {
            return LayerNorm.layerNorm(x, new Shape(gain.size()), gain, bias, 1e-6f).singletonOrThrow();
        }
    }

    /** RMSNorm over the last axis: the QK-norm that keeps attention logits bounded. */
    record RmsNorm(NDArray gain) {
        static RmsNorm of(Params p, String name, int dim) {
            return new RmsNorm(p.constant(name + ".gain", 1, dim));
        }

        NDArray forward(NDArray x) {
            return x.div(x.square().mean(new int[] {-1}, true).add(1e-6f).sqrt()).mul(gain);
        }
    }

    /** Multi-head attention of queries x over keys/values from context (itself for self-attention), with QK-norm. */
    record Attention(Dense q, Dense k, Dense v, Dense out, RmsNorm qNorm, RmsNorm kNorm, int heads) {
        static Attention of(Params p, String name, int dim, int contextDim, int heads) {
            return of(p, name, dim, contextDim, heads, Dense.of(p, name + ".out", dim, dim));
        }

        /** Attention whose output projection starts at zero, so the branch adds nothing until it has learnt something. */
        static Attention zeroOut(Params p, String name, int dim, int contextDim, int heads) {
            return of(p, name, dim, contextDim, heads, Dense.zero(p, name + ".out", dim, dim));
        }

        private static Attention of(Params p, String name, int dim, int contextDim, int heads, Dense out) {
            int headDim = dim / heads;
            return new Attention(Dense.of(p, name + ".q", dim, dim), Dense.of(p, name + ".k", contextDim, dim),
                    Dense.of(p, name + ".v", contextDim, dim), out,
                    RmsNorm.of(p, name + ".q_norm", headDim), RmsNorm.of(p, name + ".k_norm", headDim), heads);
        }

        /** x [B, N, C], context [B, L, D], keyMask additive [B, 1, 1, L] or null → [B, N, C]. */
        NDArray forward(NDArray x, NDArray context, NDArray keyMask) {
            return forward(x, context, keyMask, null);
        }

        /** As forward, with queries and keys rotated by their positions (self-attention; null: no rotation). */
        NDArray forward(NDArray x, NDArray context, NDArray keyMask, Rope rope) {
            long b = x.getShape().get(0), n = x.getShape().get(1), c = x.getShape().get(2);
            NDArray qh = qNorm.forward(heads(q.forward(x)));
            NDArray kh = kNorm.forward(heads(k.forward(context)));
            if (rope != null) {
                qh = rope.rotate(qh);
                kh = rope.rotate(kh);
            }
            NDArray vh = heads(v.forward(context));
            NDArray scores = qh.matMul(kh.transpose(0, 1, 3, 2)).mul((float) (1 / Math.sqrt(c / heads)));
            if (keyMask != null) scores = scores.add(keyMask);
            NDArray mixed = scores.softmax(-1).matMul(vh);
            return out.forward(mixed.transpose(0, 2, 1, 3).reshape(b, n, c));
        }

        private NDArray heads(NDArray x) {
            long b = x.getShape().get(0), n = x.getShape().get(1), c = x.getShape().get(2);
            return x.reshape(b, n, heads, c / heads).transpose(0, 2, 1, 3);
        }
    }

    /**
     * Rotary positions (RoFormer; 3D as Wan's and Open-Sora 2's): each pair of a head's channels turns by its token's
     * time, row or column times the pair's frequency, so attention scores depend on where tokens sit relative to each
     * other. cos and sin are [N, headDim], the two halves of the head alike.
     */
    record Rope(NDArray cos, NDArray sin) {
        NDArray rotate(NDArray x) {
            long half = x.getShape().get(3) / 2;
            NDArray rotated = x.get(":, :, :, {}:", half).neg().concat(x.get(":, :, :, :{}", half), 3);
            return x.mul(cos).add(rotated.mul(sin));
        }
    }

    /** Two-layer GELU MLP, 4× wide. */
    record Mlp(Dense up, Dense down) {
        static Mlp of(Params p, String name, int dim) {
            return new Mlp(Dense.of(p, name + ".up", dim, 4 * dim), Dense.of(p, name + ".down", 4 * dim, dim));
        }

        NDArray forward(NDArray x) {
            return down.forward(Activation.gelu(up.forward(x)));
        }
    }

    /** SiLU (swish with β = 1). */
    static NDArray silu(NDArray x) {
        return Activation.swish(x, 1f);
    }

    /** Sinusoidal features of positions [N] → [N, dim] (half sines, half cosines, geometric frequencies). */
    static float[][] sinusoid(double[] positions, int dim, double maxPeriod) {
        int half = dim / 2;
        float[][] out = new float[positions.length][dim];
        for (int i = 0; i < positions.length; i++) {
            for (int j = 0; j < half; j++) {
                double angle = positions[i] * Math.exp(-Math.log(maxPeriod) * j / half);
                out[i][j] = (float) Math.sin(angle);
                out[i][half + j] = (float) Math.cos(angle);
            }
        }
        return out;
    }

    /** Key mask for attention: 0 where a token is real, a large negative number on padding; lengths[i] tokens are real. */
    static float[] paddingMask(int[] lengths, int maxLength) {
        float[] mask = new float[lengths.length * maxLength];
        for (int i = 0; i < lengths.length; i++) {
            for (int j = lengths[i]; j < maxLength; j++) mask[i * maxLength + j] = -1e9f;
        }
        return mask;
    }
}
