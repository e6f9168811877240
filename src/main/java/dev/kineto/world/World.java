package dev.kineto.world;

import dev.kineto.video.Clip;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The synthetic world: captions ↔ descriptions ↔ simulated scenes ↔ rendered clips. Pure static functions,
 * deterministic from their seed and safe to call from many threads.
 */
public final class World {

    private World() {}

    /** The description a caption states; throws CaptionException naming unknown words and listing the vocabulary. */
    public static Description parse(String caption) {
        return read(caption).description();
    }

    /** The caption's description and which of its traits the words stated (the rest are defaults); throws as parse does. */
    public static Caption read(String caption) {
        return CaptionParser.parse(caption);
    }

    /** A natural-English caption for the description, phrased at random; parse(caption(d, rng)) equals d. */
    public static String caption(Description d, RandomGenerator rng) {
        return Captioner.caption(d, rng);
    }

    /** Per-frame trajectories for the description (physics for falling and collisions), deterministic from the seed. */
    public static Scene simulate(Description d, RenderSpec spec, long seed) {
        return Simulator.simulate(d, spec, seed);
    }

    /**
     * The scene with its index-th object's centroid on the path's points (screen pixels), spread evenly over the clip
     * (see {@link #spread}); its size, rotation and colour stay as simulated, and so does the camera.
     */
    public static Scene along(Scene scene, int index, List<double[]> path) {
        List<double[]> points = spread(path, scene.spec().frames());
        List<Trajectory> tracks = new ArrayList<>(scene.tracks());
        Trajectory moved = tracks.get(index);
        List<ObjectState> states = new ArrayList<>();
        for (int f = 0; f < points.size(); f++) {
            ObjectState s = moved.states().get(f);
            states.add(new ObjectState(points.get(f)[0], points.get(f)[1], s.size(), s.rotation(), s.rgb()));
        }
        tracks.set(index, new Trajectory(moved.spec(), states));
        return new Scene(scene.description(), scene.spec(), tracks, scene.camera());
    }

    /**
     * A path of (x, y) points stretched to n points: the points are spread evenly over the clip's time (the first on
     * the first frame, the last on the last) and joined by straight lines.
     */
    public static List<double[]> spread(List<double[]> path, int n) {
        if (path.isEmpty()) throw new IllegalArgumentException("the path is empty: give at least one (x, y) point");
        List<double[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double t = n == 1 ? 0 : (double) i / (n - 1) * (path.size() - 1);
            int k = Math.min((int) t, path.size() - 1);
            int next = Math.min(k + 1, path.size() - 1);
            double u = t - k;
            out.add(new double[] {path.get(k)[0] * (1 - u) + path.get(next)[0] * u, path.get(k)[1] * (1 - u) + path.get(next)[1] * u});
        }
        return out;
    }

    /** The scene drawn anti-aliased, frame by frame. */
    public static Clip render(Scene scene) {
        return Renderer.render(scene, true);
    }

    /** The scene's background alone, as its camera sees it: where a clip differs from it, an object is drawn. */
    public static Clip renderBackground(Scene scene) {
        return Renderer.render(scene, false);
    }

    /** The scene with only its index-th object drawn over the background (where that object is, occluded or not). */
    public static Clip renderObject(Scene scene, int index) {
        Trajectory only = scene.tracks().get(index);
        return Renderer.render(scene, t -> t == only);
    }

    /** Parses, simulates and renders a caption. */
    public static WorldClip render(String caption, RenderSpec spec, long seed) {
        Scene scene = simulate(parse(caption), spec, seed);
        return new WorldClip(caption, scene, render(scene));
    }

    /** A random description from the split, phrased at random and rendered; the same seed gives the same clip. */
    public static WorldClip sample(long seed, Split split, RenderSpec spec) {
        SplittableRandom rng = new SplittableRandom(seed);
        return phrasedAndRendered(DescriptionSampler.describe(rng, split), rng, spec);
    }

    /**
     * A clip of the reduced world for shape experiments: one still object of any shape, colour and size on a solid
     * backdrop of another colour, a static camera, with the held variations fixed (none: Set.of()); the same seed gives
     * the same clip, and the same shape and place whatever is held.
     */
    public static WorldClip sampleLoneStill(long seed, RenderSpec spec, Set<Held> held) {
        SplittableRandom rng = new SplittableRandom(seed);
        return phrasedAndRendered(DescriptionSampler.describeLoneStill(rng, held), rng, spec);
    }

    /** What the reduced world can hold fixed, to find which variation keeps a model from generalising a shape. */
    public enum Held {
        /** A white object on a black backdrop. */
        COLOURS,
        /** A medium object. */
        SIZE
    }

    private static WorldClip phrasedAndRendered(Description d, SplittableRandom rng, RenderSpec spec) {
        String caption = caption(d, rng);
        Scene scene = simulate(d, spec, rng.nextLong());
        return new WorldClip(caption, scene, render(scene));
    }

    /** The words and phrases the parser understands, by category, one category a line. */
    public static String describeVocabulary() {
        return Lexicon.get().describe();
    }

    /** Every word the caption parser understands. */
    public static Set<String> vocabulary() {
        return Lexicon.get().tokens();
    }
}
