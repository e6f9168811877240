package dev.kineto.server;

import dev.kineto.model.GenerationRequest;
import dev.kineto.modes.Direction;
import dev.kineto.modes.Guides;
import dev.kineto.modes.MotionPath;
import dev.kineto.video.Clip;
import java.util.List;
import java.util.function.Supplier;

/**
 * What steers a job's video beyond its prompt, as the API names it and the job stores it (in its request's JSON):
 * the prompt as the user wrote it (the request's has the style's and the camera's words added, see
 * {@link Direction#prompt}), a motion path, a camera move and a style by their API names, a video to restyle, and the
 * strength, resolved to the mode's default once the job is accepted. The rules are the modes package's.
 */
public record Steering(String prompt, List<double[]> motionPath, String camera, String style, String sourceVideoId, Double strength) {
    public static final Steering NONE = new Steering(null, null, null, null, null, null);

    /**
     * The body's fields parsed by the modes' rules, each refused (400) with what to fix; NONE when the body has none.
     * A null point inside the path is refused like any malformed point.
     */
    static Steering of(String prompt, List<List<Double>> motionPath, String camera, String style, String sourceVideoId, Double strength) {
        if (motionPath == null && camera == null && style == null && sourceVideoId == null && strength == null) return NONE;
        List<double[]> path = motionPath == null ? null : parsed("invalid_motion_path", () -> new MotionPath(motionPath.stream()
                .map(p -> p == null || p.contains(null) ? new double[0] : p.stream().mapToDouble(Double::doubleValue).toArray()).toList()).points());
        String move = camera == null ? null : parsed("unsupported_value", () -> Direction.name(Direction.camera(camera)));
        String drawn = style == null ? null : parsed("unsupported_value", () -> Direction.name(Direction.style(style)));
        parsed("out_of_range", () -> {
            Direction.checkStrength(strength);
            return strength;
        });
        return new Steering(prompt, path, move, drawn, sourceVideoId, strength);
    }

    /** Whether a guide clip steers the video: a path, a camera move or a source (a style alone is words in the prompt). */
    boolean guided() {
        return motionPath != null || camera != null || sourceVideoId != null;
    }

    /** The modes package's direction, with the restyle's frames (null without a source). */
    Direction direction(Clip source) {
        return parsed("conflicting_fields", () -> new Direction(motionPath == null ? null : new MotionPath(motionPath),
                camera == null ? null : Direction.camera(camera), style == null ? null : Direction.style(style), source, strength));
    }

    /** The prompt the model reads: the user's with the style's and the camera's words. */
    String modelPrompt(String userPrompt) {
        return new Direction(null, camera == null ? null : Direction.camera(camera), style == null ? null : Direction.style(style), null, null).prompt(userPrompt);
    }

    /**
     * Checks the direction against the request (for a restyle, already of the source's length) by the rules the
     * worker's modes.Guides keeps, before anything is charged: the path inside the frame, a prompt the world can draw.
     * Returns this with the strength the worker will use.
     */
    Steering checked(GenerationRequest request, Clip source) {
        Direction d = direction(source);
        if (!d.guided()) return this;
        if (d.path() != null) parsed("invalid_motion_path", () -> d.path().requireInside(request.width(), request.height()));
        parsed("prompt_not_drawable", () -> {
            Guides.check(request, d);
            return d;
        });
        return new Steering(prompt, motionPath, camera, style, sourceVideoId, d.resolvedStrength());
    }

    /** The value, or a 400 with code and the modes package's message when its rule refuses it. */
    private static <T> T parsed(String code, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(code, e.getMessage());
        }
    }
}
