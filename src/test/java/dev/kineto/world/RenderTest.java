package dev.kineto.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kineto.video.Clip;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RenderTest {

    /** Holding the reduced world's colours and size fixes them, and nothing else: the same seed draws the same shape. */
    @Test
    void theReducedWorldHoldsColoursAndSizeFixedAndKeepsTheShape() {
        RenderSpec spec = new RenderSpec(32, 32, 1, 8);
        for (long seed = 0; seed < 20; seed++) {
            ObjectSpec free = World.sampleLoneStill(seed, spec, Set.of()).scene().description().objects().getFirst();
            Description held = World.sampleLoneStill(seed, spec, Set.of(World.Held.COLOURS, World.Held.SIZE)).scene().description();
            ObjectSpec object = held.objects().getFirst();
            assertEquals(Colour.WHITE, object.colour());
            assertEquals(Colour.BLACK, held.background().primary());
            assertEquals(Size.MEDIUM, object.size());
            assertEquals(free.shape(), object.shape());
        }
    }

    /** The reduced world of the shape experiments: one still object on a backdrop of one other colour, as its caption says. */
    @Test
    void theReducedWorldIsOneStillObjectOnASolidBackdropOfAnotherColour() {
        for (long seed = 0; seed < 20; seed++) {
            WorldClip sample = World.sampleLoneStill(seed, new RenderSpec(32, 32, 5, 8), Set.of());
            Description d = sample.scene().description();
            assertEquals(1, d.objects().size());
            assertEquals(BackgroundKind.SOLID, d.background().kind());
            assertNotEquals(d.objects().getFirst().colour(), d.background().primary());
            assertEquals(d.objects().getFirst().shape(), World.parse(sample.caption()).objects().getFirst().shape(), sample.caption());
            for (byte[] frame : sample.clip().frames()) assertArrayEquals(sample.clip().frames().getFirst(), frame, "still: every frame the same");
            assertFalse(Arrays.equals(sample.clip().frames().getFirst(), World.renderBackground(sample.scene()).frames().getFirst()), "the object is drawn");
        }
    }

    private static final List<Motion> MOTIONS = List.of(Motion.STILL, Motion.RIGHT, Motion.UP_LEFT, Motion.FALL,
            Motion.ROTATE, Motion.ORBIT, Motion.GROW, Motion.BOUNCE, Motion.SHRINK, Motion.DOWN);

    @Test
    void sceneCentroidMatchesThePixelsOnEveryFrame() {
        int cases = 0;
        for (RenderSpec spec : List.of(new RenderSpec(64, 64, 9, 8), new RenderSpec(96, 64, 9, 12))) {
            for (ShapeKind shape : ShapeKind.values()) {
                for (int m = 0; m < MOTIONS.size(); m++) {
                    Motion motion = MOTIONS.get(m);
                    Camera camera = Camera.values()[(shape.ordinal() + m) % Camera.values().length];
                    Size size = Size.values()[(shape.ordinal() + 2 * m) % Size.values().length];
                    Colour colour = m % 2 == 0 ? Colour.WHITE : Colour.YELLOW;
                    Colour background = m % 2 == 0 ? Colour.BLACK : Colour.BLUE;
                    Description d = new Description(List.of(new ObjectSpec(colour, shape, size, motion, Speed.FAST)), null, false,
                            Background.solid(background), Style.FLAT, camera);
                    Scene scene = World.simulate(d, spec, cases);
                    Clip clip = World.render(scene);
                    for (int f = 0; f < spec.frames(); f++) {
                        ObjectState s = scene.tracks().getFirst().states().get(f);
                        double[] c = centroid(clip, f, background.rgb(), colour.rgb());
                        String where = d + " frame " + f + ": scene " + s + ", pixels " + c[0] + "," + c[1];
                        assertEquals(s.x(), c[0], 1.0, where);
                        assertEquals(s.y(), c[1], 1.0, where);
                    }
                    cases++;
                }
            }
        }
        assertEquals(160, cases);
    }

    /** Coverage-weighted centroid of the object colour over a solid background, in pixel coordinates (centres at +0.5). */
    static double[] centroid(Clip clip, int frame, int backgroundRgb, int objectRgb) {
        double[] bg = channels(backgroundRgb), ob = channels(objectRgb);
        double norm = 0;
        for (int c = 0; c < 3; c++) norm += (ob[c] - bg[c]) * (ob[c] - bg[c]);
        double sum = 0, sx = 0, sy = 0;
        for (int y = 0; y < clip.height(); y++) {
            for (int x = 0; x < clip.width(); x++) {
                double dot = 0;
                for (int c = 0; c < 3; c++) dot += (clip.sample(frame, x, y, c) - bg[c]) * (ob[c] - bg[c]);
                double w = Math.max(0, Math.min(1, dot / norm));
                sum += w;
                sx += w * (x + 0.5);
                sy += w * (y + 0.5);
            }
        }
        return new double[] {sx / sum, sy / sum};
    }

    private static double[] channels(int rgb) {
        return new double[] {(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255};
    }

    @Test
    void sameSeedGivesTheSameClipByteForByte() {
        RenderSpec spec = new RenderSpec(64, 48, 9, 8);
        for (long seed : new long[] {1, 2, 3, 99}) {
            WorldClip a = World.sample(seed, Split.TRAIN, spec), b = World.sample(seed, Split.TRAIN, spec);
            assertEquals(a.caption(), b.caption());
            assertEquals(a.scene().toJson(), b.scene().toJson());
            for (int f = 0; f < spec.frames(); f++) assertArrayEquals(a.clip().frames().get(f), b.clip().frames().get(f));
        }
        WorldClip one = World.sample(1, Split.TRAIN, spec), two = World.sample(2, Split.TRAIN, spec);
        assertFalse(one.caption().equals(two.caption()) && java.util.Arrays.equals(one.clip().frames().getFirst(), two.clip().frames().getFirst()));
    }

    @Test
    void samplingFromManyThreadsGivesTheSameClips() {
        RenderSpec spec = new RenderSpec(32, 32, 5, 8);
        List<WorldClip> sequential = java.util.stream.LongStream.range(0, 16).mapToObj(s -> World.sample(s, Split.TRAIN, spec)).toList();
        List<WorldClip> parallel = java.util.stream.LongStream.range(0, 16).parallel().mapToObj(s -> World.sample(s, Split.TRAIN, spec)).toList();
        for (int i = 0; i < 16; i++) {
            assertEquals(sequential.get(i).caption(), parallel.get(i).caption());
            for (int f = 0; f < spec.frames(); f++) {
                assertArrayEquals(sequential.get(i).clip().frames().get(f), parallel.get(i).clip().frames().get(f));
            }
        }
    }

    @Test
    void sceneJsonRoundTrips() {
        for (long seed = 0; seed < 20; seed++) {
            Scene scene = World.sample(seed, seed % 2 == 0 ? Split.TRAIN : Split.HELDOUT, new RenderSpec(32, 24, 5, 10)).scene();
            String json = scene.toJson();
            assertEquals(scene, Scene.fromJson(json));
            assertTrue(json.contains("\"tracks\"") && json.contains("\"rotation\"") && json.contains("\"camera\""), json);
        }
    }

    @Test
    void everyStyleDrawsItsOwnWay() {
        RenderSpec spec = new RenderSpec(64, 64, 1, 8);
        Clip flat = draw(Style.FLAT, spec), outlined = draw(Style.OUTLINED, spec), pixel = draw(Style.PIXEL_ART, spec), soft = draw(Style.SOFT, spec);
        // a large circle in the middle: filled when flat, hollow when outlined
        assertEquals(255, flat.sample(0, 32, 32, 0));
        assertEquals(0, outlined.sample(0, 32, 32, 0));
        // pixel art is made of 2x2 blocks at 64x64 and has no anti-aliased in-between shades
        for (int y = 0; y < 64; y += 2) {
            for (int x = 0; x < 64; x += 2) {
                int v = pixel.sample(0, x, y, 0);
                assertTrue(v == 0 || v == 255, "pixel art shade " + v);
                assertEquals(v, pixel.sample(0, x + 1, y + 1, 0));
            }
        }
        // soft shading is lighter towards the top-left than the bottom-right
        assertTrue(soft.sample(0, 27, 27, 1) > soft.sample(0, 37, 37, 1) + 40);
    }

    private static Clip draw(Style style, RenderSpec spec) {
        Description d = new Description(List.of(new ObjectSpec(Colour.WHITE, ShapeKind.CIRCLE, Size.LARGE, Motion.STILL, Speed.NORMAL)),
                null, false, Background.solid(Colour.BLACK), style, Camera.STATIC);
        Scene scene = World.simulate(d, spec, 0);
        Scene centred = new Scene(d, spec, List.of(new Trajectory(d.objects().getFirst(), List.of(new ObjectState(32, 32, 9, 0, 0xFFFFFF)))),
                scene.camera());
        return World.render(centred);
    }

    @Test
    void everyBackgroundAndCameraRendersAtAnyAspect() {
        for (BackgroundKind kind : BackgroundKind.values()) {
            for (Camera camera : Camera.values()) {
                Description d = new Description(List.of(ObjectSpec.of(Colour.RED, ShapeKind.STAR)), null, false,
                        new Background(kind, Colour.BLUE, Colour.WHITE), Style.values()[camera.ordinal() % 4], camera);
                Clip clip = World.render(World.simulate(d, new RenderSpec(40, 24, 4, 2), 5));
                assertEquals(40, clip.width());
                assertEquals(4, clip.frameCount());
                if (kind != BackgroundKind.SOLID) {
                    assertTrue(distinctColours(clip) > 2, kind + " should show both colours");
                }
            }
        }
    }

    private static long distinctColours(Clip clip) {
        byte[] f = clip.frames().getFirst();
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int p = 0; p < f.length; p += 3) colours.add(((f[p] & 255) << 16) | ((f[p + 1] & 255) << 8) | (f[p + 2] & 255));
        return colours.size();
    }
}
