package dev.kineto.evaluation;

import dev.kineto.video.Clip;
import dev.kineto.video.Psnr;
import dev.kineto.world.World;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_quality.QualitySSIM;

/**
 * Scores of the conditioned modes: image-to-video and first+last-frame fidelity, trajectory error of motion
 * control, drift of long videos, and flicker at the joins of extended videos.
 */
public final class ModeScores {
    private ModeScores() {}

    /** How close a generated frame is to the image it was asked to match. */
    public record Fidelity(double psnr, double ssim) {}

    /** PSNR (dB) and SSIM (mean over RGB) of frame i against a reference frame of the clip's size (e.g. read with VideoFiles.read(image, w, h, 1)). */
    public static Fidelity fidelity(Clip clip, int frame, byte[] reference) {
        if (reference.length != clip.frames().get(frame).length) {
            throw new IllegalArgumentException("reference image must be " + clip.width() + "x" + clip.height() + " like the clip; read it resized");
        }
        try (PointerScope scope = new PointerScope()) {
            Mat generated = Frames.rgb(clip, frame), wanted = Frames.rgb(reference, clip.width(), clip.height());
            Scalar ssim = QualitySSIM.compute(wanted, generated, new Mat());
            return new Fidelity(Psnr.of(clip.frames().get(frame), reference), (ssim.get(0) + ssim.get(1) + ssim.get(2)) / 3);
        }
    }

    /** Image-to-video: fidelity of the first frame to the input image. */
    public static Fidelity firstFrame(Clip clip, byte[] image) {
        return fidelity(clip, 0, image);
    }

    /** First+last-frame mode: fidelity of both ends. */
    public record Ends(Fidelity first, Fidelity last) {}

    public static Ends firstAndLast(Clip clip, byte[] firstImage, byte[] lastImage) {
        return new Ends(fidelity(clip, 0, firstImage), fidelity(clip, clip.frameCount() - 1, lastImage));
    }

    /**
     * Seam flicker of an extended video: VBench's flicker score, (255 − mean |F(j−1) − F(j)|) / 255, over the join
     * frames j only (the first frame of each extension), so a visible jump at a join scores low.
     */
    public static double seamFlicker(Clip clip, List<Integer> joins) {
        if (joins.isEmpty()) throw new IllegalArgumentException("no joins given: pass the first frame index of each extension");
        double sum = 0;
        for (int join : joins) {
            if (join < 1 || join >= clip.frameCount()) {
                throw new IllegalArgumentException("join " + join + " is outside frames 1.." + (clip.frameCount() - 1));
            }
            sum += Quality.meanAbsDifference(clip.frames().get(join - 1), clip.frames().get(join));
        }
        return (255 - sum / joins.size()) / 255;
    }

    /**
     * Long-video drift: for every second after the first, the mean cosine of its frames' subject features to the
     * mean feature of the first second (the subject is the most persistent object; without one, the whole frame).
     */
    public static List<Double> drift(Clip clip) {
        List<float[]> features = SceneAnalysis.of(clip).mainSubjectFeatures();
        int perSecond = Math.max(1, (int) Math.round(clip.fps()));
        float[] first = Features.mean(features.subList(0, Math.min(perSecond, features.size())));
        List<Double> drift = new ArrayList<>();
        for (int start = perSecond; start < features.size(); start += perSecond) {
            List<float[]> second = features.subList(start, Math.min(start + perSecond, features.size()));
            double sum = 0;
            for (float[] f : second) sum += Math.max(0, Features.cosine(first, f));
            drift.add(sum / second.size());
        }
        return drift;
    }

    /**
     * Motion control: mean distance in pixels between the wanted path (x, y per frame; fewer points are spread evenly
     * over the clip and joined by straight lines) and the centroid of the tracked object that follows it best.
     */
    public static double trajectoryError(Clip clip, List<double[]> path) {
        List<Track> tracks = SceneAnalysis.of(clip).tracks;
        double best = Math.hypot(clip.width(), clip.height());
        for (Track track : tracks) best = Math.min(best, track.meanDistanceTo(World.spread(path, clip.frameCount()), clip.width(), clip.height()));
        return best;
    }
}
