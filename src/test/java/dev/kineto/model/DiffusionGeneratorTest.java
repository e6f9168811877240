package dev.kineto.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.kineto.video.Clip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sampling with an untrained tiny model: determinism, batching, previews, shapes, checkpoints, bad arguments. */
class DiffusionGeneratorTest {
    @TempDir Path dir;

    private static GenerationRequest request(String prompt, int width, int height, int frames, long seed) {
        return new GenerationRequest(prompt, "", width, height, frames, 8, 3, 3.0, seed);
    }

    @Test
    void sameSeedGivesTheSameVideoAndAnotherSeedAnother() {
        try (var generator = new DiffusionGenerator(TinyModel.perturbed(1), FlowMatching.Sampler.HEUN)) {
            Clip a = generator.generate(request("a red ball", 32, 32, 9, 5));
            Clip b = generator.generate(request("a red ball", 32, 32, 9, 5));
            Clip c = generator.generate(request("a red ball", 32, 32, 9, 6));
            assertTrue(sameFrames(a, b));
            assertFalse(sameFrames(a, c));
        }
    }

    @Test
    void savedAndLoadedModelGivesIdenticalVideos() throws Exception {
        Clip before;
        try (VideoModel model = TinyModel.perturbed(3)) {
            model.save(dir, Map.of());
            before = new DiffusionGenerator(model, FlowMatching.Sampler.EULER).generate(request("a green square moving left", 32, 32, 5, 9));
        }
        try (var loaded = DiffusionGenerator.load(dir)) {
            var euler = new DiffusionGenerator(loaded.model(), FlowMatching.Sampler.EULER);
            assertTrue(sameFrames(before, euler.generate(request("a green square moving left", 32, 32, 5, 9))));
        }
    }

    @Test
    void batchesPromptsAndHandsOutAPreviewEveryStep() {
        try (var generator = new DiffusionGenerator(TinyModel.perturbed(1), FlowMatching.Sampler.EULER)) {
            List<Integer> steps = new ArrayList<>();
            List<Clip> clips = generator.generate(List.of(request("a red ball", 48, 32, 5, 1), request("blue square", 48, 32, 5, 2)), (step, total, preview) -> {
                steps.add(step);
                if (step == total) {
                    List<Clip> previews = preview.get();
                    assertEquals(2, previews.size());
                    assertEquals(48, previews.getFirst().width());
                }
            });
            assertEquals(List.of(1, 2, 3), steps);
            assertEquals(2, clips.size());
            Clip alone = generator.generate(request("blue square", 48, 32, 5, 2));
            assertTrue(maxDifference(alone, clips.get(1)) <= 2, "a prompt gives the same video alone as in a batch");
        }
    }

    @Test
    void makesOtherAspectRatiosAndFrameCounts() {
        try (var generator = new DiffusionGenerator(TinyModel.perturbed(1), FlowMatching.Sampler.EULER)) {
            for (int[] shape : new int[][] {{56, 32, 9}, {32, 56, 5}, {16, 16, 1}, {32, 32, 17}}) {
                Clip clip = generator.generate(request("a ball", shape[0], shape[1], shape[2], 1));
                assertEquals(shape[0], clip.width());
                assertEquals(shape[1], clip.height());
                assertEquals(shape[2], clip.frameCount());
            }
        }
    }

    @Test
    void badArgumentsGetClearErrors() {
        try (var generator = new DiffusionGenerator(TinyModel.perturbed(1), FlowMatching.Sampler.EULER)) {
            var mixed = assertThrows(IllegalArgumentException.class,
                    () -> generator.generate(List.of(request("a", 32, 32, 5, 1), request("b", 48, 32, 5, 1)), StepListener.NONE));
            assertTrue(mixed.getMessage().contains("share size"), mixed.getMessage());
            assertThrows(IllegalArgumentException.class, () -> request("a", 30, 32, 5, 1));
            assertEquals(java.util.Set.of("purple", "zigzag"), generator.unknownWords("a purple ball zigzag"));
            Clip source = generator.generate(request("a", 32, 32, 5, 1));
            var strength = assertThrows(IllegalArgumentException.class,
                    () -> generator.generate(List.of(request("a", 32, 32, 5, 1)), List.of(source), 1.5, StepListener.NONE));
            assertTrue(strength.getMessage().contains("strength"), strength.getMessage());
            var size = assertThrows(IllegalArgumentException.class,
                    () -> generator.generate(List.of(request("a", 48, 32, 5, 1)), List.of(source), 0.5, StepListener.NONE));
            assertTrue(size.getMessage().contains("does not match"), size.getMessage());
        }
    }

    private static boolean sameFrames(Clip a, Clip b) {
        return maxDifference(a, b) == 0;
    }

    private static int maxDifference(Clip a, Clip b) {
        int max = 0;
        for (int i = 0; i < a.frameCount(); i++) {
            byte[] x = a.frames().get(i), y = b.frames().get(i);
            for (int j = 0; j < x.length; j++) max = Math.max(max, Math.abs((x[j] & 0xff) - (y[j] & 0xff)));
        }
        return max;
    }
}
