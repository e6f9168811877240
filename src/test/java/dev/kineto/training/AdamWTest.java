package dev.kineto.training;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optimiser skips a step whose gradient is not finite, and decays matrices but not vectors. */
class AdamWTest {
    @Test
    void aNonFiniteGradientSkipsOneStepAndTrainingGoesOn() {
        try (NDManager manager = NDManager.newBaseManager(); DataParallel parallel = new DataParallel(2)) {
            NDArray weight = manager.create(new float[] {0f, 1f});
            AdamW optimizer = new AdamW(Map.of("w", weight), 0, parallel);
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

    @Test
    void weightDecayShrinksMatricesButNotVectors() {
        try (NDManager manager = NDManager.newBaseManager(); DataParallel parallel = new DataParallel(2)) {
            NDArray matrix = manager.create(new float[][] {{1f, 2f}}), vector = manager.create(new float[] {1f});
            AdamW optimizer = new AdamW(new LinkedHashMap<>(Map.of("w", matrix, "b", vector)), 0.5f, parallel);
            try (var collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(matrix.sum().add(vector.sum()).mul(3));
            }
            optimizer.step(0.1, 100);
            // A first Adam step moves each weight by lr against its gradient's sign; decay takes lr * 0.5 of the matrix too.
            assertArrayEquals(new float[] {0.85f, 1.8f}, matrix.toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {0.9f}, vector.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void aStepLeavesNoArraysBehind() {
        try (NDManager manager = NDManager.newBaseManager(); DataParallel parallel = new DataParallel(2)) {
            NDArray matrix = manager.create(new float[][] {{1f, 2f}}), vector = manager.create(new float[] {1f});
            AdamW optimizer = new AdamW(new LinkedHashMap<>(Map.of("w", matrix, "b", vector)), 0.5f, parallel);
            int before = manager.getManagedArrays().size();
            for (int step = 0; step < 3; step++) {
                try (NDScope scope = new NDScope(); var collector = Engine.getInstance().newGradientCollector()) {
                    scope.suppressNotUsedWarning();
                    collector.backward(matrix.sum().add(vector.sum()));
                }
                optimizer.step(0.1, 100);
            }
            assertEquals(before, manager.getManagedArrays().size(), "arrays a step left attached to the weights' manager (a leak over a run)");
        }
    }
}
