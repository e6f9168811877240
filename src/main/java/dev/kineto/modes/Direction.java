package dev.kineto.modes;

import dev.kineto.video.Clip;
import dev.kineto.world.Camera;
import dev.kineto.world.Style;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What steers a video beyond its prompt; a null field is not asked for. A path, a camera move or a source clip makes a
 * guide clip (see {@link Guides}); strength is how far the guide is noised before the model samples it back with the
 * prompt: 0 returns the guide as drawn, 1 ignores it, null takes the mode's default.
 */
public record Direction(MotionPath path, Camera camera, Style style, Clip source, Double strength) {
    public static final Direction NONE = new Direction(null, null, null, null, null);

    /**
     * Default strengths, measured with `kineto bench modes` on the bundled model at 64×64 (docs/modes.md): a camera
     * move is read most often at 0.2; a path and a restyle lose least of the guide at 0.1, where the VAE's round trip,
     * not the sampling, sets the error.
     */
    public static final double PATH_STRENGTH = 0.1, CAMERA_STRENGTH = 0.2, RESTYLE_STRENGTH = 0.1;

    public Direction {
        checkStrength(strength);
        if (strength != null && path == null && camera == null && source == null) {
            throw new IllegalArgumentException("strength applies to a motion path, a camera move or a source video: give one of them");
        }
        if (path != null && source != null) {
            throw new IllegalArgumentException("a restyle keeps its source video's motion: give a motion path or a source video, not both");
        }
    }

    /** Throws unless the strength is null (the mode's default) or 0..1. */
    public static void checkStrength(Double strength) {
        if (strength != null && !(strength >= 0 && strength <= 1)) throw new IllegalArgumentException("strength must be 0..1 (0 keeps the guide, 1 ignores it), got " + strength);
    }

    /** Whether a guide clip steers the video (a style alone is only words in the prompt). */
    public boolean guided() {
        return path != null || camera != null || source != null;
    }

    /** The strength asked for, or the default of the mode: a restyle's, else a path's, else a camera move's. */
    public double resolvedStrength() {
        if (strength != null) return strength;
        return source != null ? RESTYLE_STRENGTH : path != null ? PATH_STRENGTH : CAMERA_STRENGTH;
    }

    /** The prompt with the style's and the camera's words, so that the text the model reads agrees with the guide. */
    public String prompt(String prompt) {
        String full = prompt.strip();
        if (style != null) full += ", " + style.word();
        if (camera != null) full += ", " + phrase(camera);
        return full;
    }

    /** The camera's words as a caption phrases them: "with the camera panning left", "with a static camera". */
    static String phrase(Camera move) {
        if (move == Camera.STATIC) return "with a static camera";
        return "with the camera " + move.words().stream().filter(w -> w.split(" ")[0].endsWith("ing")).findFirst().orElseThrow();
    }

    /** "pan-left" (or PAN_LEFT, "pan left") → the camera move; throws listing the moves. */
    public static Camera camera(String name) {
        try {
            return Camera.valueOf(constant(name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown camera move '" + name + "': use " + names(Camera.values()));
        }
    }

    /** "pixel-art" (or pixel_art) → the style; throws listing the styles. */
    public static Style style(String name) {
        try {
            return Style.valueOf(constant(name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown style '" + name + "': use " + names(Style.values()));
        }
    }

    /** An enum constant's name as the command line and the API write it: pan-left, pixel-art. */
    public static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String constant(String name) {
        return name.strip().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    }

    private static String names(Enum<?>[] values) {
        return Arrays.stream(values).map(Direction::name).collect(Collectors.joining(", "));
    }
}
