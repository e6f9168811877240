package dev.kineto.training;

import java.nio.file.Path;

/**
 * What to train and for how long. The run stops after minutes of wall time in all (summed over resumed sessions):
 * vaeShare of it for the VAE stage, the rest for the DiT stage (text encoder + DiT on frozen-VAE latents).
 */
public record TrainOptions(Path runDir, String preset, int width, int height, int frames, double fps,
                           double minutes, double vaeShare, int vaeBatch, int ditBatch, int poolSize,
                           double checkpointMinutes, long seed) {
    public TrainOptions {
        if (width % 16 != 0 || height % 16 != 0) throw new IllegalArgumentException("training size must be multiples of 16, got " + width + "x" + height);
        if (frames < 5 || (frames - 1) % 4 != 0) throw new IllegalArgumentException("training frames must be 4k+1 and at least 5, got " + frames);
        if (!(minutes > 0)) throw new IllegalArgumentException("minutes must be positive, got " + minutes);
        if (!(vaeShare > 0 && vaeShare < 1)) throw new IllegalArgumentException("vae share must be between 0 and 1, got " + vaeShare);
        if (vaeBatch < 1 || ditBatch < 1 || poolSize < ditBatch) throw new IllegalArgumentException("batches must be positive and the latent pool at least one DiT batch");
    }

    /** The defaults of the shipped model: 64×64, 17 frames at 8 fps (about 2 s). */
    public static TrainOptions defaults(Path runDir, double minutes) {
        return new TrainOptions(runDir, "default", 64, 64, 17, 8, minutes, 0.2, 16, 32, 1024, 5, 1);
    }
}
