package dev.kineto.evaluation.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import dev.kineto.video.Clip;
import org.bytedeco.opencv.opencv_core.Mat;

/** The bridge between Kineto's packed RGB frames and OpenCV matrices (callers free them with a PointerScope). */
public final class Frames {
    private Frames() {}

    /** Frame i as an 8-bit, 3-channel matrix in RGB order. */
    public static Mat rgb(Clip clip, int i) {
        return rgb(clip.frames().get(i), clip.width(), clip.height());
    }

    /** Packed RGB bytes of a width×height frame as an 8-bit, 3-channel matrix. */
    public static Mat rgb(byte[] frame, int width, int height) {
        Mat mat = new Mat(height, width, CV_8UC3);
        mat.data().put(frame);
        return mat;
    }

    /** Frame i in grey levels (8-bit, one channel). */
    public static Mat grey(Clip clip, int i) {
        Mat grey = new Mat();
        cvtColor(rgb(clip, i), grey, COLOR_RGB2GRAY);
        return grey;
    }

    /** The packed bytes of a continuous 8-bit matrix (RGB or grey). */
    public static byte[] bytes(Mat mat) {
        Mat continuous = mat.isContinuous() ? mat : mat.clone();
        byte[] out = new byte[(int) (continuous.total() * continuous.channels())];
        continuous.data().get(out);
        return out;
    }
}
