package dev.kineto.world;

import java.util.List;
import java.util.Set;

/**
 * What a caption put in words. Everything else in its description is the world's default (a medium, still, white
 * shape on black, flat, static camera), which a video need not show: an evaluator judges only what was stated.
 * objects has one set per object of the description, in order; scene holds COUNT, BACKGROUND, STYLE and CAMERA.
 */
public record Stated(List<Set<Trait>> objects, Set<Trait> scene) {

    /** A stated trait of one object (COLOUR, SIZE, MOTION, SPEED) or of the scene (the rest). */
    public enum Trait { COLOUR, SIZE, MOTION, SPEED, COUNT, BACKGROUND, STYLE, CAMERA }

    public Stated {
        objects = objects.stream().map(Set::copyOf).toList();
        scene = Set.copyOf(scene);
    }

    /** Whether the caption gave this trait of object i. */
    public boolean object(int i, Trait trait) {
        return objects.get(i).contains(trait);
    }

    /** Whether the caption gave this trait of the scene. */
    public boolean scene(Trait trait) {
        return scene.contains(trait);
    }
}
