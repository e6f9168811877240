package dev.kineto.world;

import java.util.List;

/**
 * Train/held-out split for measuring compositional generalisation. HELDOUT holds every description in which some
 * object is one of the HELDOUT_TRIPLES (colour + shape + motion); the TRAIN sampler never produces one. Each colour,
 * shape and motion of a triple still appears in training, only never together. Documented in docs/world.md.
 */
public enum Split {
    TRAIN, HELDOUT;

    /** A colour + shape + motion combination kept out of training. */
    public record Triple(Colour colour, ShapeKind shape, Motion motion) {

        boolean matches(ObjectSpec o) {
            return o.colour() == colour && o.shape() == shape && o.motion() == motion;
        }
    }

    public static final List<Triple> HELDOUT_TRIPLES = List.of(
            new Triple(Colour.RED, ShapeKind.TRIANGLE, Motion.ROTATE),
            new Triple(Colour.BLUE, ShapeKind.STAR, Motion.LEFT),
            new Triple(Colour.GREEN, ShapeKind.CIRCLE, Motion.ORBIT),
            new Triple(Colour.YELLOW, ShapeKind.SQUARE, Motion.FALL),
            new Triple(Colour.ORANGE, ShapeKind.HEXAGON, Motion.UP),
            new Triple(Colour.PURPLE, ShapeKind.DIAMOND, Motion.BOUNCE),
            new Triple(Colour.WHITE, ShapeKind.PENTAGON, Motion.GROW),
            new Triple(Colour.PINK, ShapeKind.CROSS, Motion.RIGHT),
            new Triple(Colour.CYAN, ShapeKind.TRIANGLE, Motion.SHRINK),
            new Triple(Colour.GRAY, ShapeKind.CIRCLE, Motion.DOWN));

    /** Whether the description belongs to this split. */
    public boolean contains(Description d) {
        boolean heldOut = d.objects().stream().anyMatch(o -> HELDOUT_TRIPLES.stream().anyMatch(t -> t.matches(o)));
        return this == HELDOUT ? heldOut : !heldOut;
    }
}
