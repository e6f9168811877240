package dev.kineto.evaluation.scores;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_imgproc.Sobel;
import static org.bytedeco.opencv.global.opencv_imgproc.blur;
import static org.bytedeco.opencv.global.opencv_imgproc.filter2D;

import dev.kineto.evaluation.vision.Frames;
import dev.kineto.evaluation.vision.OpticalFlow;
import dev.kineto.video.Clip;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * VBench's quality dimensions that need no subject: temporal flickering, motion smoothness, dynamic degree and
 * imaging quality, each in [0, 1] (higher is better), computed with classical vision in place of VBench's networks.
 */
public final class Quality {
    private Quality() {}

    /** VBench: (255 − mean |F(i) − F(i+1)|) / 255 over all consecutive pairs; needs two frames. */
    static double temporalFlickering(Clip clip) {
        double sum = 0;
        for (int i = 0; i + 1 < clip.frameCount(); i++) sum += meanAbsDifference(clip.frames().get(i), clip.frames().get(i + 1));
        return (255 - sum / (clip.frameCount() - 1)) / 255;
    }

    /**
     * VBench: interpolate each odd frame from its even neighbours and score (255 − MAE) / 255 against the real one.
     * The interpolator warps both neighbours half-way along Farnebäck flow (Super SloMo's linear flow approximation,
     * F(t→0) = −t(1−t)·F(0→1) + t²·F(1→0) at t = ½) and averages them. Needs three frames.
     */
    public static double motionSmoothness(Clip clip) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i + 2 < clip.frameCount(); i += 2) {
            try (PointerScope ignored = new PointerScope()) {
                Mat before = Frames.rgb(clip, i), after = Frames.rgb(clip, i + 2);
                OpticalFlow.Field forward = OpticalFlow.between(Frames.grey(clip, i), Frames.grey(clip, i + 2));
                OpticalFlow.Field backward = OpticalFlow.between(Frames.grey(clip, i + 2), Frames.grey(clip, i));
                Mat fromBefore = forward.combine(-0.25, backward, 0.25).warp(before);
                Mat fromAfter = forward.combine(0.25, backward, -0.25).warp(after);
                Mat middle = new Mat();
                addWeighted(fromBefore, 0.5, fromAfter, 0.5, 0, middle);
                sum += meanAbsDifference(Frames.bytes(middle), clip.frames().get(i + 1));
                count++;
            }
        }
        return (255 - sum / count) / 255;
    }

    /** VBench's dynamic degree of one video: whether enough frame pairs (sampled at about 8 fps) move. */
    record DynamicDegree(boolean dynamic, int movingPairs, int neededPairs, int pairs) {
        double score() { return dynamic ? 1 : 0; }
    }

    /**
     * A pair moves when the mean of its top 5 % flow magnitudes exceeds 6·min(H, W)/256 pixels; the video is dynamic
     * once round(4·N/16) of its N sampled frames' pairs move (at least one). Needs two frames.
     */
    static DynamicDegree dynamicDegree(Clip clip) {
        int interval = Math.max(1, (int) Math.rint(clip.fps() / 8));
        int sampled = (clip.frameCount() - 1) / interval + 1;
        double threshold = 6.0 * Math.min(clip.width(), clip.height()) / 256;
        int needed = Math.max(1, (int) Math.rint(4.0 * sampled / 16));
        int moving = 0;
        for (int k = 0; k + 1 < sampled; k++) {
            try (PointerScope ignored = new PointerScope()) {
                if (OpticalFlow.between(Frames.grey(clip, k * interval), Frames.grey(clip, (k + 1) * interval)).meanOfTop(0.05) > threshold) moving++;
            }
        }
        return new DynamicDegree(moving >= needed, moving, needed, sampled - 1);
    }

    /** Grey-level noise σ at which the cleanliness factor of imaging quality falls to 1/e. */
    static final double NOISE_SCALE = 8;

    /**
     * A classical stand-in for VBench's MUSIQ: sharpness × cleanliness, averaged over frames. Sharpness is
     * 1 − the blur effect of Crété-Roffet et al. (2007, as in scikit-image); cleanliness is exp(−σ / 8) with σ the
     * grey-level noise estimated by Immerkær's (1996) operator over the pixels that are not edges.
     */
    static double imagingQuality(Clip clip) {
        double sum = 0;
        for (int i = 0; i < clip.frameCount(); i++) {
            try (PointerScope ignored = new PointerScope()) {
                Mat grey = Frames.grey(clip, i);
                sum += (1 - blurEffect(grey)) * Math.exp(-noiseSigma(grey) / NOISE_SCALE);
            }
        }
        return sum / clip.frameCount();
    }

    /**
     * Crété-Roffet's no-reference blur in [0, 1]: how much of the neighbour-to-neighbour variation a 9-pixel box blur
     * removes, along rows and along columns, whichever is blurrier. A frame with no variation counts as fully blurred.
     */
    static double blurEffect(Mat grey) {
        int width = grey.cols(), height = grey.rows();
        byte[] sharp = Frames.bytes(grey);
        double blur = 0;
        for (boolean alongRows : new boolean[] {true, false}) {
            Mat blurredMat = new Mat();
            blur(grey, blurredMat, alongRows ? new Size(9, 1) : new Size(1, 9));
            byte[] blurred = Frames.bytes(blurredMat);
            int step = alongRows ? 1 : width;
            double variation = 0, lost = 0;
            for (int y = alongRows ? 0 : 1; y < height; y++) {
                for (int x = alongRows ? 1 : 0; x < width; x++) {
                    int p = y * width + x;
                    int original = Math.abs((sharp[p] & 0xff) - (sharp[p - step] & 0xff));
                    int smoothed = Math.abs((blurred[p] & 0xff) - (blurred[p - step] & 0xff));
                    variation += original;
                    lost += Math.max(0, original - smoothed);
                }
            }
            blur = Math.max(blur, variation == 0 ? 1 : (variation - lost) / variation);
        }
        return blur;
    }

    /** Immerkær's fast noise σ (grey levels), leaving out the 10 % of pixels with the strongest Sobel gradient. */
    static double noiseSigma(Mat grey) {
        Mat kernel = new Mat(3, 3, CV_32F);
        new FloatPointer(kernel.data()).put(1, -2, 1, -2, 4, -2, 1, -2, 1);
        Mat response = new Mat(), dx = new Mat(), dy = new Mat();
        filter2D(grey, response, CV_32F, kernel);
        Sobel(grey, dx, CV_32F, 1, 0);
        Sobel(grey, dy, CV_32F, 0, 1);
        float[] r = floats(response), gx = floats(dx), gy = floats(dy);
        float[] gradient = new float[r.length];
        for (int p = 0; p < r.length; p++) gradient[p] = (float) Math.hypot(gx[p], gy[p]);
        float[] sorted = gradient.clone();
        Arrays.sort(sorted);
        float edge = sorted[(int) (0.9 * (sorted.length - 1))];
        double sum = 0;
        int count = 0;
        for (int p = 0; p < r.length; p++) {
            if (gradient[p] <= edge) {
                sum += Math.abs(r[p]);
                count++;
            }
        }
        return count == 0 ? 0 : Math.sqrt(Math.PI / 2) * sum / (6.0 * count);
    }

    /** Mean absolute difference of two packed frames, in grey levels (0..255). */
    static double meanAbsDifference(byte[] a, byte[] b) {
        long sum = 0;
        for (int k = 0; k < a.length; k++) sum += Math.abs((a[k] & 0xff) - (b[k] & 0xff));
        return (double) sum / a.length;
    }

    private static float[] floats(Mat mat) {
        float[] out = new float[(int) mat.total()];
        new FloatPointer(mat.data()).get(out);
        return out;
    }
}
