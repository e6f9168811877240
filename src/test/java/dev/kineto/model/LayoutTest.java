package dev.kineto.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.kineto.world.ObjectState;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Scene;
import dev.kineto.world.ShapeKind;
import dev.kineto.world.World;
import org.junit.jupiter.api.Test;

class LayoutTest {
    private static final int TOKEN = 8, SHAPES = ShapeKind.values().length;

    /** The plan of "a red star moving to the right": every frame tells the tokens under the star what and where it is, and it moves right. */
    @Test
    void aPromptsPlanPutsItsObjectWhereTheSimulatorDoesFrameByFrame() {
        GenerationRequest request = new GenerationRequest("a red star moving to the right on a black background", "", 64, 64, 17, 8, 4, 1, 7);
        Layout plan = Layout.plan(request);
        Scene scene = World.simulate(World.parse(request.prompt()), new RenderSpec(64, 64, 17, 8), 7);
        assertEquals(Layout.of(scene), plan, "the same request plans the same scene");
        float[] features = plan.features(TOKEN);
        int plane = 8 * 8;
        assertEquals(17 * plane * Layout.FEATURES, features.length);
        for (int f : new int[] {0, 16}) {
            ObjectState s = scene.tracks().getFirst().states().get(f);
            int centre = f * plane + (int) (s.y() / TOKEN) * 8 + (int) (s.x() / TOKEN);
            assertEquals(1f, features[centre * Layout.FEATURES + ShapeKind.STAR.ordinal()], "frame " + f + ": the token under the star is told it is a star");
            assertEquals(0, features[centre * Layout.FEATURES + SHAPES], 0.5 * TOKEN / (s.size() + TOKEN / 2.0) + 1e-6, "and that it is near the box's centre");
            int rgb = s.rgb();
            assertEquals(Math.cos(s.rotation()), features[centre * Layout.FEATURES + SHAPES + 4], 1e-6, "and its rotation");
            assertEquals((rgb >> 16 & 0xff) / 255f, features[centre * Layout.FEATURES + SHAPES + 6], 1e-6, "and its colour");
            int covered = 0;
            for (int k = 0; k < plane; k++) covered += features[(f * plane + k) * Layout.FEATURES + ShapeKind.STAR.ordinal()] > 0 ? 1 : 0;
            double side = 2 * s.size() / TOKEN;
            assertTrue(covered >= side * side * 0.9 && covered <= Math.pow(Math.ceil(side) + 1, 2), covered + " tokens cover a box " + 2 * s.size() + " px a side");
        }
        ObjectState first = scene.tracks().getFirst().states().getFirst(), last = scene.tracks().getFirst().states().getLast();
        assertTrue(last.x() > first.x() + TOKEN, "the plan moves right: " + first.x() + " → " + last.x());
        assertEquals(plan.frames().subList(4, 9), plan.window(4, 5).frames());
        assertEquals(scene.camera(), plan.camera(), "and the camera on every frame");
        float[] backdrop = plan.backdropFeatures(TOKEN);
        assertEquals(plane * Layout.BACKDROP_FEATURES, backdrop.length);
        int solid = dev.kineto.world.BackgroundKind.SOLID.ordinal(), patterns = dev.kineto.world.BackgroundKind.values().length;
        for (int k = 0; k < plane; k++) {
            assertEquals(1f, backdrop[k * Layout.BACKDROP_FEATURES + solid], "every backdrop token is told the pattern, solid");
            for (int c = 0; c < 6; c++) assertEquals(0f, backdrop[k * Layout.BACKDROP_FEATURES + patterns + c], "and its colours, black");
        }
        assertArrayEquals(java.util.Arrays.copyOfRange(features, 4 * plane * Layout.FEATURES, 9 * plane * Layout.FEATURES), plan.window(4, 5).features(TOKEN));
    }

    /** Tokens outside every box are told nothing, and a prompt the parser cannot read plans no objects. */
    @Test
    void aPromptWithoutObjectsOrWithUnknownWordsPlansNothing() {
        for (String prompt : new String[] {"a blue background", "a purple blorb wobbling"}) {
            float[] features = Layout.plan(new GenerationRequest(prompt, "", 32, 16, 3, 8, 4, 1, 1)).features(TOKEN);
            assertEquals(3 * 4 * 2 * Layout.FEATURES, features.length);
            for (float v : features) assertEquals(0f, v, prompt);
        }
    }
}
