package dev.kineto.evaluation.scores;

import dev.kineto.evaluation.vision.Backdrop;
import dev.kineto.evaluation.vision.Blob;
import dev.kineto.evaluation.vision.CameraMotion;
import dev.kineto.evaluation.vision.Looks;
import dev.kineto.evaluation.vision.Motions;
import dev.kineto.evaluation.vision.Reading;
import dev.kineto.evaluation.vision.SceneAnalysis;
import dev.kineto.video.Clip;
import dev.kineto.world.BackgroundKind;
import dev.kineto.world.CameraState;
import dev.kineto.world.Colour;
import dev.kineto.world.Description;
import dev.kineto.world.Motion;
import dev.kineto.world.ObjectSpec;
import dev.kineto.world.ObjectState;
import dev.kineto.world.Relation;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Scene;
import dev.kineto.world.ShapeKind;
import dev.kineto.world.Size;
import dev.kineto.world.Stated;
import dev.kineto.world.Stated.Trait;
import dev.kineto.world.Style;
import dev.kineto.world.World;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * Checks a video against a prompt's description, T2V-CompBench style: every object's colour, shape, size and
 * motion, the object count, the spatial relation, background, style, camera, and for falls, bounces and
 * collisions the physics. Only what the prompt stated is checked: "a red circle" has no size, motion or background
 * to get wrong. Each prompted object is matched with the tracked object that agrees with it most (colour first),
 * so a wrong colour fails the colour check alone.
 */
final class Adherence {
    private Adherence() {}

    /**
     * Shapes whose overlap is within this share of the best are indistinguishable at the object's size (a small
     * circle and a hexagon): 0.1 / radius in pixels, from 0.3 % to 3 %, since a pixel grid blurs a shape by about
     * a pixel.
     */
    static double shapeTie(double radiusPixels) {
        return Math.clamp(0.1 / radiusPixels, 0.003, 0.03);
    }

    static List<Check> check(Description d, Stated stated, SceneAnalysis scene, long seed) {
        Clip clip = scene.clip;
        Scene simulated = World.simulate(d, new RenderSpec(clip.width(), clip.height(), clip.frameCount(), clip.fps()), seed);
        CameraMotion camera = CameraMotion.read(scene);
        // On a plain background the camera leaves no trace: take the prompt's camera as given to read object motion.
        List<CameraState> view = camera.observable() ? camera.states() : simulated.camera();
        var style = Looks.style(scene);
        List<Reading> readings = scene.tracks.stream().map(t -> Reading.of(t, view, clip, style == Style.OUTLINED)).toList();
        Reading[] matched = match(d.objects(), stated, readings);

        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < d.objects().size(); i++) {
            ObjectSpec o = d.objects().get(i);
            Reading r = matched[i];
            boolean colour = stated.object(i, Trait.COLOUR), size = stated.object(i, Trait.SIZE), motion = stated.object(i, Trait.MOTION);
            String subject = "object " + (i + 1) + " (" + (colour ? o.colour().word() + " " : "") + o.shape().word() + ")";
            if (r == null) {
                if (colour) checks.add(new Check("colour", subject, o.colour().word(), "missing", false));
                checks.add(new Check("shape", subject, o.shape().word(), "missing", false));
                if (size) checks.add(new Check("size", subject, o.size().word(), "missing", false));
                if (motion) checks.add(new Check("motion", subject, word(o.motion()), "missing", false));
                continue;
            }
            if (colour) checks.add(new Check("colour", subject, o.colour().word(), r.colour().word(), r.colour() == o.colour()));
            double best = r.shapeScores().get(r.shape());
            checks.add(new Check("shape", subject, o.shape().word(), r.shape().word(), r.shapeScores().get(o.shape()) >= (1 - shapeTie(r.track().medianRadius())) * best));
            if (size) {
                Size seen = Reading.sizeWord(r.size());
                checks.add(new Check("size", subject, o.size().word(), String.format(Locale.ROOT, "%s (%.3f of the shorter side)", seen.word(), r.size()), seen == o.size()));
            }
            if (motion) {
                Motion seen = d.collide() ? approach(r, matched[1 - i]) : r.motion();
                checks.add(new Check("motion", subject, word(o.motion()), word(seen), seen == o.motion()));
            }
        }
        if (stated.scene(Trait.COUNT)) checks.add(count(d, scene));
        if (d.relation() != null) checks.add(relation(d.relation(), matched[0], matched[1], clip));
        if (stated.scene(Trait.BACKGROUND)) checks.add(background(d, scene));
        if (stated.scene(Trait.STYLE)) {
            checks.add(new Check("style", "scene", word(d.style()), style == null ? "no objects to judge" : word(style), style == d.style()));
        }
        if (stated.scene(Trait.CAMERA) && camera.observable()) {
            var move = camera.move(clip);
            checks.add(new Check("camera", "scene", word(d.camera()), word(move), move == d.camera()));
        }
        checks.addAll(physics(d, matched, simulated, clip));
        return checks;
    }

    /**
     * The injective matching of prompted objects to readings with the fewest disagreements in what the prompt stated
     * (a colour counts thrice).
     */
    private static Reading[] match(List<ObjectSpec> objects, Stated stated, List<Reading> readings) {
        Reading[] best = new Reading[objects.size()];
        double[] bestCost = {Double.MAX_VALUE};
        search(objects, stated, readings, 0, new Reading[objects.size()], new boolean[readings.size()], 0, best, bestCost);
        return best;
    }

    private static void search(List<ObjectSpec> objects, Stated stated, List<Reading> readings, int i, Reading[] current, boolean[] used,
                               double cost, Reading[] best, double[] bestCost) {
        if (cost >= bestCost[0]) return;
        if (i == objects.size()) {
            bestCost[0] = cost;
            System.arraycopy(current, 0, best, 0, current.length);
            return;
        }
        ObjectSpec o = objects.get(i);
        for (int k = 0; k < readings.size(); k++) {
            if (used[k]) continue;
            Reading r = readings.get(k);
            double disagreements = (stated.object(i, Trait.COLOUR) && r.colour() != o.colour() ? 3 : 0) + (r.shape() != o.shape() ? 1 : 0)
                    + (stated.object(i, Trait.SIZE) && Reading.sizeWord(r.size()) != o.size() ? 1 : 0)
                    + (stated.object(i, Trait.MOTION) && r.motion() != o.motion() ? 1 : 0);
            used[k] = true;
            current[i] = r;
            search(objects, stated, readings, i + 1, current, used, cost + disagreements, best, bestCost);
            used[k] = false;
        }
        current[i] = null;
        search(objects, stated, readings, i + 1, current, used, cost + 10, best, bestCost);
    }

    /** In a collision each object is judged by its heading until the objects first stop closing in (then they rebound). */
    private static Motion approach(Reading r, Reading other) {
        if (other == null) return r.motion();
        int first = r.track().firstFrame(), contact = -1;
        double previous = Double.MAX_VALUE;
        for (int i = first; i < r.positions().size(); i++) {
            double[] a = r.positions().get(i), b = other.positions().get(i);
            if (a == null || b == null) continue;
            double distance = Math.hypot(a[0] - b[0], a[1] - b[1]);
            if (distance > previous) break;
            previous = distance;
            contact = i;
        }
        if (contact <= first) return r.motion();
        double[] start = r.positions().get(first), end = r.positions().get(contact);
        return Motions.direction(end[0] - start[0], end[1] - start[1]);
    }

    /** T2V-CompBench numeracy: a frame scores when it shows the prompted number of objects; at least half must. */
    private static Check count(Description d, SceneAnalysis scene) {
        int n = scene.clip.frameCount(), right = 0;
        int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            counts[i] = scene.count(i);
            if (counts[i] == d.objects().size()) right++;
        }
        int[] sorted = counts.clone();
        java.util.Arrays.sort(sorted);
        return new Check("count", "scene", Integer.toString(d.objects().size()),
                sorted[n / 2] + " (right in " + right + " of " + n + " frames)", 2 * right >= n);
    }

    /**
     * VBench's spatial relation with the sign checked: in a frame, a is left of b when |dx| > |dy|, dx < 0 and their
     * boxes overlap by IoU < 0.1 (likewise for the other three); the relation holds when it does in at least half
     * the frames where both are seen.
     */
    private static Check relation(Relation expected, Reading a, Reading b, Clip clip) {
        String subject = "object 1 and object 2";
        if (a == null || b == null) return new Check("relation", subject, word(expected), "an object is missing", false);
        int both = 0;
        int[] votes = new int[Relation.values().length + 1];
        for (int i = 0; i < clip.frameCount(); i++) {
            Blob p = a.track().blobs().get(i), q = b.track().blobs().get(i);
            if (p == null || q == null) continue;
            both++;
            double dx = p.x() - q.x(), dy = p.y() - q.y();
            Relation r = iou(p.bounds(clip.width()), q.bounds(clip.width())) >= 0.1 ? null
                    : Math.abs(dx) > Math.abs(dy) ? (dx < 0 ? Relation.LEFT_OF : Relation.RIGHT_OF) : (dy < 0 ? Relation.ABOVE : Relation.BELOW);
            votes[r == null ? Relation.values().length : r.ordinal()]++;
        }
        int most = 0;
        for (int k = 1; k < votes.length; k++) if (votes[k] > votes[most]) most = k;
        String seen = both == 0 ? "never seen together" : most == Relation.values().length ? "overlapping" : word(Relation.values()[most]);
        return new Check("relation", subject, word(expected), seen + " (" + votes[expected.ordinal()] + " of " + both + " frames as prompted)",
                both > 0 && 2 * votes[expected.ordinal()] >= both);
    }

    private static double iou(int[] a, int[] b) {
        double w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + 1, h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + 1;
        if (w <= 0 || h <= 0) return 0;
        double intersection = w * h;
        double areaA = (a[2] - a[0] + 1.0) * (a[3] - a[1] + 1), areaB = (b[2] - b[0] + 1.0) * (b[3] - b[1] + 1);
        return intersection / (areaA + areaB - intersection);
    }

    /** The pattern and its colours; a gradient's colours in order (top first), the others as a pair. */
    private static Check background(Description d, SceneAnalysis scene) {
        var expected = d.background();
        Backdrop seen = scene.backdrop;
        boolean colours = expected.kind() == BackgroundKind.GRADIENT
                ? seen.primary() == expected.primary() && seen.secondary() == expected.secondary()
                : EnumSet.of(seen.primary(), seen.secondary()).equals(EnumSet.of(expected.primary(), expected.secondary()));
        return new Check("background", "scene", describe(expected.kind(), expected.primary(), expected.secondary()),
                describe(seen.kind(), seen.primary(), seen.secondary()), colours && seen.kind() == expected.kind());
    }

    private static String describe(BackgroundKind kind, Colour a, Colour b) {
        return switch (kind) {
            case SOLID -> "solid " + a.word();
            case GRADIENT -> "gradient from " + a.word() + " to " + b.word();
            default -> kind.word() + " " + a.word() + " and " + b.word();
        };
    }

    /**
     * Physics for falling and bouncing objects, and for the two objects of a collision together: the tracked
     * velocities against the world's simulation of the prompt (see {@link Physics}).
     */
    private static List<Check> physics(Description d, Reading[] matched, Scene simulated, Clip clip) {
        List<Check> checks = new ArrayList<>();
        int shift = clip.frameCount() / 2;
        for (int i = 0; i < d.objects().size(); i++) {
            Motion m = d.objects().get(i).motion();
            if (d.collide() || (m != Motion.FALL && m != Motion.BOUNCE)) continue;
            String subject = "object " + (i + 1) + " (" + word(m) + ")";
            checks.add(physics(subject, Arrays.asList(matched[i]), List.of(simulated.tracks().get(i).states()), m == Motion.FALL ? 0 : shift));
        }
        if (d.collide()) {
            checks.add(physics("collision", Arrays.asList(matched[0], matched[1]),
                    List.of(simulated.tracks().get(0).states(), simulated.tracks().get(1).states()), shift));
        }
        return checks;
    }

    private static Check physics(String subject, List<Reading> readings, List<List<ObjectState>> simulated, int shift) {
        String expected = String.format(Locale.ROOT, "velocity error < %.2f", Physics.TOLERANCE);
        if (readings.contains(null)) return new Check("physics", subject, expected, "object missing", false);
        double error = Physics.error(readings.stream().map(r -> r.track().blobs()).toList(), simulated, shift);
        String seen = error == Double.MAX_VALUE ? "too rarely seen" : String.format(Locale.ROOT, "velocity error %.2f", error);
        return new Check("physics", subject, expected, seen, error < Physics.TOLERANCE);
    }

    /** An enum constant as a lower-case word: UP_LEFT → "up-left". */
    static String word(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
