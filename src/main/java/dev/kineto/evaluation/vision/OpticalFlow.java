package dev.kineto.evaluation.vision;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC2;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;
import static org.bytedeco.opencv.global.opencv_video.calcOpticalFlowFarneback;

import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Dense optical flow by Farnebäck's method (OpenCV), the classical stand-in for VBench's RAFT.
 * The averaging window grows with the frame: flat-coloured shapes have no texture inside, so the window must
 * reach from their edges to their centres.
 */
public final class OpticalFlow {
    private OpticalFlow() {}

    /** Per-pixel displacement (dx, dy interleaved) from one frame to the next. */
    public record Field(int width, int height, float[] dxdy) {

        float magnitude(int pixel) {
            return (float) Math.hypot(dxdy[2 * pixel], dxdy[2 * pixel + 1]);
        }

        /** Mean of the largest share (0..1] of magnitudes: VBench's per-pair motion score uses the top 5 %. */
        public double meanOfTop(double share) {
            float[] magnitudes = new float[width * height];
            for (int p = 0; p < magnitudes.length; p++) magnitudes[p] = magnitude(p);
            Arrays.sort(magnitudes);
            int count = Math.max(1, (int) (share * magnitudes.length));
            double sum = 0;
            for (int p = magnitudes.length - count; p < magnitudes.length; p++) sum += magnitudes[p];
            return sum / count;
        }

        /** a·this + b·other. */
        public Field combine(double a, Field other, double b) {
            float[] out = new float[dxdy.length];
            for (int k = 0; k < out.length; k++) out[k] = (float) (a * dxdy[k] + b * other.dxdy[k]);
            return new Field(width, height, out);
        }

        /** The image sampled at p + flow(p) for every pixel p (backward warping, bilinear, edges replicated). */
        public Mat warp(Mat image) {
            float[] map = new float[dxdy.length];
            for (int y = 0, p = 0; y < height; y++) {
                for (int x = 0; x < width; x++, p++) {
                    map[2 * p] = x + dxdy[2 * p];
                    map[2 * p + 1] = y + dxdy[2 * p + 1];
                }
            }
            Mat coordinates = new Mat(height, width, CV_32FC2);
            new FloatPointer(coordinates.data()).put(map);
            Mat warped = new Mat();
            remap(image, warped, coordinates, new Mat(), INTER_LINEAR, BORDER_REPLICATE, new Scalar());
            return warped;
        }
    }

    /** Flow from grey frame a to grey frame b. */
    public static Field between(Mat greyA, Mat greyB) {
        int width = greyA.cols(), height = greyA.rows();
        int side = Math.min(width, height);
        int levels = Math.max(1, (int) (Math.log(side / 16.0) / Math.log(2)) + 1);
        int window = Math.max(9, side / 12) | 1;
        Mat flow = new Mat();
        calcOpticalFlowFarneback(greyA, greyB, flow, 0.5, levels, window, 3, 5, 1.1, 0);
        float[] dxdy = new float[width * height * 2];
        new FloatPointer(flow.data()).get(dxdy);
        return new Field(width, height, dxdy);
    }
}
