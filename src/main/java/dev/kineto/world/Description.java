package dev.kineto.world;

import java.util.List;
import java.util.Objects;

/**
 * Everything a caption says about a clip, and what the evaluator checks. relation (nullable) places objects[0]
 * relative to objects[1]; collide sends two objects into each other (objects[0] moving right, objects[1] left).
 */
public record Description(List<ObjectSpec> objects, Relation relation, boolean collide, Background background,
                          Style style, Camera camera) {

    public static final int MAX_OBJECTS = 3;

    public Description {
        objects = List.copyOf(objects);
        if (objects.isEmpty() || objects.size() > MAX_OBJECTS) {
            throw new IllegalArgumentException("a scene holds 1 to " + MAX_OBJECTS + " objects, got " + objects.size());
        }
        if (relation != null && objects.size() != 2) {
            throw new IllegalArgumentException("a relation needs exactly two objects, got " + objects.size());
        }
        if (collide && (objects.size() != 2 || relation != null)) {
            throw new IllegalArgumentException("a collision needs exactly two objects and no relation");
        }
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(style, "style");
        Objects.requireNonNull(camera, "camera");
    }

    /** The same scene seen with another camera move. */
    public Description withCamera(Camera move) {
        return new Description(objects, relation, collide, background, style, move);
    }

    /** The same scene drawn in another style. */
    public Description withStyle(Style drawn) {
        return new Description(objects, relation, collide, background, drawn, camera);
    }

    /** One object on a plain background, flat style, static camera. */
    public static Description of(ObjectSpec object, Background background) {
        return new Description(List.of(object), null, false, background, Style.FLAT, Camera.STATIC);
    }
}
