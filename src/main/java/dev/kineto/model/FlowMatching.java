package dev.kineto.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.DoubleStream;

/**
 * Rectified flow: x_t = (1 − t)·x₀ + t·ε, the model predicts the velocity ε − x₀, sampling integrates from t = 1
 * (noise) to t = 0 (data). Training times are logit-normal; both training and sampling times go through a shift
 * that grows with the number of latent tokens (more tokens need more time at high noise).
 */
public final class FlowMatching {
    private FlowMatching() {}

    /** Sampling methods: Euler (one model call a step) and Heun (two, second order). */
    public enum Sampler { EULER, HEUN }

    /** The shift for a latent of tokens tokens when the model was trained at trainedTokens with baseShift. */
    public static double resolutionShift(double baseShift, long tokens, long trainedTokens) {
        return baseShift * Math.sqrt((double) tokens / trainedTokens);
    }

    /** Moves t towards 1 (noise) for shift > 1: s·t / (1 + (s − 1)·t). */
    public static double shift(double t, double shift) {
        return shift * t / (1 + (shift - 1) * t);
    }

    /** A logit-normal training time, shifted. */
    public static double sampleTime(SplittableRandom rng, double shift) {
        double u = rng.nextDouble(), v = rng.nextDouble();
        double normal = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
        return shift(1 / (1 + Math.exp(-normal)), shift);
    }

    /** x_t for data x0, noise and per-sample times t [B]. */
    public static NDArray interpolate(NDArray x0, NDArray noise, NDArray t) {
        NDArray tb = broadcastable(t, x0.getShape());
        return x0.mul(tb.neg().add(1)).add(noise.mul(tb));
    }

    /** The velocity the model must predict. */
    public static NDArray target(NDArray x0, NDArray noise) {
        return noise.sub(x0);
    }

    /** The training loss: mean squared error of the predicted velocity against the target. */
    public static NDArray loss(NDArray velocity, NDArray x0, NDArray noise) {
        return velocity.sub(target(x0, noise)).square().mean();
    }

    /** The loss with each latent cell's squared error scaled by weights (broadcast over channels: [B, 1, T, H, W]). */
    public static NDArray loss(NDArray velocity, NDArray x0, NDArray noise, NDArray weights) {
        return velocity.sub(target(x0, noise)).square().mul(weights).mean();
    }

    /** The denoised estimate x₀ = x_t − t·v. */
    public static NDArray denoised(NDArray x, NDArray velocity, double t) {
        return x.sub(velocity.mul((float) t));
    }

    /** The time grid from 1 to 0 in steps steps, shifted. */
    public static double[] schedule(int steps, double shift) {
        double[] ts = new double[steps + 1];
        for (int i = 0; i <= steps; i++) ts[i] = shift(1 - (double) i / steps, shift);
        return ts;
    }

    /** The same grid entered at start: start itself, then the grid's times below it (start 1 gives the whole grid). */
    public static double[] scheduleFrom(double start, int steps, double shift) {
        double[] grid = schedule(steps, shift);
        return DoubleStream.concat(DoubleStream.of(start), Arrays.stream(grid).filter(t -> t < start - 1e-9)).toArray();
    }

    /** One step of the sampler from ts[i] to ts[i+1], given velocity(x, t); returns the new x and the velocity at x. */
    public static Step step(Sampler sampler, BiFunction<NDArray, Double, NDArray> velocity, NDArray x, double t, double next) {
        NDArray v = velocity.apply(x, t);
        NDArray euler = x.add(v.mul((float) (next - t)));
        if (sampler == Sampler.EULER || next == 0) return new Step(euler, v);
        NDArray v2 = velocity.apply(euler, next);
        return new Step(x.add(v.add(v2).mul((float) ((next - t) / 2))), v);
    }

    /** The result of one sampler step: the new latent, and the velocity at the old one (for the denoised preview). */
    public record Step(NDArray x, NDArray velocity) {}

    private static NDArray broadcastable(NDArray t, Shape like) {
        long[] shape = new long[like.dimension()];
        Arrays.fill(shape, 1);
        shape[0] = like.get(0);
        return t.reshape(shape);
    }
}
