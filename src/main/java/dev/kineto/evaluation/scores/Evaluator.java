package dev.kineto.evaluation.scores;

import dev.kineto.evaluation.vision.SceneAnalysis;
import dev.kineto.video.Clip;
import dev.kineto.world.Caption;
import dev.kineto.world.CaptionException;
import dev.kineto.world.World;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;

/**
 * Scores one video: VBench's quality dimensions with classical parts, and for a prompt the world understands,
 * adherence checked against the world's ground truth. Any clip works, whatever made it.
 */
public final class Evaluator {
    private Evaluator() {}

    /** The adherence categories, in report order. */
    public static final List<String> CATEGORIES = List.of("colour", "shape", "size", "count", "motion", "relation", "background", "style", "camera", "physics");

    /** Scores a clip; the prompt may be null (quality only). The physics check simulates the prompt with seed 0. */
    public static EvalResult evaluate(Clip clip, String prompt) {
        return evaluate(clip, prompt, 0);
    }

    /** Scores a clip made from a prompt with a seed (the seed the world's simulation of the prompt uses). */
    public static EvalResult evaluate(Clip clip, String prompt, long seed) {
        try (PointerScope scope = new PointerScope()) {
            SceneAnalysis scene = SceneAnalysis.of(clip);
            Map<String, Double> dimensions = dimensions(clip, scene);
            if (prompt == null) return EvalResult.of(null, dimensions, List.of(), "no prompt: quality dimensions only");
            Caption caption;
            try {
                caption = World.read(prompt);
            } catch (CaptionException e) {
                String problem = e.getMessage().lines().findFirst().orElse("").replaceAll("\\s*The world understands:$", "");
                return EvalResult.of(prompt, dimensions, List.of(), "adherence not checked, the world cannot parse the prompt: " + problem);
            }
            return EvalResult.of(prompt, dimensions, Adherence.check(caption.description(), caption.stated(), scene, seed), null);
        }
    }

    /** VBench's quality dimensions that apply to the clip's length (flicker and dynamics need 2 frames, smoothness 3). */
    static Map<String, Double> dimensions(Clip clip, SceneAnalysis scene) {
        Map<String, Double> d = new LinkedHashMap<>();
        d.put("subject_consistency", scene.subjectConsistency());
        d.put("background_consistency", scene.backgroundConsistency());
        if (clip.frameCount() >= 2) d.put("temporal_flickering", Quality.temporalFlickering(clip));
        if (clip.frameCount() >= 3) d.put("motion_smoothness", Quality.motionSmoothness(clip));
        if (clip.frameCount() >= 2) d.put("dynamic_degree", Quality.dynamicDegree(clip).score());
        d.put("imaging_quality", Quality.imagingQuality(clip));
        return d;
    }
}
