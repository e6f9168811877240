package dev.kineto.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import dev.kineto.model.Layers.Attention;
import dev.kineto.model.Layers.Mlp;
import dev.kineto.model.Layers.Norm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A small bidirectional transformer over caption tokens, trained with the DiT (no pretrained text model here). */
public final class TextEncoder {

    /** Text encoder size. */
    public record Config(int width, int depth, int heads, int maxLength) {}

    /** The encoded captions: tokens [B, L, width], the additive key mask [B, 1, 1, L], and the mean of the real tokens [B, width]. */
    public record Encoded(NDArray tokens, NDArray keyMask, NDArray pooled) {}

    /** Pre-norm transformer layer: self-attention then MLP, each residual. */
    record Layer(Norm norm1, Attention attention, Norm norm2, Mlp mlp) {
        static Layer of(Params p, String name, Config c) {
            return new Layer(Norm.of(p, name + ".norm1", c.width()), Attention.of(p, name + ".attn", c.width(), c.width(), c.heads()),
                    Norm.of(p, name + ".norm2", c.width()), Mlp.of(p, name + ".mlp", c.width()));
        }

        NDArray forward(NDArray x, NDArray keyMask) {
            NDArray h = norm1.forward(x);
            x = x.add(attention.forward(h, h, keyMask));
            return x.add(mlp.forward(norm2.forward(x)));
        }
    }

    private final Tokenizer tokenizer;
    private final NDArray tokenEmbedding, positionEmbedding;
    private final List<Layer> layers = new ArrayList<>();
    private final Norm finalNorm;

    public TextEncoder(Params p, Config config, Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        // Unit scale, not GPT's 0.02: at 0.02 what the untrained layers add swamped each word's identity, every caption
        // encoded alike, and the DiT learned to ignore the text (docs/model.md, "The text encoder").
        tokenEmbedding = p.normal("text.token_embedding", 1, tokenizer.size(), config.width());
        positionEmbedding = p.normal("text.position_embedding", 1, config.maxLength(), config.width());
        for (int i = 0; i < config.depth(); i++) layers.add(Layer.of(p, "text.layers." + i, config));
        finalNorm = Norm.of(p, "text.final_norm", config.width());
    }

    public Tokenizer tokenizer() { return tokenizer; }

    /** Encodes a batch of captions, padded to the longest. */
    public Encoded encode(NDManager manager, List<String> captions) {
        int b = captions.size();
        int[][] ids = new int[b][];
        int[] lengths = new int[b];
        int longest = 1;
        for (int i = 0; i < b; i++) {
            ids[i] = tokenizer.encode(captions.get(i));
            lengths[i] = ids[i].length;
            longest = Math.max(longest, lengths[i]);
        }
        int[] flat = new int[b * longest];
        for (int i = 0; i < b; i++) System.arraycopy(ids[i], 0, flat, i * longest, lengths[i]);
        NDArray idArray = manager.create(flat, new Shape(b, longest));
        NDArray x = Embedding.embedding(idArray, tokenEmbedding, SparseFormat.DENSE).singletonOrThrow()
                .add(positionEmbedding.get("0:" + longest));
        NDArray keyMask = manager.create(Layers.paddingMask(lengths, longest), new Shape(b, 1, 1, longest));
        for (Layer layer : layers) x = layer.forward(x, keyMask);
        x = finalNorm.forward(x);
        float[] real = new float[b * longest];
        for (int i = 0; i < b; i++) Arrays.fill(real, i * longest, i * longest + lengths[i], 1f / lengths[i]);
        NDArray pooled = x.mul(manager.create(real, new Shape(b, longest, 1))).sum(new int[] {1});
        return new Encoded(x, keyMask, pooled);
    }
}
