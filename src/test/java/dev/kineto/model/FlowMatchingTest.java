package dev.kineto.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FlowMatchingTest {
    @Test
    void scheduleRunsFromNoiseToDataAndShiftSpendsMoreStepsAtHighNoise() {
        double[] plain = FlowMatching.schedule(10, 1), shifted = FlowMatching.schedule(10, 3);
        assertEquals(1, plain[0], 1e-12);
        assertEquals(0, plain[10], 1e-12);
        assertEquals(0, shifted[10], 1e-12);
        for (int i = 1; i < 10; i++) {
            assertTrue(plain[i] < plain[i - 1] && shifted[i] > plain[i]);
        }
        assertTrue(FlowMatching.resolutionShift(1, 4 * 320, 320) > FlowMatching.resolutionShift(1, 320, 320));
        assertArrayEquals(shifted, FlowMatching.scheduleFrom(1, 10, 3), 1e-12);
        double[] fromHalf = FlowMatching.scheduleFrom(0.5, 10, 3);
        assertEquals(0.5, fromHalf[0], 1e-12);
        assertArrayEquals(java.util.Arrays.copyOfRange(shifted, shifted.length - fromHalf.length + 1, shifted.length),
                java.util.Arrays.copyOfRange(fromHalf, 1, fromHalf.length), 1e-12);
        assertTrue(shifted[shifted.length - fromHalf.length] >= 0.5, "the grid's times below the start, and only those");
    }

    @Test
    void logitNormalTimesStayInsideTheInterval() {
        SplittableRandom rng = new SplittableRandom(1);
        double sum = 0;
        for (int i = 0; i < 10_000; i++) {
            double t = FlowMatching.sampleTime(rng, 1);
            assertTrue(t > 0 && t < 1);
            sum += t;
        }
        assertEquals(0.5, sum / 10_000, 0.02);
    }

    @Test
    void bothSamplersFollowAStraightFlowExactlyBackToTheData() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray data = m.create(new float[] {0.5f, -1f, 2f}, new Shape(1, 3)), noise = m.create(new float[] {1f, 0f, -1f}, new Shape(1, 3));
            for (FlowMatching.Sampler sampler : FlowMatching.Sampler.values()) {
                double[] times = FlowMatching.schedule(4, 2);
                NDArray x = FlowMatching.interpolate(data, noise, m.create(new float[] {1f}));
                for (int i = 0; i < 4; i++) x = FlowMatching.step(sampler, (z, t) -> noise.sub(data), x, times[i], times[i + 1]).x();
                assertArrayEquals(data.toFloatArray(), x.toFloatArray(), 1e-5f, sampler.name());
            }
        }
    }

    @Test
    void aCleanPredictionIsTheVelocityThatEndsAtItAndItsLossIsTheVelocityLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x0 = m.create(new float[] {0.5f, -1f, 0.25f, 1f}, new Shape(1, 1, 2, 1, 2)), noise = m.create(new float[] {1f, 0f, -1f, 0.5f}, new Shape(1, 1, 2, 1, 2));
            NDArray t = m.create(new float[] {0.6f, 0f}, new Shape(1, 2)); // frame 0 noisy, frame 1 held clean
            NDArray xt = FlowMatching.interpolate(x0, noise, t);
            assertArrayEquals(new float[] {0.8f, -0.4f, 0.25f, 1f}, xt.toFloatArray(), 1e-6f);
            NDArray guess = x0.add(0.3f);
            NDArray v = FlowMatching.velocity(FlowMatching.Prediction.CLEAN, guess, xt, t);
            assertArrayEquals(guess.toFloatArray(), xt.sub(v.mul(t.reshape(1, 1, 2, 1, 1).maximum(0.05f))).toFloatArray(), 1e-6f);
            float viaVelocity = FlowMatching.loss(FlowMatching.Prediction.VELOCITY, v, x0, noise, t).getFloat();
            float direct = FlowMatching.loss(FlowMatching.Prediction.CLEAN, guess, x0, noise, t).getFloat();
            // the held frame's velocity error is (x̂ − x₀) / 0.05 there, since noise.sub(x0) is not what its clean x_t implies
            NDArray mask = m.create(new float[] {1f, 0f}, new Shape(1, 1, 2, 1, 1));
            assertEquals(FlowMatching.loss(FlowMatching.Prediction.VELOCITY, v, x0, noise, t, mask).getFloat(),
                    FlowMatching.loss(FlowMatching.Prediction.CLEAN, guess, x0, noise, t, mask).getFloat(), 1e-5f);
            assertEquals(0.5 * 0.09 / 0.36, FlowMatching.loss(FlowMatching.Prediction.CLEAN, guess, x0, noise, t, mask).getFloat(), 1e-5);
            assertTrue(direct > 0 && viaVelocity > 0);
        }
    }
}
