package dev.kineto.world;

import java.util.List;
import java.util.stream.Stream;

/**
 * What an object does over the clip. A directional motion is phrased as a movement verb ("moving", "slides") plus one
 * of its directions; the others have their own verbs: participles ("bouncing"), finite forms ("bounces") and
 * adjectives that may stand before the noun ("a bouncing ball").
 */
public enum Motion {
    STILL(List.of(), List.of("sitting still", "resting", "standing still", "staying still", "not moving"),
            List.of("sits still", "rests", "stays still", "stands still", "does not move"),
            List.of("still", "motionless", "stationary", "static")),
    LEFT(List.of("left", "to the left", "leftward", "leftwards", "from right to left"), List.of(), List.of(), List.of()),
    RIGHT(List.of("right", "to the right", "rightward", "rightwards", "from left to right"), List.of(), List.of(), List.of()),
    UP(List.of("up", "upward", "upwards", "from bottom to top"), List.of("rising", "climbing", "ascending", "rising up"),
            List.of("rises", "climbs", "ascends"), List.of("rising", "ascending")),
    DOWN(List.of("down", "downward", "downwards", "from top to bottom"), List.of("sinking", "descending"),
            List.of("sinks", "descends"), List.of("sinking", "descending")),
    UP_LEFT(diagonal("up", "left"), List.of(), List.of(), List.of()),
    UP_RIGHT(diagonal("up", "right"), List.of(), List.of(), List.of()),
    DOWN_LEFT(diagonal("down", "left"), List.of(), List.of(), List.of()),
    DOWN_RIGHT(diagonal("down", "right"), List.of(), List.of(), List.of()),
    BOUNCE(List.of(), List.of("bouncing", "hopping", "bouncing up and down"),
            List.of("bounces", "hops", "bounces up and down"), List.of("bouncing", "bouncy", "hopping")),
    ROTATE(List.of(), List.of("rotating", "spinning", "turning", "twirling", "spinning around"),
            List.of("rotates", "spins", "turns", "twirls"), List.of("rotating", "spinning", "twirling")),
    GROW(List.of(), List.of("growing", "expanding", "getting bigger", "swelling"),
            List.of("grows", "expands", "gets bigger", "swells"), List.of("growing", "expanding", "swelling")),
    SHRINK(List.of(), List.of("shrinking", "contracting", "getting smaller"),
            List.of("shrinks", "contracts", "gets smaller"), List.of("shrinking", "contracting")),
    ORBIT(List.of(), List.of("circling", "orbiting", "moving in a circle", "going round in a circle",
                    "travelling along a circular path"),
            List.of("orbits", "moves in a circle", "goes round in a circle", "follows a circular path"),
            List.of("orbiting", "circling")),
    FALL(List.of(), List.of("falling", "dropping", "falling down", "tumbling down", "falling under gravity", "falling and bouncing"),
            List.of("falls", "drops", "falls down", "tumbles down", "falls and bounces", "drops and bounces"), List.of("falling", "dropping", "tumbling"));

    /** Verbs that carry no direction of their own: "moving" + "left". */
    public static final List<String> MOVE_PARTICIPLES = List.of("moving", "sliding", "drifting", "gliding", "travelling", "heading");
    public static final List<String> MOVE_FINITE = List.of("moves", "slides", "drifts", "glides", "travels", "heads");

    private final List<String> directions;
    private final List<String> participles;
    private final List<String> finite;
    private final List<String> adjectives;

    Motion(List<String> directions, List<String> participles, List<String> finite, List<String> adjectives) {
        this.directions = directions;
        this.participles = participles;
        this.finite = finite;
        this.adjectives = adjectives;
    }

    private static List<String> diagonal(String vertical, String horizontal) {
        String corner = (vertical.equals("up") ? "upper " : "lower ") + horizontal;
        return List.of(vertical + " and to the " + horizontal, vertical + " and " + horizontal,
                vertical + "-" + horizontal, "toward the " + corner, "towards the " + corner);
    }

    /** Direction phrases that follow a movement verb; empty for motions with verbs of their own. */
    public List<String> directions() { return directions; }

    public List<String> participles() { return participles; }

    public List<String> finite() { return finite; }

    /** Participles usable before the noun. */
    public List<String> adjectives() { return adjectives; }

    /** Every phrase that names this motion on its own. */
    public List<String> words() {
        return Stream.of(directions, participles, finite, adjectives).flatMap(List::stream).distinct().toList();
    }

    /** Screen direction of a linear motion as (dx, dy) with y down, unit length; (0, 0) for the rest. */
    public double[] direction() {
        double d = Math.sqrt(0.5);
        return switch (this) {
            case LEFT -> new double[] {-1, 0};
            case RIGHT -> new double[] {1, 0};
            case UP -> new double[] {0, -1};
            case DOWN -> new double[] {0, 1};
            case UP_LEFT -> new double[] {-d, -d};
            case UP_RIGHT -> new double[] {d, -d};
            case DOWN_LEFT -> new double[] {-d, d};
            case DOWN_RIGHT -> new double[] {d, d};
            default -> new double[] {0, 0};
        };
    }

    /** True when the motion travels horizontally across the frame. */
    public boolean needsWidth() { return direction()[0] != 0; }

    /** True when the motion travels vertically across the frame (including falling and bouncing). */
    public boolean needsHeight() { return direction()[1] != 0 || this == FALL || this == BOUNCE; }
}
