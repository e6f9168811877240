package dev.kineto.server;

import dev.kineto.model.GenerationRequest;

/**
 * What a video costs: one credit per unit of work, where work is width × height × frames × steps (the sampler's cost
 * grows with each), rounded up, at least 1. With the default unit of 65,536, the tiny model's default 64×64, 17 frames,
 * 16 steps costs 17 credits.
 */
public final class Pricing {
    private Pricing() {}

    public static long cost(GenerationRequest r, long creditUnit) {
        long work = (long) r.width() * r.height() * r.frames() * r.steps();
        return Math.max(1, Math.ceilDiv(work, creditUnit));
    }
}
