package dev.kineto.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.DoubleStream;

/**
 * Rectified flow: x_t = (1 − t)·x₀ + t·ε, sampling integrates the velocity ε − x₀ from t = 1 (noise) to t = 0 (data).
 * The model predicts the velocity, or the clean video (JiT's x-prediction, whose velocity is (x_t − x̂₀) / t); either
 * way the loss is on the velocity. Training times are logit-normal; both training and sampling times go through a
 * shift that grows with the number of tokens (more tokens need more time at high noise). Times are one a clip [B] or
 * one a frame [B, T].
 */
public final class FlowMatching {
    private FlowMatching() {}

    /** Sampling methods: Euler (one model call a step) and Heun (two, second order). */
    public enum Sampler { EULER, HEUN }

    /** What the model predicts: the velocity (latent models), or the clean video (pixel models). */
    public enum Prediction { VELOCITY, CLEAN }

    /** A clean-video prediction becomes a velocity by dividing by t, clamped here (as JiT) so it stays finite near the data. */
    static final float MIN_T = 0.05f;

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

    /** The velocity at x_t = x for the model's output. */
    public static NDArray velocity(Prediction prediction, NDArray output, NDArray x, NDArray t) {
        if (prediction == Prediction.VELOCITY) return output;
        return x.sub(output).div(broadcastable(t, x.getShape()).maximum(MIN_T));
    }

    /** The training loss: mean squared error of the predicted velocity against ε − x₀. */
    public static NDArray loss(Prediction prediction, NDArray output, NDArray x0, NDArray noise, NDArray t) {
        return velocityError(prediction, output, x0, noise, t).square().mean();
    }

    /** The loss with each cell's squared error scaled by weights (broadcast over channels: [B, 1, T, H, W]). */
    public static NDArray loss(Prediction prediction, NDArray output, NDArray x0, NDArray noise, NDArray t, NDArray weights) {
        return velocityError(prediction, output, x0, noise, t).square().mul(weights).mean();
    }

    /** v̂ − v: for a clean prediction x̂₀ at x_t = (1 − t)·x₀ + t·ε this is (x̂₀ − x₀) / t. */
    private static NDArray velocityError(Prediction prediction, NDArray output, NDArray x0, NDArray noise, NDArray t) {
        if (prediction == Prediction.VELOCITY) return output.sub(noise.sub(x0));
        return output.sub(x0).div(broadcastable(t, x0.getShape()).maximum(MIN_T));
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

    /** Times [B] or [B, T] shaped to broadcast over a video [B, C, T, H, W]. */
    private static NDArray broadcastable(NDArray t, Shape like) {
        long[] shape = new long[like.dimension()];
        Arrays.fill(shape, 1);
        shape[0] = like.get(0);
        if (t.getShape().dimension() == 2) shape[2] = t.getShape().get(1);
        return t.reshape(shape);
    }
}
