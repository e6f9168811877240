package dev.kineto.model;

import dev.kineto.world.Background;
import dev.kineto.world.BackgroundKind;
import dev.kineto.world.CameraState;
import dev.kineto.world.CaptionException;
import dev.kineto.world.ObjectState;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Scene;
import dev.kineto.world.ShapeKind;
import dev.kineto.world.Trajectory;
import dev.kineto.world.World;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where each object is, frame by frame, and what it is: the plan a layout-grounded DiT renders into (GLIGEN's boxes,
 * the planned layouts of LVD and VideoDirectorGPT). The world's caption parser and simulator are the planner: a prompt
 * becomes a scene, and each object's state on each frame its box, shape and colour. Each token inside a box is told
 * the object's shape, its own offset from the box's centre, the box's size, its rotation and the object's colour, so
 * drawing an outline is local to the token wherever the plan puts it. The plan also holds the camera on each frame,
 * which a layered model moves its backdrop by, and the background (null when not planned), whose pattern and colours
 * its backdrop DiT is told.
 */
public record Layout(int width, int height, List<List<Placed>> frames, List<CameraState> camera, Background background) {

    /** One object on one frame: its shape class, its box's centre and half sides in pixels, its rotation in radians and its colour (0xRRGGBB). */
    public record Placed(int shape, double x, double y, double halfWidth, double halfHeight, double rotation, int rgb) {}

    private static final int SHAPES = ShapeKind.values().length;
    /** What a token is told: the shape one-hot, its offset from the box's centre (x, y), the box's size (w, h), the rotation (cos, sin), the colour (r, g, b). */
    public static final int FEATURES = SHAPES + 4 + 2 + 3;
    private static final int PATTERNS = BackgroundKind.values().length;
    /** What a backdrop's tokens are told, each the same: the pattern one-hot and its two colours (r, g, b each). */
    public static final int BACKDROP_FEATURES = PATTERNS + 6;

    public Layout {
        frames = frames.stream().map(List::copyOf).toList();
        camera = List.copyOf(camera);
        if (camera.size() != frames.size()) throw new IllegalArgumentException("a layout needs one camera state per frame: got " + camera.size() + " for " + frames.size());
    }

    /** A layout seen by a camera that does not move, with no background planned. */
    public Layout(int width, int height, List<List<Placed>> frames) {
        this(width, height, frames, java.util.Collections.nCopies(frames.size(), CameraState.START), null);
    }

    /** A layout of frames frames with no object in it: what a dropped caption, or a prompt without objects, gives. */
    public static Layout empty(int width, int height, int frames) {
        List<List<Placed>> none = new ArrayList<>();
        for (int f = 0; f < frames; f++) none.add(List.of());
        return new Layout(width, height, none);
    }

    /** Objects in the plan (every frame places each of them). */
    public int objects() {
        return frames.isEmpty() ? 0 : frames.getFirst().size();
    }

    /** The scene's objects as boxes: each centred on its state, its half sides the state's half extent. */
    public static Layout of(Scene scene) {
        RenderSpec spec = scene.spec();
        List<List<Placed>> frames = new ArrayList<>();
        for (int f = 0; f < spec.frames(); f++) {
            List<Placed> placed = new ArrayList<>();
            for (Trajectory track : scene.tracks()) {
                ObjectState s = track.states().get(f);
                placed.add(new Placed(track.spec().shape().ordinal(), s.x(), s.y(), s.size(), s.size(), s.rotation(), s.rgb()));
            }
            frames.add(placed);
        }
        return new Layout(spec.width(), spec.height(), frames, scene.camera(), scene.description().background());
    }

    /**
     * The request's plan: its prompt read by the world's parser and simulated at its size and length with its seed, so
     * the same request gets the same plan. A prompt the parser cannot read (words it does not know) gets no objects;
     * the caller has warned of those words, and the DiT then draws from the text alone.
     */
    public static Layout plan(GenerationRequest r) {
        RenderSpec spec = new RenderSpec(r.width(), r.height(), r.frames(), r.fps());
        try {
            return of(World.simulate(World.parse(r.prompt()), spec, r.seed()));
        } catch (CaptionException e) {
            return empty(r.width(), r.height(), r.frames());
        }
    }

    /** Frames from .. from + count of this layout; frames past its end hold its last frame (a long video's last window runs over). */
    public Layout window(int from, int count) {
        List<List<Placed>> out = new ArrayList<>();
        List<CameraState> seen = new ArrayList<>();
        for (int f = from; f < from + count; f++) {
            out.add(frames.get(Math.min(f, frames.size() - 1)));
            seen.add(camera.get(Math.min(f, frames.size() - 1)));
        }
        return new Layout(width, height, out, seen, background);
    }

    /** The backdrop's features [rows · cols · BACKDROP_FEATURES] of tokens tokenPixels a side: every token the same, all zero without a planned background. */
    public float[] backdropFeatures(int tokenPixels) {
        int tokens = (width / tokenPixels) * (height / tokenPixels);
        float[] out = new float[tokens * BACKDROP_FEATURES];
        if (background == null) return out;
        int[] colours = {background.primary().rgb(), background.secondary().rgb()};
        for (int t = 0; t < tokens; t++) {
            int at = t * BACKDROP_FEATURES;
            out[at + background.kind().ordinal()] = 1;
            for (int k = 0; k < 2; k++) {
                for (int c = 0; c < 3; c++) out[at + PATTERNS + 3 * k + c] = (colours[k] >> (16 - 8 * c) & 0xff) / 255f;
            }
        }
        return out;
    }

    /**
     * The features [frames · rows · cols · FEATURES] of tokens tokenPixels a side, in the DiT's token order; a token
     * outside every box is all zero, and where boxes overlap the later object (drawn on top) tells it.
     */
    public float[] features(int tokenPixels) {
        int cols = width / tokenPixels, rows = height / tokenPixels, plane = rows * cols;
        float[] out = new float[frames.size() * plane * FEATURES];
        for (int f = 0; f < frames.size(); f++) {
            for (Placed o : frames.get(f)) {
                // The offset is over the half side plus half a token, so a token at the box's edge reads about ±1.
                double reachX = o.halfWidth() + tokenPixels / 2.0, reachY = o.halfHeight() + tokenPixels / 2.0;
                int c0 = Math.max(0, (int) Math.floor((o.x() - o.halfWidth()) / tokenPixels)), c1 = Math.min(cols - 1, (int) Math.ceil((o.x() + o.halfWidth()) / tokenPixels) - 1);
                int r0 = Math.max(0, (int) Math.floor((o.y() - o.halfHeight()) / tokenPixels)), r1 = Math.min(rows - 1, (int) Math.ceil((o.y() + o.halfHeight()) / tokenPixels) - 1);
                for (int r = r0; r <= r1; r++) {
                    for (int c = c0; c <= c1; c++) {
                        int at = ((f * plane) + r * cols + c) * FEATURES;
                        Arrays.fill(out, at, at + FEATURES, 0);
                        out[at + o.shape()] = 1;
                        out[at + SHAPES] = (float) (((c + 0.5) * tokenPixels - o.x()) / reachX);
                        out[at + SHAPES + 1] = (float) (((r + 0.5) * tokenPixels - o.y()) / reachY);
                        out[at + SHAPES + 2] = (float) (2 * o.halfWidth() / width);
                        out[at + SHAPES + 3] = (float) (2 * o.halfHeight() / height);
                        out[at + SHAPES + 4] = (float) Math.cos(o.rotation());
                        out[at + SHAPES + 5] = (float) Math.sin(o.rotation());
                        out[at + SHAPES + 6] = (o.rgb() >> 16 & 0xff) / 255f;
                        out[at + SHAPES + 7] = (o.rgb() >> 8 & 0xff) / 255f;
                        out[at + SHAPES + 8] = (o.rgb() & 0xff) / 255f;
                    }
                }
            }
        }
        return out;
    }
}
