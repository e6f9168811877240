package dev.kineto.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kineto.world.Background;
import dev.kineto.world.BackgroundKind;
import dev.kineto.world.Camera;
import dev.kineto.world.Colour;
import dev.kineto.world.Description;
import dev.kineto.world.Motion;
import dev.kineto.world.ObjectSpec;
import dev.kineto.world.ObjectState;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Scene;
import dev.kineto.world.ShapeKind;
import dev.kineto.world.Size;
import dev.kineto.world.Speed;
import dev.kineto.world.Split;
import dev.kineto.world.Style;
import dev.kineto.world.World;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectWeightsTest {
    private static final int TIME = 4, SPACE = 4;

    /** A white square moving right over stripes while the camera pans: the weights must follow the square, not the stripes. */
    @Test
    void objectCellsAreWeightedWhereTheSceneSaysTheObjectIs() {
        Scene scene = overStripes(new ObjectSpec(Colour.WHITE, ShapeKind.SQUARE, Size.MEDIUM, Motion.RIGHT, Speed.FAST), Camera.PAN_LEFT, 17, 7);
        float[] weights = ObjectWeights.of(new Example(World.render(scene), List.of("x"), World.renderBackground(scene)), TIME, SPACE);
        int cells = 16 * 16, weighted = 0;
        assertEquals(5 * cells, weights.length);
        for (int k = 0; k < 5; k++) {
            List<ObjectState> states = scene.tracks().getFirst().states().subList(Math.max(0, 4 * k - 3), 4 * k + 1);
            for (int cy = 0; cy < 16; cy++) {
                for (int cx = 0; cx < 16; cx++) {
                    float w = weights[k * cells + cy * 16 + cx];
                    boolean inside = false, outside = true;
                    for (ObjectState s : states) {
                        double r = distance(s, cx, cy);
                        inside |= r < s.size() - 1.5;
                        outside &= r > s.size() * Math.sqrt(2) + 1.5;
                    }
                    String where = "latent frame " + k + " cell " + cx + "," + cy;
                    if (outside) assertEquals(1f, w, where + " is off the square");
                    if (inside) assertEquals(1 + ObjectWeights.EXTRA, w, where + " holds part of the square");
                    if (w > 1) weighted++;
                }
            }
        }
        assertTrue(weighted > 5 && weighted < 5 * cells / 4, weighted + " weighted cells");
    }

    /** A still square's first-frame box is the square: centred on its state, its half side the state's size. */
    @Test
    void anObjectsFirstFrameBoxIsWhereTheSceneDrawsIt() {
        Scene scene = overStripes(new ObjectSpec(Colour.RED, ShapeKind.SQUARE, Size.LARGE, Motion.STILL, Speed.NORMAL), Camera.STATIC, 5, 3);
        int[] box = ObjectWeights.firstFrameBox(World.renderObject(scene, 0), World.renderBackground(scene));
        ObjectState s = scene.tracks().getFirst().states().getFirst();
        assertEquals(s.x(), (box[0] + box[2] + 1) / 2.0, 1.5, "centre x");
        assertEquals(s.y(), (box[1] + box[3] + 1) / 2.0, 1.5, "centre y");
        assertEquals(2 * s.size(), box[2] - box[0] + 1, 2 * s.size() * 0.45, "width: a side, or a diagonal if the square is turned");
        assertEquals(null, ObjectWeights.firstFrameBox(World.renderBackground(scene), World.renderBackground(scene)), "nothing over the background alone");
    }

    /** The colour a layout gives an object is its fill as drawn, not a blend of its anti-aliased edge with the stripes. */
    @Test
    void anObjectsFirstFrameColourIsItsFill() {
        Scene scene = overStripes(new ObjectSpec(Colour.RED, ShapeKind.CIRCLE, Size.LARGE, Motion.STILL, Speed.NORMAL), Camera.STATIC, 5, 3);
        int rgb = scene.tracks().getFirst().states().getFirst().rgb();
        int[] colour = ObjectWeights.firstFrameColour(World.renderObject(scene, 0), World.renderBackground(scene));
        assertEquals(List.of(rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff), List.of(colour[0], colour[1], colour[2]));
        assertEquals(null, ObjectWeights.firstFrameColour(World.renderBackground(scene), World.renderBackground(scene)), "nothing over the background alone");
    }

    /** The matte a compositing output learns is the object's disc: about πr² pixels, its centre covered and the corners not. */
    @Test
    void anObjectsCoverageIsWhereItIsDrawn() {
        Scene scene = overStripes(new ObjectSpec(Colour.RED, ShapeKind.CIRCLE, Size.LARGE, Motion.STILL, Speed.NORMAL), Camera.STATIC, 2, 3);
        float[] coverage = ObjectWeights.coverage(new Example(World.render(scene), List.of("x"), World.renderBackground(scene)));
        ObjectState s = scene.tracks().getFirst().states().getFirst();
        assertEquals(2 * 64 * 64, coverage.length);
        assertEquals(1f, coverage[(int) s.y() * 64 + (int) s.x()], "the centre");
        assertEquals(0f, coverage[0], "a corner");
        double area = 0;
        for (int i = 0; i < 64 * 64; i++) area += coverage[i];
        assertEquals(Math.PI * s.size() * s.size(), area, 0.15 * Math.PI * s.size() * s.size(), "the disc's area");
        for (float c : ObjectWeights.coverage(new Example(World.render(scene), List.of("x")))) assertEquals(0f, c, "no background known, no coverage");
    }

    /** One object over blue and green stripes, at 64×64 and 8 fps. */
    private static Scene overStripes(ObjectSpec object, Camera camera, int frames, long seed) {
        Description d = new Description(List.of(object), null, false, new Background(BackgroundKind.STRIPES, Colour.BLUE, Colour.GREEN), Style.FLAT, camera);
        return World.simulate(d, new RenderSpec(64, 64, frames, 8), seed);
    }

    @Test
    void withoutAKnownBackgroundEveryCellWeighsOne() {
        Scene scene = World.sample(3, Split.TRAIN, new RenderSpec(32, 32, 9, 8)).scene();
        float[] weights = ObjectWeights.of(new Example(World.render(scene), List.of("x")), TIME, SPACE);
        assertEquals(3 * 8 * 8, weights.length);
        for (float w : weights) assertEquals(1f, w);
    }

    /** The VAE's pixel weights cover the object and a ring of dilation pixels around it, so drawing it too large costs too. */
    @Test
    void pixelWeightsReachDilationPixelsPastTheObject() {
        Description d = new Description(List.of(new ObjectSpec(Colour.RED, ShapeKind.CIRCLE, Size.MEDIUM, Motion.DOWN, Speed.SLOW)), null, false,
                new Background(BackgroundKind.SOLID, Colour.BLACK, Colour.BLACK), Style.FLAT, Camera.STATIC);
        Scene scene = World.simulate(d, new RenderSpec(32, 32, 9, 8), 3);
        Example example = new Example(World.render(scene), List.of("x"), World.renderBackground(scene));
        float[] exact = ObjectWeights.pixels(example, 0), dilated = ObjectWeights.pixels(example, ObjectWeights.VAE_DILATION);
        int objectPixels = 0, ringPixels = 0;
        for (int i = 0; i < exact.length; i++) {
            int f = i / (32 * 32), y = i / 32 % 32, x = i % 32;
            boolean nearObject = false;
            for (int dy = -2; dy <= 2; dy++) {
                for (int dx = -2; dx <= 2; dx++) {
                    int yy = y + dy, xx = x + dx;
                    nearObject |= yy >= 0 && yy < 32 && xx >= 0 && xx < 32 && exact[(f * 32 + yy) * 32 + xx] > 1;
                }
            }
            assertEquals(nearObject ? 1 + ObjectWeights.EXTRA : 1f, dilated[i], "frame " + f + " pixel " + x + "," + y);
            if (exact[i] > 1) objectPixels++;
            else if (dilated[i] > 1) ringPixels++;
        }
        assertTrue(objectPixels > 9 * 20 && ringPixels > objectPixels / 2, objectPixels + " object pixels, " + ringPixels + " in the ring");
    }

    /** Each DiT token is labelled with the shape and size of the object it shows most, and tokens without one with −1. */
    @Test
    void tokenLabelsNameTheObjectEachTokenShows() {
        RenderSpec spec = new RenderSpec(64, 64, 17, 8);
        Description d = new Description(List.of(new ObjectSpec(Colour.RED, ShapeKind.STAR, Size.LARGE, Motion.STILL, Speed.SLOW),
                new ObjectSpec(Colour.BLUE, ShapeKind.CIRCLE, Size.MEDIUM, Motion.DOWN, Speed.SLOW)), null, false,
                new Background(BackgroundKind.SOLID, Colour.BLACK, Colour.BLACK), Style.FLAT, Camera.STATIC);
        Scene scene = World.simulate(d, spec, 11);
        List<Example.Shown> objects = List.of(new Example.Shown(World.renderObject(scene, 0), ShapeKind.STAR.ordinal(), Size.LARGE.ordinal()),
                new Example.Shown(World.renderObject(scene, 1), ShapeKind.CIRCLE.ordinal(), Size.MEDIUM.ordinal()));
        int[][] labels = ObjectWeights.tokenLabels(new Example(World.render(scene), List.of("x"), World.renderBackground(scene), objects, null), TIME, 16);
        assertEquals(5 * 16, labels[0].length);
        int labelled = 0;
        for (int k = 0; k < 5; k++) {
            for (int o = 0; o < 2; o++) {
                ObjectState s = scene.tracks().get(o).states().get(4 * k);
                int token = k * 16 + (int) (s.y() / 16) * 4 + (int) (s.x() / 16);
                assertEquals(objects.get(o).shape(), labels[0][token], "latent frame " + k + ": the token under object " + o + "'s centre");
                assertEquals(objects.get(o).size(), labels[1][token], "latent frame " + k + ": the token under object " + o + "'s centre");
            }
            for (int i = k * 16; i < (k + 1) * 16; i++) if (labels[0][i] >= 0) labelled++;
        }
        assertTrue(labelled >= 10 && labelled <= 40, labelled + " labelled tokens of 80");
    }

    /** Distance in pixels from the object's centre to the nearest point of a latent cell's pixel block. */
    private static double distance(ObjectState s, int cx, int cy) {
        double dx = Math.max(0, Math.max(cx * SPACE - s.x(), s.x() - (cx + 1) * SPACE));
        double dy = Math.max(0, Math.max(cy * SPACE - s.y(), s.y() - (cy + 1) * SPACE));
        return Math.hypot(dx, dy);
    }
}
