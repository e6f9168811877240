package dev.kineto.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.kineto.model.ModelConfig;
import dev.kineto.model.VideoTensors;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Split;
import dev.kineto.model.TinyModel;
import dev.kineto.model.VideoModel;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pool holds each clip's own posterior mean, whichever worker encoded it, and cuts lone frames out of it. */
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

    @Test
    void aPixelModelsFramesComeWithTheirOwnWeightsAndLabels() {
        ExampleSource source = new WorldSource(new RenderSpec(32, 32, 9, 8), Split.TRAIN, 7);
        List<Example> examples = List.of(source.get(0), source.get(1));
        try (VideoModel model = new VideoModel(Example.Shown.probed(ModelConfig.preset("pixel-tiny", 32, 32, 9, 8, source.vocabulary().stream().sorted().toList())), 3);
             DataParallel parallel = new DataParallel(1); LatentPool pool = new LatentPool(model, 2, parallel)) {
            pool.add(examples);
            LatentPool.Batch clips = pool.sample(1, new SplittableRandom(4));
            LatentPool.Batch frames = pool.sampleFrames(16, new SplittableRandom(4));
            assertEquals(new Shape(16, 3, 1, 32, 32), frames.latents().getShape());
            assertEquals(new Shape(16, 1, 1, 32, 32), frames.weights().getShape());
            assertEquals(clips.shapeTargets().getShape().get(1) / 9, frames.shapeTargets().getShape().get(1), "one frame's tokens");
            for (int i = 0; i < 16; i++) {
                int clip = examples.stream().map(Example::captions).toList().indexOf(frames.captions().get(i));
                NDArray video = VideoTensors.of(model.manager(), List.of(examples.get(clip).clip())).get(0);
                float[] frame = frames.latents().get(i).toFloatArray();
                int match = -1;
                for (int f = 0; f < 9 && match < 0; f++) {
                    if (java.util.Arrays.equals(video.get(new NDIndex(":, {}:{}", f, f + 1)).toFloatArray(), frame)) match = f;
                }
                assertTrue(match >= 0, "sample " + i + " is a frame of its clip");
                float[] weights = ObjectWeights.of(examples.get(clip), 1, 1);
                assertArrayEquals(java.util.Arrays.copyOfRange(weights, match * 32 * 32, (match + 1) * 32 * 32), frames.weights().get(i).toFloatArray(), "weights of frame " + match);
            }
        }
    }
}
