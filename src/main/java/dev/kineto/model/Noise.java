package dev.kineto.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/** Gaussian noise from a seeded Java generator, so the same seed gives the same video on any thread and batch. */
public final class Noise {
    private Noise() {}

    /** Standard normal values of the given shape. */
    public static NDArray gaussian(NDManager manager, Shape shape, SplittableRandom rng) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i += 2) {
            double radius = Math.sqrt(-2 * Math.log(1 - rng.nextDouble())), angle = 2 * Math.PI * rng.nextDouble();
            values[i] = (float) (radius * Math.cos(angle));
            if (i + 1 < values.length) values[i + 1] = (float) (radius * Math.sin(angle));
        }
        return manager.create(values, shape);
    }
}
