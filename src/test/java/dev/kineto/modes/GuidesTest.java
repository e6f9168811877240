package dev.kineto.modes;

import static org.junit.jupiter.api.Assertions.*;

import dev.kineto.evaluation.Check;
import dev.kineto.evaluation.Evaluator;
import dev.kineto.evaluation.ModeScores;
import dev.kineto.model.GenerationRequest;
import dev.kineto.video.Clip;
import dev.kineto.world.Camera;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Style;
import dev.kineto.world.World;
import dev.kineto.world.WorldClip;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guide clips each mode draws, read back by the evaluator (what the model is then asked to keep). */
class GuidesTest {
    private static GenerationRequest request(String prompt) {
        return new GenerationRequest(prompt, "", 64, 64, 17, 8, 16, 2.5, 3);
    }

    @Test
    void theSubjectFollowsAMotionPathWithTurns() {
        MotionPath path = MotionPath.parse("12,12; 52,20; 20,52 ;50,50");
        Clip guide = Guides.guide(request("a red ball on a blue background"), new Direction(path, null, null, null, null));
        assertEquals(17, guide.frameCount());
        assertTrue(ModeScores.trajectoryError(guide, path.points()) < 0.5, "error " + ModeScores.trajectoryError(guide, path.points()));
        assertTrue(ModeScores.trajectoryError(guide, MotionPath.parse("50,50;12,12").points()) > 10, "a wrong path is far");
    }

    @Test
    void theClassifierReadsEveryCameraMoveOnItsGuide() {
        for (Camera move : Camera.values()) {
            Direction direction = new Direction(null, move, Style.SOFT, null, null);
            GenerationRequest request = request(direction.prompt("a yellow square on a blue and black checkered background"));
            Clip guide = Guides.guide(request, direction);
            Check camera = Evaluator.evaluate(guide, request.prompt()).checks().stream().filter(c -> c.category().equals("camera")).findFirst().orElseThrow();
            assertTrue(camera.pass(), move + ": " + camera);
            Check style = Evaluator.evaluate(guide, request.prompt()).checks().stream().filter(c -> c.category().equals("style")).findFirst().orElseThrow();
            assertTrue(style.pass(), move + ": " + style);
        }
    }

    @Test
    void aRestyleDrawsTheNewPromptOnTheSourcesPath() {
        WorldClip source = World.render("a green triangle moving right on a black background", new RenderSpec(64, 64, 17, 8), 5);
        String prompt = "a pink triangle on a blue and white striped background";
        Clip guide = Guides.guide(request(prompt), new Direction(null, null, null, source.clip(), null));
        var result = Evaluator.evaluate(guide, prompt);
        assertEquals(Boolean.TRUE, result.categories().get("colour"), result.toJson());
        assertEquals(Boolean.TRUE, result.categories().get("background"), result.toJson());
        List<double[]> path = source.scene().tracks().getFirst().states().stream().map(s -> new double[] {s.x(), s.y()}).toList();
        assertTrue(ModeScores.trajectoryError(guide, path) < 1, "the source's path: " + ModeScores.trajectoryError(guide, path));
    }

    @Test
    void aClipWithoutASubjectOrAPromptTheWorldCannotDrawIsRestyledAsItIs() {
        Clip grey = new Clip(64, 64, 8, Collections.nCopies(17, filled(64 * 64 * 3, (byte) 128)));
        assertSame(grey, Guides.guide(request("a red ball on a blue background"), new Direction(null, null, null, grey, null)));
        WorldClip source = World.render("a green ball moving left on a black background", new RenderSpec(64, 64, 17, 8), 5);
        assertSame(source.clip(), Guides.guide(request("a cat on a sofa"), new Direction(null, null, null, source.clip(), null)));
    }

    @Test
    void badInputsSayWhatToFix() {
        assertMessage("at least two points", () -> MotionPath.parse("10,10"));
        assertMessage("looks like", () -> MotionPath.parse("10,10;20"));
        assertMessage("outside the 64x64 frame", () -> Guides.guide(request("a red ball on a blue background"),
                new Direction(MotionPath.parse("10,10;70,20"), null, null, null, null)));
        assertMessage("unknown camera move 'dolly': use static, pan-left, pan-right, pan-up, pan-down, zoom-in, zoom-out", () -> Direction.camera("dolly"));
        assertMessage("strength must be 0..1", () -> new Direction(null, Camera.ZOOM_IN, null, null, 1.5));
        assertMessage("strength applies to", () -> new Direction(null, null, Style.FLAT, null, 0.5));
        assertMessage("a prompt the world can draw", () -> Guides.guide(request("a cat on a sofa"), new Direction(null, Camera.PAN_UP, null, null, null)));
        Clip long9s = new Clip(8, 8, 8, Collections.nCopies(72, new byte[8 * 8 * 3]));
        assertMessage("at most 8.0 s", () -> Guides.source(long9s, 8));
        assertEquals(17, Guides.source(new Clip(8, 8, 24, Collections.nCopies(60, new byte[8 * 8 * 3])), 8).frameCount(), "2.5 s at 8 fps: 20 frames, cut to 17");
    }

    private static byte[] filled(int n, byte v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, v);
        return b;
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable body) {
        var e = assertThrows(IllegalArgumentException.class, body);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
