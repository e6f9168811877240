package dev.kineto.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.kineto.model.FlowMatching;
import dev.kineto.model.Keyframes;
import java.util.SplittableRandom;

/**
 * A training batch's flow times, one a frame [B, T]. Half the clips are plain text-to-video, every frame at one time.
 * For a model that takes frames, the other half hold some frames clean at t = 0, as generation will: the first
 * (image-to-video), the first and the last (a transition), or the first one to {@link Keyframes#EXTENSION_CONTEXT}
 * (an extension), a third each. The loss skips held frames.
 */
record FrameTimes(float[] times, float[] noisy, int batch, int frames) {
    private static final double HELD_SHARE = 0.5;

    static FrameTimes sample(int batch, int frames, boolean takesFrames, double shift, SplittableRandom rng) {
        float[] times = new float[batch * frames], noisy = new float[batch * frames];
        for (int i = 0; i < batch; i++) {
            float t = (float) FlowMatching.sampleTime(rng, shift);
            int heldFrom = frames, heldUpTo = 0; // frames [0, heldUpTo) and [heldFrom, frames) are held
            if (takesFrames && frames > 1 && rng.nextDouble() < HELD_SHARE) {
                switch (rng.nextInt(3)) {
                    case 0 -> heldUpTo = 1;
                    case 1 -> { heldUpTo = 1; heldFrom = frames - 1; }
                    default -> heldUpTo = 1 + rng.nextInt(Math.min(Keyframes.EXTENSION_CONTEXT, frames - 1));
                }
            }
            for (int f = 0; f < frames; f++) {
                boolean held = f < heldUpTo || f >= heldFrom;
                times[i * frames + f] = held ? 0 : t;
                noisy[i * frames + f] = held ? 0 : 1;
            }
        }
        return new FrameTimes(times, noisy, batch, frames);
    }

    /** The times [B, T]. */
    NDArray times(NDManager m) {
        return m.create(times, new Shape(batch, frames));
    }

    /** 1 for the frames the loss counts, 0 for held ones, [B, 1, T, 1, 1]. */
    NDArray lossMask(NDManager m) {
        return m.create(noisy, new Shape(batch, 1, frames, 1, 1));
    }
}
