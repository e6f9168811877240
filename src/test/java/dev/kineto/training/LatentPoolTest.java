package dev.kineto.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.kineto.model.TinyModel;
import dev.kineto.model.VideoModel;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pool holds each clip's own posterior mean, whichever worker encoded it. */
class LatentPoolTest {
    @Test
    void everyClipIsHeldAsItsWholeBatchEncoding() {
        ExampleSource source = TestClips.source(32, 9, new int[][] {{0, 2, 1}, {3, 1, 0}, {1, 0, 1}});
        List<Example> examples = List.of(source.get(0), source.get(1), source.get(2));
        try (VideoModel model = TinyModel.perturbed(5); DataParallel parallel = new DataParallel(2); LatentPool pool = new LatentPool(model, 3, parallel)) {
            pool.add(examples); // clip 0 on one worker, clips 1 and 2 on the other
            NDArray whole = model.encode(model.manager(), examples.stream().map(Example::clip).toList());
            LatentPool.Batch batch = pool.sample(12, new SplittableRandom(1));
            for (int i = 0; i < 12; i++) {
                int clip = examples.stream().map(Example::captions).toList().indexOf(batch.captions().get(i));
                assertTrue(clip >= 0, "a sampled caption belongs to one of the clips");
                assertArrayEquals(whole.get(clip).toFloatArray(), batch.latents().get(i).toFloatArray(), 1e-4f, "latent of clip " + clip);
            }
        }
    }
}
