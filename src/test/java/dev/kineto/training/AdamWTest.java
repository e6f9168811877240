package dev.kineto.training;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optimiser skips a step whose gradient is not finite, and the next finite gradient trains again. */
class AdamWTest {
    @Test
    void aNonFiniteGradientSkipsOneStepAndTrainingGoesOn() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(new float[] {0f, 1f});
            AdamW optimizer = new AdamW(Map.of("w", weight), 0);
            try (var collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(weight.sqrt().sum()); // d sqrt(x)/dx at 0 is Infinity
            }
            assertFalse(Double.isFinite(optimizer.step(0.1, 1)));
            assertArrayEquals(new float[] {0f, 1f}, weight.toFloatArray(), "a skipped step leaves the weights alone");

            try (var collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(weight.mul(3).sum());
            }
            assertEquals(3 * Math.sqrt(2), optimizer.step(0.1, 1), 1e-4, "the gradient is the new one alone, not NaN left over");
            float[] after = weight.toFloatArray();
            assertEquals(-0.1f, after[0], 1e-4f);
            assertEquals(0.9f, after[1], 1e-4f);
        }
    }
}
