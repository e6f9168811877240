package dev.kineto.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.kineto.video.Clip;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trained parts together (VAE, text encoder, DiT; a layered model's matte DiT in place of the VAE) with their
 * config; a model directory holds config.json and model.safetensors.
 */
public final class VideoModel implements AutoCloseable {
    public static final String CONFIG_FILE = "config.json", WEIGHTS_FILE = "model.safetensors";

    private ModelConfig config;
    private final Params params;
    private final VideoVae vae;
    private final TextEncoder text;
    private final Dit dit, matte;

    /** A freshly initialised model (weights from seed). */
    public VideoModel(ModelConfig config, long seed) {
        NativeWarnings.absorb();
        this.config = config;
        this.params = new Params(NDManager.newBaseManager(), seed);
        this.vae = config.representation() == ModelConfig.Representation.LATENT ? new VideoVae(params, config.vae()) : null;
        this.text = new TextEncoder(params, config.text(), new Tokenizer(config.vocabulary(), config.text().maxLength()));
        boolean layered = config.representation() == ModelConfig.Representation.LAYERS;
        this.dit = new Dit(params, layered ? config.backdrop() : config.dit(), config.channels(), config.text().width());
        this.matte = layered ? new Dit(params, "matte", config.dit(), 1, config.text().width()) : null;
    }

    /** Loads config.json and model.safetensors from a model directory. */
    public static VideoModel load(Path dir) throws IOException {
        ModelConfig config = ModelConfig.read(dir.resolve(CONFIG_FILE));
        VideoModel model = new VideoModel(config, 0);
        try {
            Path weights = dir.resolve(WEIGHTS_FILE);
            Checkpoint.load(weights, Checkpoint.read(weights), model.params.arrays());
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Writes config.json and model.safetensors; weights override (e.g. EMA copies) replace same-named params. */
    public void save(Path dir, Map<String, NDArray> overrides) throws IOException {
        Map<String, NDArray> arrays = new LinkedHashMap<>(params.arrays());
        arrays.putAll(overrides);
        Checkpoint.write(dir.resolve(WEIGHTS_FILE), arrays);
        config.write(dir.resolve(CONFIG_FILE));
    }

    public ModelConfig config() { return config; }

    /** Records the latent statistics measured after VAE training (the DiT works on normalised latents). */
    public void setLatentStats(float mean, float std) {
        config = config.withLatentStats(mean, std);
    }

    /** Clips of one size as what the DiT works on, not normalised: the VAE's posterior means, or the pixels. */
    public NDArray encode(NDManager manager, List<Clip> clips) {
        NDArray pixels = VideoTensors.of(manager, clips);
        return vae == null ? pixels : vae.encode(pixels).get(0);
    }

    /**
     * Clips as encode gives them, corrected so that they decode closer to the clips: each round adds what the
     * encoder reads differently in the decoded video (z + E(x) − E(D(z))), and each clip keeps the round whose decoding
     * is nearest its pixels (the corrections do not always converge). A pixel model's encoding is exact already.
     */
    public NDArray encodeFaithfully(NDManager manager, List<Clip> clips, int rounds) {
        NDArray pixels = VideoTensors.of(manager, clips);
        if (vae == null) return pixels;
        NDArray target = vae.encode(pixels).get(0), z = target, best = target, bestError = null;
        long b = pixels.getShape().get(0);
        for (int round = 0; round <= rounds; round++) {
            NDArray decoded = vae.decode(z);
            NDArray error = decoded.sub(pixels).square().reshape(b, -1).mean(new int[] {1});
            if (bestError == null) {
                bestError = error;
            } else {
                NDArray better = error.lt(bestError).toType(DataType.FLOAT32, false).reshape(b, 1, 1, 1, 1);
                best = z.mul(better).add(best.mul(better.neg().add(1)));
                bestError = bestError.minimum(error);
            }
            if (round < rounds) z = z.add(target.sub(vae.encode(decoded).get(0)));
        }
        return best;
    }

    /** The inverse of normalise(encode(...)): what the DiT works on → video [B, 3, T, H, W] in [-1, 1]. */
    public NDArray decode(NDArray normalised) {
        return vae == null ? normalised : vae.decode(denormalise(normalised));
    }

    /** VAE latents → the normalised latents the DiT works on (zero mean, unit deviation over the training latents). */
    public NDArray normalise(NDArray latents) {
        return latents.sub(config.latentMean()).div(config.latentStd());
    }

    /** The inverse of normalise: DiT latents → what the VAE decodes. */
    public NDArray denormalise(NDArray latents) {
        return latents.mul(config.latentStd()).add(config.latentMean());
    }

    public Params params() { return params; }

    /** The VAE; null for a pixel model. */
    public VideoVae vae() { return vae; }

    public TextEncoder text() { return text; }

    /** The DiT: a layered model's backdrop DiT. */
    public Dit dit() { return dit; }

    /** A layered model's matte DiT (grounded, one channel); null for the others. */
    public Dit matte() { return matte; }

    public NDManager manager() { return params.manager(); }

    @Override
    public void close() {
        params.close();
    }
}
