package dev.kineto.evaluation.vision;

import dev.kineto.video.Clip;
import dev.kineto.world.Background;
import dev.kineto.world.Camera;
import dev.kineto.world.CameraState;
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
import dev.kineto.world.Style;
import dev.kineto.world.Trajectory;
import dev.kineto.world.World;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one tracked object shows, read in the world's own words: colour, shape, size (its half extent as a share of
 * the frame's shorter side) and motion, measured in world coordinates (the camera's pan and zoom undone).
 *
 * @param shapeScores each shape's mean overlap with the object (the best is the shape seen)
 * @param size        half extent / shorter side, at the object's base size (a growing object starts smaller)
 * @param positions   per frame the centroid in world pixels, null while unseen
 */
public record Reading(Track track, Colour colour, ShapeKind shape, Map<ShapeKind, Double> shapeScores, double size, Motion motion,
               List<double[]> positions) {

    /** How many frames (evenly spread) the shape is judged on. */
    private static final int SHAPE_FRAMES = 9;

    public static Reading of(Track track, List<CameraState> camera, Clip clip, boolean outlined) {
        Map<ShapeKind, Double> scores = shapeScores(track);
        ShapeKind shape = java.util.Collections.max(scores.entrySet(), Map.Entry.comparingByValue()).getKey();
        List<double[]> positions = new ArrayList<>();
        List<Double> radii = new ArrayList<>();
        double cx = clip.width() / 2.0, cy = clip.height() / 2.0;
        for (int i = 0; i < track.blobs().size(); i++) {
            Blob b = track.blobs().get(i);
            CameraState c = camera.get(i);
            positions.add(b == null ? null : new double[] {(b.x() - cx) / c.zoom() + cx + c.x(), (b.y() - cy) / c.zoom() + cy + c.y()});
            double halfExtent = b == null ? 0 : Math.sqrt(b.area() / Shapes.unitArea(shape));
            radii.add(b == null ? null : (outlined ? withoutStroke(shape, halfExtent) : halfExtent) / c.zoom());
        }
        Motion motion = Motions.classify(positions, radii, rotations(track, shape), shape, clip);
        double start = first(radii) / switch (motion) {
            case GROW -> START_OF.get(Motion.GROW);
            case SHRINK -> START_OF.get(Motion.SHRINK);
            default -> 1.0;
        };
        return new Reading(track, track.colour(), shape, scores, start / SceneAnalysis.unit(clip), motion, positions);
    }

    /** The world's size word for a half extent: the nearest of the world's sizes on a log scale. */
    public static Size sizeWord(double size) {
        Size best = null;
        for (Size s : Size.values()) {
            if (best == null || Math.abs(Math.log(size / SIZE_OF.get(s))) < Math.abs(Math.log(size / SIZE_OF.get(best)))) best = s;
        }
        return best;
    }

    /** The world's half extent of each size word (share of the shorter side), read from its simulation. */
    static final Map<Size, Double> SIZE_OF = new EnumMap<>(Size.class);
    /** Where a growing or shrinking object starts, as a multiple of its size, read from the world's simulation. */
    static final Map<Motion, Double> START_OF = new EnumMap<>(Motion.class);

    /**
     * Per shape, the half extent an outlined drawing reads as (the stroke straddles the edge, and closing fills a
     * star's notches) at two sizes, a small and a large one in pixels: measured by segmenting the world's own outlined
     * drawings, since a stroke never gets thinner than a pixel and so adds relatively more to small shapes.
     */
    private static final Map<ShapeKind, double[]> OUTLINED_READS = new EnumMap<>(ShapeKind.class);
    private static final double[] OUTLINE_SIZES = {4, 20};

    /** The half extent of an outlined shape that reads as the given one, interpolated between the measured sizes. */
    static double withoutStroke(ShapeKind shape, double reads) {
        double[] at = OUTLINED_READS.get(shape);
        double t = Math.clamp((reads - at[0]) / (at[1] - at[0]), 0, 1);
        double growth = (at[0] / OUTLINE_SIZES[0]) * (1 - t) + (at[1] / OUTLINE_SIZES[1]) * t;
        return reads / growth;
    }

    static {
        int side = 1000;
        for (Size s : Size.values()) SIZE_OF.put(s, simulatedSize(s, Motion.STILL, side) / side);
        for (Motion m : List.of(Motion.GROW, Motion.SHRINK)) START_OF.put(m, simulatedSize(Size.MEDIUM, m, side) / (SIZE_OF.get(Size.MEDIUM) * side));
        for (ShapeKind shape : ShapeKind.values()) {
            ObjectSpec object = ObjectSpec.of(Colour.WHITE, shape);
            Description outlined = new Description(List.of(object), null, false, Background.solid(Colour.BLACK), Style.OUTLINED, Camera.STATIC);
            double[] reads = new double[OUTLINE_SIZES.length];
            for (int k = 0; k < reads.length; k++) {
                Scene scene = new Scene(outlined, new RenderSpec(128, 128, 1, 1), List.of(new Trajectory(object,
                        List.of(new ObjectState(64.3, 63.7, OUTLINE_SIZES[k], 0.1, Colour.WHITE.rgb())))), List.of(CameraState.START));
                Blob blob = SceneAnalysis.of(World.render(scene)).tracks.getFirst().first();
                reads[k] = Math.sqrt(blob.area() / Shapes.unitArea(shape));
            }
            OUTLINED_READS.put(shape, reads);
        }
    }

    private static double simulatedSize(Size size, Motion motion, int side) {
        ObjectSpec o = new ObjectSpec(Colour.WHITE, ShapeKind.CIRCLE, size, motion, Speed.NORMAL);
        return World.simulate(Description.of(o, Background.solid(Colour.BLACK)), new RenderSpec(side, side, 2, 1), 0)
                .tracks().getFirst().states().getFirst().size();
    }

    /** Mean overlap of each shape's best drawing with the object, over frames spread through the clip. */
    private static Map<ShapeKind, Double> shapeScores(Track track) {
        List<Blob> seen = track.seen();
        Map<ShapeKind, Double> scores = new EnumMap<>(ShapeKind.class);
        int frames = Math.min(SHAPE_FRAMES, seen.size());
        for (int k = 0; k < frames; k++) {
            Blob b = seen.get(k * (seen.size() - 1) / Math.max(1, frames - 1));
            for (ShapeKind s : ShapeKind.values()) scores.merge(s, Shapes.best(b, s).score() / frames, Double::sum);
        }
        return scores;
    }

    /** Per frame the rotation of the shape's best drawing (null while unseen). */
    private static List<Double> rotations(Track track, ShapeKind shape) {
        List<Double> out = new ArrayList<>();
        for (Blob b : track.blobs()) out.add(b == null ? null : Shapes.best(b, shape).rotation());
        return out;
    }

    private static double first(List<Double> values) {
        for (Double v : values) if (v != null) return v;
        throw new IllegalStateException("empty track");
    }
}
