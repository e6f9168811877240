package dev.kineto.model;

/**
 * The native memory one batched generation takes above the loaded model, predicted from the model's shape and the
 * request's size, frames and batch. Each sampling step's tensors live until the step ends (one NDScope a step), so a
 * step holds every block's activations of two DiT passes (Heun) over cond and uncond rows, its attention scores
 * (quadratic in tokens) above all, and a preview's VAE decode; the final decode holds the decoder's activations at
 * half resolution. The coefficients say how many such tensors live at the peak; they were fitted to the peaks
 * {@code MemoryPeakBench} measured for the default model, and predict them within +13 % from 128²×41 frames up
 * (over-predicting small jobs, where the allocator's slack dominates; docs/api.md lists the figures).
 */
public record MemoryCost(ModelConfig model) {
    /** Attention score tensors ([rows, heads, N, N] floats) alive per block and DiT pass at the peak. */
    static final double SCORES_PER_BLOCK = 2.9;
    /** Token activations ([rows, N, width] floats) alive per block and DiT pass. */
    static final double ACTIVATIONS_PER_BLOCK = 48;
    /** Decoder activations ([batch, outer width, frames, H/2, W/2] floats) alive at the decode's peak. */
    static final double DECODER_ACTIVATIONS = 2;
    /** The sampler's DiT passes in one step (Heun's two). */
    static final int PASSES_PER_STEP = 2;
    /** Allocator slack and the clips' frames on the heap. */
    static final long FIXED_BYTES = 64L << 20;

    /** Bytes a batch of videos of width × height × frames takes while generating, with classifier-free guidance when guided. */
    public long bytes(int width, int height, int frames, int batch, boolean guided) {
        // A layered model draws lone frames, whatever the video's length: a batch's backdrops, or its objects' mattes.
        boolean layered = model.representation() == ModelConfig.Representation.LAYERS;
        double rows = (guided ? 2 : 1) * (layered ? batch * (double) dev.kineto.world.Description.MAX_OBJECTS : batch);
        double tokens = model.tokens(frames, height, width);
        var dit = model.dit();
        double scores = SCORES_PER_BLOCK * dit.heads() * tokens * tokens;
        double activations = ACTIVATIONS_PER_BLOCK * tokens * dit.width();
        double step = PASSES_PER_STEP * rows * dit.depth() * (scores + activations);
        // A pixel model has no VAE: its DiT's output is the video, so there is no decode to hold.
        double decode = model.vae() == null ? 0 : DECODER_ACTIVATIONS * batch * model.vae().outerWidth() * (double) frames * (height / 2) * (width / 2);
        return (long) (Float.BYTES * (step + decode)) + FIXED_BYTES;
    }

    /** The same for one request. */
    public long bytes(GenerationRequest r) {
        return bytes(r.width(), r.height(), r.frames(), 1, r.cfg() != 1);
    }
}
