package dev.kineto.training;

import dev.kineto.model.ModelConfig;
import dev.kineto.model.RequestRules;
import java.nio.file.Path;
import java.util.List;

/**
 * What to train and for how long. The run stops after minutes of wall time in all (summed over resumed sessions):
 * vaeShare of it for the VAE stage, the rest for the DiT stage (text encoder + DiT on frozen-VAE latents).
 * vaeObjectWeights weighs the VAE's reconstruction error near objects like the DiT's loss (ObjectWeights.pixels).
 * maxVaeSteps and maxDitSteps (0: no limit) end a stage early, for tests and quick experiments. imageShare is the
 * share of DiT steps that train on lone frames instead of clips (0: none).
 */
public record TrainOptions(Path runDir, String preset, int width, int height, int frames, double fps,
                           double minutes, double vaeShare, int vaeBatch, int ditBatch, int poolSize, boolean vaeObjectWeights,
                           double checkpointMinutes, long seed, long maxVaeSteps, long maxDitSteps, double imageShare) {
    public TrainOptions {
        ModelConfig.preset(preset, width, height, frames, fps, List.of()).rules().checkSize(width, height);
        RequestRules.checkFrames(frames);
        if (frames < 5) throw new IllegalArgumentException("training frames must be at least 5, got " + frames);
        if (!(minutes > 0)) throw new IllegalArgumentException("minutes must be positive, got " + minutes);
        if (!(vaeShare > 0 && vaeShare < 1)) throw new IllegalArgumentException("vae share must be between 0 and 1, got " + vaeShare);
        if (!(imageShare >= 0 && imageShare < 1)) throw new IllegalArgumentException("image share must be at least 0 and below 1, got " + imageShare);
        if (vaeBatch < 1 || ditBatch < 1 || poolSize < ditBatch) throw new IllegalArgumentException("batches must be positive and the latent pool at least one DiT batch");
    }
}
