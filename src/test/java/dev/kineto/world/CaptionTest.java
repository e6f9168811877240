package dev.kineto.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CaptionTest {

    @Test
    void captionThenParseGivesTheSameDescriptionForManySamples() {
        SplittableRandom rng = new SplittableRandom(7);
        Set<String> captions = new HashSet<>();
        for (int i = 0; i < 3000; i++) {
            Description d = DescriptionSampler.describe(new SplittableRandom(i), i % 5 == 0 ? Split.HELDOUT : Split.TRAIN);
            String caption = World.caption(d, rng);
            captions.add(caption);
            Description back = World.parse(caption);
            assertEquals(d, back, () -> "caption: " + caption);
            // and the second round trip is stable too
            assertEquals(back, World.parse(World.caption(back, rng)));
        }
        assertTrue(captions.size() > 2900, "captions should vary, got " + captions.size() + " distinct of 3000");
    }

    @Test
    void aCaptionSaysWhichTraitsItStated() {
        Caption bare = World.read("a red circle");
        assertEquals(List.of(Set.of(Stated.Trait.COLOUR)), bare.stated().objects());
        assertEquals(Set.of(Stated.Trait.COUNT), bare.stated().scene());
        assertEquals(Size.MEDIUM, bare.description().objects().getFirst().size());

        Stated full = World.read("two small blue squares moving left slowly on a striped red and white background, in outline, as the camera pans left").stated();
        Set<Stated.Trait> object = Set.of(Stated.Trait.COLOUR, Stated.Trait.SIZE, Stated.Trait.MOTION, Stated.Trait.SPEED);
        assertEquals(List.of(object, object), full.objects());
        assertEquals(Set.of(Stated.Trait.COUNT, Stated.Trait.BACKGROUND, Stated.Trait.STYLE, Stated.Trait.CAMERA), full.scene());

        assertEquals(Set.of(), World.read("squares").stated().scene(), "a bare plural states no count");
        assertEquals(Set.of(Stated.Trait.BACKGROUND), World.read("circles on blue").stated().scene());
        assertTrue(World.read("a ball crashes into a box").stated().object(1, Stated.Trait.MOTION), "a collision states both motions");
    }

    @Test
    void theIssueExampleParses() {
        Description d = World.parse("a small green triangle bouncing on a gray background");
        ObjectSpec o = d.objects().getFirst();
        assertEquals(new ObjectSpec(Colour.GREEN, ShapeKind.TRIANGLE, Size.SMALL, Motion.BOUNCE, Speed.NORMAL), o);
        assertEquals(Background.solid(Colour.GRAY), d.background());
        assertEquals(Style.FLAT, d.style());
        assertEquals(Camera.STATIC, d.camera());
    }

    @Test
    void relationsCollisionsCountsBackgroundsStylesAndCamerasParse() {
        Description rel = World.parse("A red circle to the left of a blue square.");
        assertEquals(Relation.LEFT_OF, rel.relation());
        assertEquals(List.of(ObjectSpec.of(Colour.RED, ShapeKind.CIRCLE), ObjectSpec.of(Colour.BLUE, ShapeKind.SQUARE)), rel.objects());

        Description crash = World.parse("a fast crimson ball crashes into a slow grey box");
        assertTrue(crash.collide());
        assertEquals(new ObjectSpec(Colour.RED, ShapeKind.CIRCLE, Size.MEDIUM, Motion.RIGHT, Speed.FAST), crash.objects().get(0));
        assertEquals(new ObjectSpec(Colour.GRAY, ShapeKind.SQUARE, Size.MEDIUM, Motion.LEFT, Speed.SLOW), crash.objects().get(1));

        Description three = World.parse("three tiny yellow stars spinning slowly over a checkered black and white backdrop, in pixel art style");
        assertEquals(3, three.objects().size());
        assertEquals(new ObjectSpec(Colour.YELLOW, ShapeKind.STAR, Size.SMALL, Motion.ROTATE, Speed.SLOW), three.objects().get(2));
        assertEquals(new Background(BackgroundKind.CHECKER, Colour.BLACK, Colour.WHITE), three.background());
        assertEquals(Style.PIXEL_ART, three.style());

        Description camera = World.parse("As the camera zooms in, a big purple hexagon drifts up and to the left against a gradient from blue to black");
        assertEquals(Camera.ZOOM_IN, camera.camera());
        assertEquals(new ObjectSpec(Colour.PURPLE, ShapeKind.HEXAGON, Size.LARGE, Motion.UP_LEFT, Speed.NORMAL), camera.objects().getFirst());
        assertEquals(new Background(BackgroundKind.GRADIENT, Colour.BLUE, Colour.BLACK), camera.background());
        assertNull(camera.relation());

        assertEquals(Motion.ORBIT, World.parse("a ball moving in a circle").objects().getFirst().motion());
        assertEquals(Motion.FALL, World.parse("a ball falling down").objects().getFirst().motion());
        assertEquals(Motion.DOWN_RIGHT, World.parse("a ball moving down-right").objects().getFirst().motion());
        assertEquals(Motion.RIGHT, World.parse("a ball moving from left to right").objects().getFirst().motion());
        assertEquals(Motion.FALL, World.parse("a big box that falls and bounces").objects().getFirst().motion());
    }

    @Test
    void everySynonymParses() {
        for (Colour c : Colour.values()) {
            for (String w : c.words()) assertEquals(c, only("a " + w + " circle").colour(), w);
        }
        for (ShapeKind s : ShapeKind.values()) {
            for (String w : s.words()) assertEquals(s, only("a red " + w).shape(), w);
            for (String w : s.plurals()) {
                Description d = World.parse("two red " + w);
                assertEquals(List.of(ObjectSpec.of(Colour.RED, s), ObjectSpec.of(Colour.RED, s)), d.objects(), w);
            }
        }
        for (Size s : Size.values()) {
            for (String w : s.words()) assertEquals(s, only("a " + w + " red circle").size(), w);
        }
        for (Motion m : Motion.values()) {
            for (String w : m.directions()) assertEquals(m, only("a red circle moving " + w).motion(), w);
            for (String w : m.participles()) assertEquals(m, only("a red circle " + w).motion(), w);
            for (String w : m.finite()) assertEquals(m, only("the red circle " + w).motion(), w);
            for (String w : m.adjectives()) assertEquals(m, only("a " + w + " red circle").motion(), w);
        }
        for (Speed s : Speed.values()) {
            for (String w : s.adverbs()) assertEquals(s, only("a red circle spinning " + w).speed(), w);
            for (String w : s.adjectives()) assertEquals(s, only("a " + w + " red circle spinning").speed(), w);
        }
        for (Relation r : Relation.values()) {
            for (String w : r.words()) assertEquals(r, World.parse("a red circle " + w + " a blue square").relation(), w);
        }
        for (BackgroundKind k : BackgroundKind.values()) {
            Colour second = k == BackgroundKind.SOLID ? Colour.BLUE : Colour.WHITE;
            String colours = k == BackgroundKind.SOLID ? "blue" : "blue and white";
            for (String w : k.words()) {
                assertEquals(new Background(k, Colour.BLUE, second), World.parse("a red circle on a " + w + " " + colours + " background").background(), w);
            }
        }
        for (Style s : Style.values()) {
            for (String w : s.words()) assertEquals(s, World.parse("a red circle, " + w).style(), w);
        }
        for (Camera c : Camera.values()) {
            for (String w : c.words()) assertEquals(c, World.parse("a red circle as the camera " + w).camera(), w);
        }
        for (String w : Lexicon.COLLIDE_WORDS) assertTrue(World.parse("a red ball and a blue ball " + w).collide(), w);
        assertTrue(World.vocabulary().containsAll(List.of("crimson", "ball", "slides", "drifts", "moves", "checkered")));
    }

    @Test
    void unknownWordsAreNamedWithTheVocabulary() {
        CaptionException e = assertThrows(CaptionException.class, () -> World.parse("a red dragon flying over lava"));
        assertTrue(e.getMessage().contains("'dragon'") && e.getMessage().contains("'flying'") && e.getMessage().contains("'lava'"), e.getMessage());
        assertTrue(e.getMessage().contains("shapes (circle, square, triangle"), e.getMessage());
        assertTrue(e.getMessage().contains("colours (red, orange, yellow"), e.getMessage());
        assertTrue(World.describeVocabulary().contains("colours: red, crimson, scarlet"), World.describeVocabulary());
    }

    @Test
    void impossibleCaptionsSayWhatToFix() {
        assertMessage("names no shape", "a red thing".replace("thing", "background"));
        assertMessage("two colours", "a red blue circle");
        assertMessage("one to three", "four red circles".replace("four", "three") + " and a blue square");
        assertMessage("relation", "a red circle left of a blue square and a green star");
        assertMessage("two different motions", "a spinning red circle bouncing");
        assertMessage("empty", "   ");
        assertMessage("place objects with a relation", "a blue square on the left and a red circle on the right");
    }

    private static void assertMessage(String expected, String caption) {
        CaptionException e = assertThrows(CaptionException.class, () -> World.parse(caption), caption);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static ObjectSpec only(String caption) {
        Description d = World.parse(caption);
        assertEquals(1, d.objects().size(), caption);
        return d.objects().getFirst();
    }
}
