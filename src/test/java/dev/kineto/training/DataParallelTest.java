package dev.kineto.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.kineto.model.FlowMatching;
import dev.kineto.model.Noise;
import dev.kineto.model.TinyModel;
import dev.kineto.model.VideoModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DataParallelTest {
    private static final List<String> CAPTIONS = List.of("a red ball moving left", "a blue square", "", "a green ball moving right on red", "a red square");

    @Test
    void slicesOnWorkersLeaveTheWholeBatchsLossAndGradients() {
        int batch = CAPTIONS.size();
        // Nudged off adaLN-Zero's zeros, so every weight has a gradient to compare.
        try (VideoModel model = TinyModel.perturbed(3); DataParallel parallel = new DataParallel(2)) {
            Map<String, NDArray> weights = Trainer.ditParams(model);
            weights.values().forEach(p -> p.setRequiresGradient(true));
            long[] latent = model.vae().latentShape(9, 32, 32);
            SplittableRandom rng = new SplittableRandom(5);
            NDArray x0 = Noise.gaussian(model.manager(), new Shape(batch, latent[0], latent[1], latent[2], latent[3]), rng);
            NDArray noise = Noise.gaussian(model.manager(), x0.getShape(), rng);
            NDArray t = model.manager().create(new float[] {0.1f, 0.3f, 0.5f, 0.7f, 0.9f});
            NDArray xt = FlowMatching.interpolate(x0, noise, t);
            DataParallel.SliceLoss loss = (from, to) -> {
                NDIndex rows = new NDIndex("{}:{}", from, to);
                NDArray velocity = model.dit().forward(xt.get(rows), t.get(rows), model.text().encode(model.manager(), CAPTIONS.subList(from, to)));
                return FlowMatching.loss(FlowMatching.Prediction.VELOCITY, velocity, x0.get(rows), noise.get(rows), t.get(rows));
            };

            double whole;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.of(0, batch);
                collector.backward(l);
                whole = l.getFloat();
            }
            Map<String, float[]> expected = new LinkedHashMap<>();
            weights.forEach((name, p) -> expected.put(name, p.getGradient().toFloatArray()));
            weights.values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p));

            double sliced = parallel.backward(batch, loss);

            assertEquals(whole, sliced, 1e-5 * whole, "the slices' scaled losses sum to the batch mean");
            double largest = 0;
            for (var entry : expected.entrySet()) {
                float[] want = entry.getValue(), got = weights.get(entry.getKey()).getGradient().toFloatArray();
                for (int i = 0; i < want.length; i++) {
                    largest = Math.max(largest, Math.abs(want[i]));
                    assertEquals(want[i], got[i], 1e-5 + 1e-3 * Math.abs(want[i]), entry.getKey() + "[" + i + "]");
                }
            }
            assertTrue(largest > 1e-4, "the text encoder and DiT received gradients at all");
        }
    }

    @Test
    void aFailingSliceFailsTheStepWithItsOwnError() {
        try (DataParallel parallel = new DataParallel(2)) {
            var e = assertThrows(IllegalArgumentException.class, () -> parallel.backward(4, (from, to) -> {
                throw new IllegalArgumentException("slice " + from + ":" + to + " is bad");
            }));
            assertTrue(e.getMessage().startsWith("slice "), e.getMessage());
        }
    }

    @Test
    void workOutsideABackwardRecordsNoGraph() {
        // PyTorch starts a new thread recording operations for autograd; the EMA on a worker must not chain a graph onto the average.
        try (NDManager manager = NDManager.newBaseManager(); DataParallel parallel = new DataParallel(2)) {
            NDArray weight = manager.ones(new Shape(2));
            weight.setRequiresGradient(true);
            double recorded = parallel.sum(2, (from, to) -> {
                NDArray doubled = weight.mul(2).sum();
                try {
                    JniUtils.backward((PtNDArray) doubled, (PtNDArray) doubled.onesLike(), false, false);
                    return 1;
                } catch (EngineException e) {
                    return 0; // nothing recorded to go back through
                }
            });
            assertEquals(0, recorded, "ranges whose operations on a trained weight were recorded for a backward");
        }
    }
}
