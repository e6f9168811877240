package dev.kineto.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VideoVaeTest {
    @Test
    void encodesAndDecodesAnySizeAndFourKPlusOneFrames() {
        try (VideoModel model = TinyModel.create(1); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            VideoVae vae = model.vae();
            for (long[] shape : new long[][] {{2, 3, 9, 32, 48}, {1, 3, 1, 16, 16}, {1, 3, 17, 16, 32}}) {
                NDArray video = Noise.gaussian(model.manager(), new Shape(shape), new SplittableRandom(1));
                NDArray mean = vae.encode(video).get(0);
                long[] latent = vae.latentShape((int) shape[2], (int) shape[3], (int) shape[4]);
                assertEquals(new Shape(shape[0], latent[0], latent[1], latent[2], latent[3]), mean.getShape());
                assertEquals(new Shape(shape), vae.decode(mean).getShape());
            }
        }
    }

    @Test
    void isCausalSoTheFirstFramesEncodeTheSameAloneOrWithWhatFollows() {
        try (VideoModel model = TinyModel.create(2); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray clip = Noise.gaussian(model.manager(), new Shape(1, 3, 9, 16, 16), new SplittableRandom(3));
            NDArray full = model.vae().encode(clip).get(0);
            NDArray firstFive = model.vae().encode(clip.get(":, :, 0:5")).get(0);
            NDArray firstOne = model.vae().encode(clip.get(":, :, 0:1")).get(0);
            assertTrue(full.get(":, :, 0:2").sub(firstFive).abs().max().getFloat() < 1e-5, "latent frames 0-1 depend only on frames 0-4");
            assertTrue(full.get(":, :, 0:1").sub(firstOne).abs().max().getFloat() < 1e-5, "a lone first frame encodes as in the clip");
            NDArray decodedFirst = model.vae().decode(full).get(":, :, 0:5");
            assertTrue(decodedFirst.sub(model.vae().decode(full.get(":, :, 0:2"))).abs().max().getFloat() < 1e-5, "decoding is causal too");
        }
    }

    @Test
    void rejectsVideoTensorsOfTheWrongShape() {
        try (VideoModel model = TinyModel.create(1); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            var e = assertThrows(IllegalArgumentException.class, () -> model.vae().encode(model.manager().zeros(new Shape(1, 3, 8, 16, 16))));
            assertTrue(e.getMessage().contains("4k+1"), e.getMessage());
        }
    }
}
