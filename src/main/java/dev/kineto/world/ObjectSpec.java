package dev.kineto.world;

import java.util.Objects;

/** One object as a caption describes it. A still object has no speed, so it is always NORMAL. */
public record ObjectSpec(Colour colour, ShapeKind shape, Size size, Motion motion, Speed speed) {

    public ObjectSpec {
        Objects.requireNonNull(colour, "colour");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(motion, "motion");
        speed = motion == Motion.STILL || speed == null ? Speed.NORMAL : speed;
    }

    /** A medium, still object. */
    public static ObjectSpec of(Colour colour, ShapeKind shape) {
        return new ObjectSpec(colour, shape, Size.MEDIUM, Motion.STILL, Speed.NORMAL);
    }
}
