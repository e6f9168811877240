package dev.kineto.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The average moves every tensor towards its weights, whichever worker holds it, and leaves no arrays behind. */
class EmaTest {
    @Test
    void everyTensorMovesTowardsItsWeightsByTheWarmUpDecay() {
        try (NDManager manager = NDManager.newBaseManager(); DataParallel parallel = new DataParallel(2)) {
            NDArray matrix = manager.create(new float[][] {{0f, 4f}}), vector = manager.create(new float[] {10f});
            Map<String, NDArray> params = new LinkedHashMap<>(Map.of("w", matrix, "b", vector));
            Ema ema = new Ema(params, 0.999, parallel);
            int arrays = manager.getManagedArrays().size();
            matrix.subi(2);
            vector.addi(20);
            ema.update(0); // step 0 decays by min(0.999, 1/10) = 0.1: the average ends 90 % of the way to the weights
            assertArrayEquals(new float[] {-1.8f, 2.2f}, ema.weights().get("w").toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {28f}, ema.weights().get("b").toFloatArray(), 1e-5f);
            assertEquals(arrays, manager.getManagedArrays().size(), "arrays the update left behind");
        }
    }
}
