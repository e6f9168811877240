package dev.kineto.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Draws random Descriptions for training and evaluation. Layouts keep objects apart: objects side by side do not
 * travel sideways, stacked objects do not travel up or down, so every motion reads clearly.
 */
final class DescriptionSampler {

    /** The moves training clips show (the bundled model's data): the vertical pans came later, by parameter only. */
    private static final Camera[] SAMPLED_CAMERAS = {Camera.STATIC, Camera.PAN_LEFT, Camera.PAN_RIGHT, Camera.ZOOM_IN, Camera.ZOOM_OUT};

    private DescriptionSampler() {}

    /** A random description in the split (redrawn until it belongs to it; held-out objects are about 1 in 100). */
    static Description describe(RandomGenerator rng, Split split) {
        Description d;
        do {
            d = draw(rng);
        } while (!split.contains(d));
        return d;
    }

    /**
     * The reduced world's description: one still object of any shape, colour and size on a solid backdrop of another
     * colour; what is held is fixed after the draw, so the same draws give the same shape with or without it.
     */
    static Description describeLoneStill(RandomGenerator rng, Set<World.Held> held) {
        Colour colour = pick(rng, Colour.values()), backdrop;
        do {
            backdrop = pick(rng, Colour.values());
        } while (backdrop == colour);
        ShapeKind shape = pick(rng, ShapeKind.values());
        Size size = pick(rng, Size.values());
        if (held.contains(World.Held.SIZE)) size = Size.MEDIUM;
        if (held.contains(World.Held.COLOURS)) {
            colour = Colour.WHITE;
            backdrop = Colour.BLACK;
        }
        ObjectSpec object = new ObjectSpec(colour, shape, size, Motion.STILL, Speed.NORMAL);
        return new Description(List.of(object), null, false, Background.solid(backdrop), Style.FLAT, Camera.STATIC);
    }

    private static Description draw(RandomGenerator rng) {
        int n = weighted(rng, 0.5, 0.35, 0.15) + 1;
        Background background = background(rng);
        Style style = pick(rng, Style.values(), 0.55, 0.15, 0.15, 0.15);
        Camera camera = n == 3 ? Camera.STATIC : pick(rng, SAMPLED_CAMERAS, 0.6, 0.1, 0.1, 0.1, 0.1);
        Relation relation = null;
        boolean collide = false;
        if (n == 2) {
            double r = rng.nextDouble();
            if (r < 0.35) relation = Relation.values()[rng.nextInt(Relation.values().length)];
            else if (r < 0.55) collide = true;
        }
        boolean sideBySide = relation != null
                ? relation == Relation.LEFT_OF || relation == Relation.RIGHT_OF
                : rng.nextBoolean();
        Predicate<Motion> fits = n == 1 ? m -> true : sideBySide ? m -> !m.needsWidth() : m -> !m.needsHeight();
        List<ObjectSpec> objects = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Motion motion = collide ? (i == 0 ? Motion.RIGHT : Motion.LEFT) : null;
            objects.add(object(rng, background, n, motion, fits));
        }
        return new Description(objects, relation, collide, background, style, camera);
    }

    private static ObjectSpec object(RandomGenerator rng, Background background, int n, Motion fixed, Predicate<Motion> fits) {
        Colour colour;
        do {
            colour = pick(rng, Colour.values());
        } while (colour == background.primary() || colour == background.secondary());
        ShapeKind shape = pick(rng, ShapeKind.values());
        Size size = n == 3 ? pick(rng, new Size[] {Size.SMALL, Size.MEDIUM}) : pick(rng, Size.values());
        Motion motion = fixed;
        while (motion == null) {
            Motion m = pick(rng, Motion.values());
            if (fits.test(m) && !(shape == ShapeKind.CIRCLE && m == Motion.ROTATE)) motion = m;
        }
        return new ObjectSpec(colour, shape, size, motion, pick(rng, Speed.values()));
    }

    private static Background background(RandomGenerator rng) {
        BackgroundKind kind = pick(rng, BackgroundKind.values(), 0.45, 0.2, 0.1, 0.1, 0.15);
        Colour primary = pick(rng, Colour.values());
        Colour secondary;
        do {
            secondary = pick(rng, Colour.values());
        } while (secondary == primary);
        return new Background(kind, primary, secondary);
    }

    private static <T> T pick(RandomGenerator rng, T[] values) {
        return values[rng.nextInt(values.length)];
    }

    private static <T> T pick(RandomGenerator rng, T[] values, double... weights) {
        return values[weighted(rng, weights)];
    }

    /** An index drawn with the given weights (which sum to 1). */
    private static int weighted(RandomGenerator rng, double... weights) {
        double u = rng.nextDouble();
        for (int i = 0; i < weights.length - 1; i++) {
            u -= weights[i];
            if (u < 0) return i;
        }
        return weights.length - 1;
    }
}
