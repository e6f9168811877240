package dev.kineto.modes;

import dev.kineto.evaluation.vision.SubjectPath;
import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.Keyframes;
import dev.kineto.model.Layout;
import dev.kineto.model.ModelConfig;
import dev.kineto.model.StepListener;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFiles;
import dev.kineto.world.CaptionException;
import dev.kineto.world.Description;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Scene;
import dev.kineto.world.World;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Guided generation: the guide clip is drawn by the world, noised to the direction's strength and sampled back by the
 * model with the prompt (SDEdit), so the model keeps the guide's layout and motion and draws it as it would. A layered
 * model takes the steered scene itself as its plan instead: it draws its layers where the scene puts them, so the
 * strength does not apply.
 */
public final class Guides {
    /** The longest source clip a restyle takes; its frames are all sampled in one pass. */
    public static final double MAX_SOURCE_SECONDS = 8;
    /** The most frames of a source clip read (a minute at 60 fps): the memory a source may take stays bounded. */
    public static final int MAX_SOURCE_FRAMES = 3600;

    private Guides() {}

    /** The request's video steered by the direction (which must be guided); the request's prompt is taken as written. */
    public static Clip generate(DiffusionGenerator generator, GenerationRequest request, Direction direction, StepListener listener) {
        if (generator.model().config().representation() == ModelConfig.Representation.LAYERS) {
            Scene plan = steered(request, direction).orElseThrow(() -> new IllegalArgumentException(
                    "a layered model restyles a clip by following its subject, and the tracker found none in it (or the prompt is not one the world can draw)"));
            return generator.generate(List.of(request), List.of(Keyframes.NONE), List.of(Layout.of(plan)), listener).getFirst();
        }
        Clip guide = guide(request, direction);
        double strength = direction.resolvedStrength();
        if (strength == 0) return guide;
        return generator.generate(List.of(request), List.of(guide), strength, listener).getFirst();
    }

    /**
     * The guide: for a source clip, the prompt's scene with its subject on the path the source's subject takes (the
     * source itself when the tracker finds no subject in it); else the prompt's scene with the camera move and style,
     * its first object on the motion path.
     */
    public static Clip guide(GenerationRequest request, Direction direction) {
        return steered(request, direction).map(World::render).orElseGet(direction::source);
    }

    /** The scene guide draws; empty for a source clip the guide is the source itself. */
    private static Optional<Scene> steered(GenerationRequest request, Direction direction) {
        check(request, direction);
        RenderSpec spec = new RenderSpec(request.width(), request.height(), request.frames(), request.fps());
        Optional<List<double[]>> followed = Optional.ofNullable(direction.path()).map(MotionPath::points);
        if (direction.source() != null) {
            Clip source = direction.source();
            if (source.width() != request.width() || source.height() != request.height() || source.frameCount() != request.frames()) {
                throw new IllegalArgumentException("the source clip (" + source.width() + "x" + source.height() + ", " + source.frameCount()
                        + " frames) does not match the request (" + request.width() + "x" + request.height() + ", " + request.frames() + " frames)");
            }
            followed = SubjectPath.of(source);
            if (followed.isEmpty() || !drawable(request.prompt())) return Optional.empty();
        }
        Description d = describe(request.prompt());
        if (direction.camera() != null) d = d.withCamera(direction.camera());
        if (direction.style() != null) d = d.withStyle(direction.style());
        Scene scene = World.simulate(d, spec, request.seed());
        if (followed.isPresent()) scene = World.along(scene, 0, followed.get());
        return Optional.of(scene);
    }

    /** A source clip (mp4, mov, webm, gif) read at the output's size, refused past MAX_SOURCE_FRAMES. */
    public static Clip readSource(Path clip, int width, int height) throws IOException {
        Clip read = VideoFiles.read(clip, width, height, MAX_SOURCE_FRAMES + 1);
        if (read.frameCount() > MAX_SOURCE_FRAMES) throw new IllegalArgumentException("the video has more than " + MAX_SOURCE_FRAMES + " frames; cut it");
        return read;
    }

    /** The request for a restyle of source (read with {@link #source}): the video has the source's length. */
    public static GenerationRequest restyling(GenerationRequest r, Clip source) {
        return new GenerationRequest(r.prompt(), r.negativePrompt(), r.width(), r.height(), source.frameCount(), r.fps(), r.steps(), r.cfg(), r.seed());
    }

    /**
     * Throws what {@link #guide} would refuse, without drawing anything: nothing to guide, a path outside the frame, a
     * path or a camera move with a prompt the world cannot draw (a restyle falls back to its source instead).
     */
    public static void check(GenerationRequest request, Direction direction) {
        if (!direction.guided()) throw new IllegalArgumentException("nothing to guide: give a motion path, a camera move or a source video");
        if (direction.path() != null) direction.path().requireInside(request.width(), request.height());
        if (direction.source() == null) describe(request.prompt());
    }

    /**
     * A source clip read for a restyle: at the fps, cut to whole 4k+1 frames; throws when it is longer than
     * MAX_SOURCE_SECONDS or shorter than the model's shortest video.
     */
    public static Clip source(Clip read, double fps) {
        if (read.seconds() > MAX_SOURCE_SECONDS + 1e-9) {
            throw new IllegalArgumentException("the source video is " + String.format("%.1f", read.seconds()) + " s long; a restyle takes at most "
                    + MAX_SOURCE_SECONDS + " s: cut it");
        }
        Clip resampled = read.atFps(fps);
        int frames = resampled.frameCount() - (resampled.frameCount() - 1) % 4;
        if (frames < 5) throw new IllegalArgumentException("the source video has " + read.frameCount() + " frames; a restyle needs at least "
                + (5 / fps) + " s of video");
        return new Clip(resampled.width(), resampled.height(), fps, resampled.frames().subList(0, frames));
    }

    private static boolean drawable(String prompt) {
        try {
            World.parse(prompt);
            return true;
        } catch (CaptionException e) {
            return false;
        }
    }

    private static Description describe(String prompt) {
        try {
            return World.parse(prompt);
        } catch (CaptionException e) {
            String problem = e.getMessage().lines().findFirst().orElse("").replaceAll("\\s*The world understands:$", "");
            throw new IllegalArgumentException("a motion path or a camera move needs a prompt the world can draw: " + problem, e);
        }
    }
}
