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

    /** A grounded model renders the layout it is given, so another layout gives another video; a layout that does not fit, or one for a model without grounding, is refused. */
    @Test
    void aGroundedModelRendersItsLayoutAndRefusesOneThatDoesNotFit() {
        GenerationRequest r = request("a red ball moving right", 32, 32, 9, 5);
        try (var grounded = new DiffusionGenerator(TinyModel.perturbed("pixel-tiny", 1), FlowMatching.Sampler.EULER);
             var latent = new DiffusionGenerator(TinyModel.perturbed(1), FlowMatching.Sampler.EULER)) {
            List<Keyframes> none = List.of(Keyframes.NONE);
            Clip planned = grounded.generate(List.of(r), none, List.of(Layout.plan(r)), StepListener.NONE).getFirst();
            assertTrue(sameFrames(planned, grounded.generate(r)), "text-to-video renders the prompt's plan");
            Clip empty = grounded.generate(List.of(r), none, List.of(Layout.empty(32, 32, 9)), StepListener.NONE).getFirst();
            assertFalse(sameFrames(planned, empty), "the layout shapes the video");
            var wrongSize = assertThrows(IllegalArgumentException.class,
                    () -> grounded.generate(List.of(r), none, List.of(Layout.empty(32, 32, 5)), StepListener.NONE));
            assertTrue(wrongSize.getMessage().contains("does not match the request's 32x32, 9 frames"), wrongSize.getMessage());
            var ungrounded = assertThrows(IllegalArgumentException.class,
                    () -> latent.generate(List.of(r), none, List.of(Layout.plan(r)), StepListener.NONE));
            assertTrue(ungrounded.getMessage().contains("is not grounded"), ungrounded.getMessage());
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
    void aPixelModelShowsItsKeyFramesExactlyAndDrawsTheRest() {
        try (var generator = new DiffusionGenerator(TinyModel.perturbed("pixel-tiny", 2), FlowMatching.Sampler.HEUN)) {
            GenerationRequest r = request("a red ball moving right", 32, 32, 9, 4);
            byte[] first = new byte[3 * 32 * 32], last = new byte[3 * 32 * 32];
            for (int p = 0; p < 32 * 32; p++) {
                first[3 * p] = (byte) (p % 32 < 16 ? 230 : 20);
                last[3 * p + 2] = (byte) (p / 32 < 16 ? 200 : 40);
            }
            Clip keyed = generator.generate(List.of(r), List.of(Keyframes.firstAndLast(first, last, 9)), StepListener.NONE).getFirst();
            assertTrue(maxDifference(frame(first), frame(keyed.frames().getFirst())) <= 1, "frame 0 is the first key frame");
            assertTrue(maxDifference(frame(last), frame(keyed.frames().getLast())) <= 1, "frame 8 is the last key frame");
            Clip free = generator.generate(r);
            assertTrue(maxDifference(frame(first), frame(free.frames().getFirst())) > 50, "without key frames frame 0 is drawn");
            assertTrue(maxDifference(frame(keyed.frames().get(4)), frame(free.frames().get(4))) > 0, "the key frames steer the frames between");
        }
    }

    @Test
    void keyFramesThatDoNotFitGetClearErrors() {
        byte[] frame = new byte[3 * 32 * 32];
        GenerationRequest r = request("a ball", 32, 32, 9, 1);
        try (var latent = new DiffusionGenerator(TinyModel.perturbed(1), FlowMatching.Sampler.EULER)) {
            var e = assertThrows(IllegalArgumentException.class, () -> latent.generate(List.of(r), List.of(Keyframes.first(frame)), StepListener.NONE));
            assertTrue(e.getMessage().contains("cannot take frames"), e.getMessage());
        }
        try (var pixel = new DiffusionGenerator(TinyModel.perturbed("pixel-tiny", 1), FlowMatching.Sampler.EULER)) {
            var outside = assertThrows(IllegalArgumentException.class,
                    () -> pixel.generate(List.of(r), List.of(new Keyframes(Map.of(9, frame))), StepListener.NONE));
            assertTrue(outside.getMessage().contains("outside the video's 9 frames"), outside.getMessage());
            var size = assertThrows(IllegalArgumentException.class,
                    () -> pixel.generate(List.of(r), List.of(Keyframes.first(new byte[3 * 16 * 16])), StepListener.NONE));
            assertTrue(size.getMessage().contains("32x32"), size.getMessage());
        }
    }

    private static Clip frame(byte[] rgb) {
        return new Clip(32, 32, 8, List.of(rgb));
    }

    @Test
    void badArgumentsGetClearErrors() {
        try (var generator = new DiffusionGenerator(TinyModel.perturbed(1), FlowMatching.Sampler.EULER)) {
            var mixed = assertThrows(IllegalArgumentException.class,
                    () -> generator.generate(List.of(request("a", 32, 32, 5, 1), request("b", 48, 32, 5, 1)), StepListener.NONE));
            assertTrue(mixed.getMessage().contains("share size"), mixed.getMessage());
            var unfit = assertThrows(IllegalArgumentException.class, () -> generator.generate(request("a", 30, 32, 5, 1)));
            assertTrue(unfit.getMessage().contains("multiples of 8"), unfit.getMessage());
            var noSteps = assertThrows(IllegalArgumentException.class,
                    () -> generator.generate(new GenerationRequest("a", "", 32, 32, 5, 8, 0, 3.0, 1)));
            assertEquals("steps must be from 1 to 100, got 0", noSteps.getMessage(), "a request built by hand meets the same rules");
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
