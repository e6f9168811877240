package dev.kineto.evaluation.vision;

import dev.kineto.world.Background;
import dev.kineto.world.CameraState;
import dev.kineto.world.Colour;
import dev.kineto.world.Description;
import dev.kineto.world.ObjectSpec;
import dev.kineto.world.ObjectState;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Scene;
import dev.kineto.world.ShapeKind;
import dev.kineto.world.Trajectory;
import dev.kineto.world.World;
import dev.kineto.video.Clip;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Tells shapes apart by comparing a blob with the world's own drawings: every shape is rendered once by the world,
 * large, every 3° of rotation over its symmetry period, and both blob and drawing are resampled onto a grid normalised by centroid and
 * area, so the comparison ignores position and size.
 */
final class Shapes {
    private Shapes() {}

    /** Grid cells across, and how far the grid reaches from the centroid, in radii of the equal-area disc. */
    private static final int GRID = 24;
    private static final double REACH = 2.4;
    private static final int CANVAS = 64;
    private static final double SIZE = 20, STEP = Math.toRadians(3);
    /** Symmetry below this is the circle's (any rotation); the world's shapes repeat within half a turn at most. */
    private static final double MIN_PERIOD = Math.toRadians(15);

    /** One drawing: the shape at a rotation, resampled onto the normalised grid. */
    private record Template(ShapeKind shape, double rotation, float[] grid) {}

    /** A blob's best drawing: the shape, its rotation, and the overlap (soft intersection over union, 0..1). */
    record Match(ShapeKind shape, double rotation, double score) {}

    private static final List<Template> TEMPLATES = new ArrayList<>();
    private static final Map<ShapeKind, Double> UNIT_AREA = new EnumMap<>(ShapeKind.class);
    private static final Map<ShapeKind, Double> PERIOD = new EnumMap<>(ShapeKind.class);

    static {
        for (ShapeKind shape : ShapeKind.values()) {
            List<Template> drawings = new ArrayList<>();
            for (int k = 0; k * STEP < Math.PI - 1e-9; k++) {
                float[] coverage = draw(shape, k * STEP);
                if (k == 0) {
                    double area = 0;
                    for (float c : coverage) area += c;
                    UNIT_AREA.put(shape, area / (SIZE * SIZE));
                }
                drawings.add(new Template(shape, k * STEP, grid(coverage, CANVAS)));
            }
            double[] self = new double[drawings.size()];
            double most = 0;
            for (int k = 1; k < drawings.size(); k++) {
                if (k * STEP < MIN_PERIOD) continue;
                self[k] = overlap(drawings.getFirst().grid(), drawings.get(k).grid());
                most = Math.max(most, self[k]);
            }
            double period = Math.PI;
            for (int k = 1; k < drawings.size() && most > 0.98; k++) {
                if (self[k] >= most - 0.005) {
                    period = k * STEP;
                    break;
                }
            }
            PERIOD.put(shape, period);
            for (Template t : drawings) if (t.rotation() < period - 1e-9) TEMPLATES.add(t);
        }
    }

    /** The shape's area divided by the square of the world's size (half extent). */
    static double unitArea(ShapeKind shape) {
        return UNIT_AREA.get(shape);
    }

    /** The rotation after which the shape looks the same again (15° for a circle; at most half a turn, enough for the world's shapes). */
    static double period(ShapeKind shape) {
        return PERIOD.get(shape);
    }

    /** The drawing that overlaps the blob most, over all shapes and rotations. */
    static Match best(Blob blob) {
        return best(blob, null);
    }

    /** The best drawing of one shape (null: any shape). */
    static Match best(Blob blob, ShapeKind only) {
        float[] grid = grid(blob);
        Match best = null;
        for (Template t : TEMPLATES) {
            if (only != null && t.shape() != only) continue;
            double score = overlap(grid, t.grid());
            if (best == null || score > best.score()) best = new Match(t.shape(), t.rotation(), score);
        }
        return best;
    }

    /** The world's drawing of a white shape on black, as coverage 0..1 per pixel. */
    private static float[] draw(ShapeKind shape, double rotation) {
        ObjectSpec object = ObjectSpec.of(Colour.WHITE, shape);
        Description d = Description.of(object, Background.solid(Colour.BLACK));
        Scene scene = new Scene(d, new RenderSpec(CANVAS, CANVAS, 1, 1),
                List.of(new Trajectory(object, List.of(new ObjectState(CANVAS / 2.0, CANVAS / 2.0, SIZE, rotation, Colour.WHITE.rgb())))),
                List.of(CameraState.START));
        Clip clip = World.render(scene);
        float[] coverage = new float[CANVAS * CANVAS];
        for (int p = 0; p < coverage.length; p++) coverage[p] = (clip.frames().getFirst()[3 * p] & 0xff) / 255f;
        return coverage;
    }

    private static float[] grid(Blob blob) {
        return grid(blob.coverage().alpha(), blob.coverage().width());
    }

    /** Coverage resampled (bilinear) onto the grid centred on its centroid, scaled by its equal-area radius. */
    private static float[] grid(float[] coverage, int width) {
        int height = coverage.length / width;
        double area = 0, sx = 0, sy = 0;
        for (int p = 0; p < coverage.length; p++) {
            area += coverage[p];
            sx += coverage[p] * (p % width);
            sy += coverage[p] * (p / width);
        }
        double cx = sx / area, cy = sy / area, cell = 2 * REACH * Math.sqrt(area / Math.PI) / GRID;
        float[] grid = new float[GRID * GRID];
        for (int i = 0; i < GRID; i++) {
            for (int j = 0; j < GRID; j++) {
                grid[i * GRID + j] = bilinear(coverage, width, height, cx + (j + 0.5 - GRID / 2.0) * cell, cy + (i + 0.5 - GRID / 2.0) * cell);
            }
        }
        return grid;
    }

    private static float bilinear(float[] image, int width, int height, double x, double y) {
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        double fx = x - x0, fy = y - y0;
        return (float) ((1 - fx) * (1 - fy) * at(image, width, height, x0, y0) + fx * (1 - fy) * at(image, width, height, x0 + 1, y0)
                + (1 - fx) * fy * at(image, width, height, x0, y0 + 1) + fx * fy * at(image, width, height, x0 + 1, y0 + 1));
    }

    private static float at(float[] image, int width, int height, int x, int y) {
        return x < 0 || y < 0 || x >= width || y >= height ? 0 : image[y * width + x];
    }

    /** Soft intersection over union of two grids. */
    private static double overlap(float[] a, float[] b) {
        double intersection = 0, union = 0;
        for (int k = 0; k < a.length; k++) {
            intersection += Math.min(a[k], b[k]);
            union += Math.max(a[k], b[k]);
        }
        return union == 0 ? 0 : intersection / union;
    }
}
