package dev.kineto.evaluation.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kineto.evaluation.scores.Check;
import dev.kineto.evaluation.scores.EvalResult;
import dev.kineto.evaluation.scores.Evaluator;
import dev.kineto.evaluation.scores.Quality;
import dev.kineto.video.Clip;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.World;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The calibration that makes the numbers trustworthy: ground truth passes, and each known defect costs what it should. */
class CalibrationTest {

    static final RenderSpec SMALL = new RenderSpec(64, 64, 17, 8);

    static Clip render(String prompt, RenderSpec spec, long seed) {
        return World.render(prompt, spec, seed).clip();
    }

    /** The categories whose checks failed. */
    static List<String> failed(EvalResult result) {
        return result.categories().entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
    }

    @Test
    void theWorldsOwnRendersOfTheSuiteAreAlmostAllCorrectAndConsistent() throws Exception {
        Suite suite = Suite.load("world-v1");
        SuiteResult result = SuiteResult.run(suite, "ground truth", new GroundTruthGenerator(), 1, 0, 16, line -> {});
        List<String> wrong = result.items().stream().filter(i -> !i.result().allCorrect())
                .map(i -> i.prompt().id() + " " + i.result().checks().stream().filter(c -> !c.pass()).toList()).toList();
        assertTrue(result.allCorrect() >= 0.98, "all correct " + result.allCorrect() + ": " + wrong);
        assertTrue(result.dimensions().get("subject_consistency") > 0.97, result.dimensions().toString());
        assertTrue(result.dimensions().get("background_consistency") > 0.97, result.dimensions().toString());
        assertTrue(result.dimensions().get("temporal_flickering") > 0.95, result.dimensions().toString());
    }

    @Test
    void renders128PixelsWideAreReadToo() throws Exception {
        Suite suite = Suite.load("world-v1").firstOfEachCategory(1);
        for (Suite.Prompt p : suite.prompts()) {
            EvalResult result = Evaluator.evaluate(render(p.prompt(), new RenderSpec(128, 128, 17, 8), p.seed()), p.prompt(), p.seed());
            assertTrue(result.allCorrect(), p.id() + " " + result.checks());
        }
    }

    @Test
    void aRenderOfADifferentPromptFailsExactlyTheAttributesThatDiffer() {
        String shown = "a red circle moving right on a black background";
        Clip clip = render(shown, SMALL, 7);
        assertEquals(List.of(), failed(Evaluator.evaluate(clip, shown, 7)));
        assertEquals(List.of("colour"), failed(Evaluator.evaluate(clip, "a blue circle moving right on a black background", 7)));
        assertEquals(List.of("shape"), failed(Evaluator.evaluate(clip, "a red square moving right on a black background", 7)));
        assertEquals(List.of("size"), failed(Evaluator.evaluate(clip, "a large red circle moving right on a black background", 7)));
        assertEquals(List.of("motion"), failed(Evaluator.evaluate(clip, "a red circle moving left on a black background", 7)));
        assertEquals(List.of("background"), failed(Evaluator.evaluate(clip, "a red circle moving right on a white background", 7)));
        assertEquals(List.of("style"), failed(Evaluator.evaluate(clip, "a red circle moving right on a black background, in outline", 7)));
    }

    @Test
    void onlyWhatThePromptStatesIsJudged() {
        Clip largeDisc = render("a large red circle moving right on a black background", SMALL, 7);
        EvalResult unsized = Evaluator.evaluate(largeDisc, "a red circle moving to the right on a black background", 7);
        assertEquals(List.of(), failed(unsized));
        assertTrue(unsized.checks().stream().noneMatch(c -> c.category().equals("size")), unsized.checks().toString());
        assertEquals(List.of("size"), failed(Evaluator.evaluate(largeDisc, "a small red circle moving right on a black background", 7)));

        Clip spinning = render("a large yellow square spinning on a gray background, in outline", SMALL, 5);
        EvalResult bare = Evaluator.evaluate(spinning, "a square", 5);
        assertEquals(List.of("shape", "count"), bare.checks().stream().map(Check::category).toList());
        assertTrue(bare.allCorrect(), bare.checks().toString());

        Clip three = render("three blue circles moving left on a white background", SMALL, 9);
        EvalResult plural = Evaluator.evaluate(three, "blue circles moving left on a white background", 9);
        assertTrue(plural.checks().stream().noneMatch(c -> c.category().equals("count")), plural.checks().toString());
        assertEquals(List.of("count"), failed(Evaluator.evaluate(three, "two blue circles moving left on a white background", 9)));
    }

    @Test
    void theSignOfARelationIsChecked() {
        String shown = "a red circle to the left of a blue square on a black background";
        Clip clip = render(shown, SMALL, 3);
        assertEquals(List.of(), failed(Evaluator.evaluate(clip, shown, 3)));
        assertEquals(List.of("relation"), failed(Evaluator.evaluate(clip, "a red circle to the right of a blue square on a black background", 3)));
        assertEquals(List.of("relation"), failed(Evaluator.evaluate(clip, "a red circle above a blue square on a black background", 3)));
    }

    @Test
    void aFrozenFrameHasNoDynamicsAndFailsMotion() {
        String prompt = "a green square moving up on a white background";
        Clip moving = render(prompt, SMALL, 11);
        Clip frozen = new Clip(64, 64, 8, Collections.nCopies(17, moving.frames().getFirst()));
        EvalResult still = Evaluator.evaluate(frozen, prompt, 11);
        assertEquals(1.0, Evaluator.evaluate(moving, prompt, 11).dimensions().get("dynamic_degree"));
        assertEquals(0.0, still.dimensions().get("dynamic_degree"));
        assertEquals(List.of("motion"), failed(still));
    }

    @Test
    void shuffledFramesLoseMotionSmoothness() {
        Clip clip = render("a yellow circle moving right on a blue background", SMALL, 5);
        List<byte[]> frames = new ArrayList<>(clip.frames());
        Collections.shuffle(frames, new Random(1));
        Clip shuffled = new Clip(64, 64, 8, frames);
        double smooth = Quality.motionSmoothness(clip), jumbled = Quality.motionSmoothness(shuffled);
        assertTrue(smooth > 0.99, "ordered " + smooth);
        assertTrue(jumbled < smooth - 0.01, "shuffled " + jumbled + " vs ordered " + smooth);
    }

    @Test
    void perFrameNoiseLosesFlickerAndImagingQuality() {
        Clip clip = render("a white star rotating on a black background", SMALL, 9);
        Random random = new Random(2);
        List<byte[]> noisy = new ArrayList<>();
        for (byte[] f : clip.frames()) {
            byte[] n = f.clone();
            for (int k = 0; k < n.length; k++) n[k] = (byte) Math.clamp((n[k] & 0xff) + Math.round(random.nextGaussian() * 12), 0, 255);
            noisy.add(n);
        }
        Map<String, Double> clean = Evaluator.evaluate(clip, null).dimensions();
        Map<String, Double> grainy = Evaluator.evaluate(new Clip(64, 64, 8, noisy), null).dimensions();
        assertTrue(clean.get("temporal_flickering") > 0.99, clean.toString());
        assertTrue(grainy.get("temporal_flickering") < clean.get("temporal_flickering") - 0.02, grainy + " vs " + clean);
        assertTrue(grainy.get("imaging_quality") < clean.get("imaging_quality") - 0.1, grainy + " vs " + clean);
    }

    @Test
    void aColourThatDriftsLosesSubjectConsistency() {
        Clip clip = render("a red circle sitting still on a black background", SMALL, 4);
        List<byte[]> drifting = new ArrayList<>();
        for (int i = 0; i < clip.frameCount(); i++) {
            byte[] f = clip.frames().get(i).clone();
            double t = (double) i / (clip.frameCount() - 1);
            for (int p = 0; p < f.length; p += 3) {
                int red = f[p] & 0xff;
                f[p] = (byte) Math.round(red * (1 - t));
                f[p + 2] = (byte) Math.round(Math.max(f[p + 2] & 0xff, red * t));
            }
            drifting.add(f);
        }
        double steady = Evaluator.evaluate(clip, null).dimensions().get("subject_consistency");
        double drifted = Evaluator.evaluate(new Clip(64, 64, 8, drifting), null).dimensions().get("subject_consistency");
        assertTrue(steady > 0.99, "steady " + steady);
        assertTrue(drifted < steady - 0.1, "drifting " + drifted + " vs steady " + steady);
    }

    @Test
    void fallsAndCollisionsAreCheckedAgainstTheSimulation() {
        String falling = "a red ball falling on a black background";
        Clip clip = render(falling, SMALL, 2);
        EvalResult result = Evaluator.evaluate(clip, falling, 2);
        assertTrue(result.categories().get("physics"), result.checks().toString());
        // Played backwards, the ball rises from the floor: wrong physics, and no longer a fall.
        Clip reversed = new Clip(64, 64, 8, clip.frames().reversed());
        assertEquals(false, Evaluator.evaluate(reversed, falling, 2).categories().get("physics"));
        String collision = "a red circle and a blue circle colliding on a black background";
        assertTrue(Evaluator.evaluate(render(collision, SMALL, 6), collision, 6).allCorrect());
    }

    @Test
    void noiseIsNoScene() {
        Random random = new Random(3);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            byte[] f = new byte[64 * 64 * 3];
            random.nextBytes(f);
            frames.add(f);
        }
        EvalResult result = Evaluator.evaluate(new Clip(64, 64, 8, frames), "a red circle moving right on a black background");
        assertEquals(false, result.allCorrect());
        assertEquals(false, result.categories().get("background"));
        assertTrue(result.dimensions().get("temporal_flickering") < 0.8, result.dimensions().toString());
    }

    @Test
    void categoriesArePerCheckAndAllCorrectNeedsEveryOne() {
        EvalResult result = Evaluator.evaluate(render("a pink square on a green background", SMALL, 1), "a pink square on a blue background", 1);
        assertEquals(false, result.allCorrect());
        assertEquals(Map.of("background", false), result.categories().entrySet().stream().filter(e -> !e.getValue())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }
}
