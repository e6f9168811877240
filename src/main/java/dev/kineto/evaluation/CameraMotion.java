package dev.kineto.evaluation;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC2;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.kineto.video.Clip;
import dev.kineto.world.Camera;
import dev.kineto.world.CameraState;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The camera's motion read from the background: each pair of frames is aligned over its background pixels by a
 * pan and a zoom about the centre (Lucas–Kanade on intensities, at a 64-pixel scale), and the pairs are chained into
 * the world's camera states. Optical flow cannot do this: stripes and checkers repeat, and a local window cannot
 * tell which stripe went where.
 *
 * @param states     per frame, the camera's offset from the first view (world pixels) and zoom
 * @param observable whether the background has texture along x in every frame pair; on a plain or a
 *                   vertical-gradient background a pan leaves no trace, so the camera cannot be read
 */
record CameraMotion(List<CameraState> states, boolean observable) {

    /** The scale the alignment runs at (shorter side, pixels). */
    private static final int SCALE = 64;
    /** A difference along the background's colours (of 255) between neighbours two pixels apart that counts as texture. */
    private static final double EDGE = 6;
    /** Share of background pixels with texture along x needed to read a pan. */
    private static final double TEXTURED = 0.01;

    static CameraMotion read(SceneAnalysis scene) {
        Clip clip = scene.clip;
        double factor = Math.min(1, (double) SCALE / SceneAnalysis.unit(clip));
        int w = Math.max(8, (int) Math.round(clip.width() * factor)), h = Math.max(8, (int) Math.round(clip.height() * factor));
        List<CameraState> states = new ArrayList<>(List.of(CameraState.START));
        boolean observable = true;
        try (PointerScope ignored = new PointerScope()) {
            double[] primary = Palette.rgb(scene.backdrop.primary()), secondary = Palette.rgb(scene.backdrop.secondary());
            float[] previous = small(clip, 0, w, h, primary, secondary);
            for (int i = 0; i + 1 < clip.frameCount(); i++) {
                float[] next;
                try (PointerScope frame = new PointerScope()) {
                    next = small(clip, i + 1, w, h, primary, secondary);
                }
                boolean[] usable = shrink(scene.background.get(i), scene.background.get(i + 1), clip.width(), w, h);
                double[] step = align(previous, next, usable, w, h);
                observable &= step != null;
                CameraState last = states.getLast();
                if (step == null) {
                    states.add(last);
                } else {
                    double zoom = last.zoom() * (1 + step[2]);
                    states.add(new CameraState(last.x() - step[0] / factor / zoom, last.y() - step[1] / factor / zoom, zoom));
                }
                previous = next;
            }
        }
        return new CameraMotion(states, observable);
    }

    /**
     * Gauss–Newton for the content's motion from frame a to frame b, p ↦ p + (tx, ty) + s·(p − centre), over the
     * usable pixels. Returns {tx, ty, s} in pixels of this scale, or null when there is too little texture along x.
     * Without texture along y (vertical stripes) ty stays 0.
     */
    private static double[] align(float[] a, float[] b, boolean[] usable, int w, int h) {
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        int texturedX = 0, texturedY = 0, count = 0;
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                int p = y * w + x;
                if (!usable[p]) continue;
                count++;
                if (Math.abs(a[p + 1] - a[p - 1]) > EDGE) texturedX++;
                if (Math.abs(a[p + w] - a[p - w]) > EDGE) texturedY++;
            }
        }
        if (count == 0 || texturedX < TEXTURED * count) return null;
        boolean vertical = texturedY >= TEXTURED * count;
        double[] params = new double[3];
        for (int iteration = 0; iteration < 30; iteration++) {
            float[] warped = warp(b, w, h, params, cx, cy);
            double[][] hessian = new double[3][3];
            double[] gradient = new double[3];
            for (int y = 1; y < h - 1; y++) {
                for (int x = 1; x < w - 1; x++) {
                    int p = y * w + x;
                    if (!usable[p]) continue;
                    double gx = (warped[p + 1] - warped[p - 1]) / 2, gy = vertical ? (warped[p + w] - warped[p - w]) / 2 : 0;
                    double[] j = {gx, gy, gx * (x - cx) + gy * (y - cy)};
                    double r = warped[p] - a[p];
                    for (int m = 0; m < 3; m++) {
                        gradient[m] += j[m] * r;
                        for (int n = 0; n < 3; n++) hessian[m][n] += j[m] * j[n];
                    }
                }
            }
            for (int m = 0; m < 3; m++) hessian[m][m] += 1e-6 * (hessian[0][0] + 1);
            if (!vertical) hessian[1][1] += 1;
            double[] delta = solve(hessian, gradient);
            for (int m = 0; m < 3; m++) params[m] -= delta[m];
            if (Math.abs(delta[0]) + Math.abs(delta[1]) < 1e-3 && Math.abs(delta[2]) < 1e-5) break;
        }
        return params;
    }

    /** Frame b sampled at p + (tx, ty) + s·(p − centre): b brought back onto a. */
    private static float[] warp(float[] b, int w, int h, double[] params, double cx, double cy) {
        float[] map = new float[w * h * 2];
        for (int y = 0, p = 0; y < h; y++) {
            for (int x = 0; x < w; x++, p++) {
                map[2 * p] = (float) (x + params[0] + params[2] * (x - cx));
                map[2 * p + 1] = (float) (y + params[1] + params[2] * (y - cy));
            }
        }
        try (PointerScope ignored = new PointerScope()) {
            Mat source = new Mat(h, w, CV_32F), coordinates = new Mat(h, w, CV_32FC2), out = new Mat();
            new FloatPointer(source.data()).put(b);
            new FloatPointer(coordinates.data()).put(map);
            remap(source, out, coordinates, new Mat(), INTER_LINEAR, BORDER_REPLICATE, new Scalar());
            float[] warped = new float[w * h];
            new FloatPointer(out.data()).get(warped);
            return warped;
        }
    }

    /**
     * Frame i at the working scale as the position of each pixel along the background's two colours (0..255): the
     * pattern at full contrast even where the two colours are equally bright. Lightly blurred, so that sub-pixel
     * shifts change it smoothly.
     */
    private static float[] small(Clip clip, int i, int w, int h, double[] primary, double[] secondary) {
        Mat resized = new Mat();
        resize(Frames.rgb(clip, i), resized, new Size(w, h), 0, 0, INTER_AREA);
        byte[] rgb = Frames.bytes(resized);
        float[] along = new float[w * h];
        for (int p = 0; p < along.length; p++) {
            double[] pixel = {rgb[3 * p] & 0xff, rgb[3 * p + 1] & 0xff, rgb[3 * p + 2] & 0xff};
            along[p] = (float) (255 * Palette.along(pixel, primary, secondary));
        }
        Mat floats = new Mat(h, w, CV_32F), blurred = new Mat();
        new FloatPointer(floats.data()).put(along);
        GaussianBlur(floats, blurred, new Size(5, 5), 1.0);
        new FloatPointer(blurred.data()).get(along);
        return along;
    }

    /** Pixels of the working scale whose source pixels are background in both frames (nearest source pixel, one-pixel margin). */
    private static boolean[] shrink(boolean[] before, boolean[] after, int sourceWidth, int w, int h) {
        int sourceHeight = before.length / sourceWidth;
        boolean[] out = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean ok = true;
                for (int dy = -1; dy <= 1 && ok; dy++) {
                    for (int dx = -1; dx <= 1 && ok; dx++) {
                        int sx = Math.clamp((long) Math.floor((x + dx + 0.5) * sourceWidth / w), 0, sourceWidth - 1);
                        int sy = Math.clamp((long) Math.floor((y + dy + 0.5) * sourceHeight / h), 0, sourceHeight - 1);
                        ok = before[sy * sourceWidth + sx] && after[sy * sourceWidth + sx];
                    }
                }
                out[y * w + x] = ok;
            }
        }
        return out;
    }

    /** Gaussian elimination with partial pivoting for a small system. */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
            double[] rowSwap = a[col];
            a[col] = a[pivot];
            a[pivot] = rowSwap;
            double bSwap = b[col];
            b[col] = b[pivot];
            b[pivot] = bSwap;
            for (int r = col + 1; r < n; r++) {
                double f = a[r][col] / a[col][col];
                for (int c = col; c < n; c++) a[r][c] -= f * a[col][c];
                b[r] -= f * b[col];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int c = r + 1; c < n; c++) s -= a[r][c] * x[c];
            x[r] = s / a[r][r];
        }
        return x;
    }

    /**
     * The camera move: a zoom once the view has scaled by more than 10 % per second, else a pan (along the axis it
     * shifted most) once it has shifted by more than 5 % of the frame's shorter side per second, else static.
     */
    Camera move(Clip clip) {
        double seconds = Math.max((clip.frameCount() - 1) / clip.fps(), 1e-9);
        CameraState end = states.getLast();
        double zoomRate = Math.log(end.zoom()) / seconds, panRate = end.x() / seconds / SceneAnalysis.unit(clip);
        double tiltRate = end.y() / seconds / SceneAnalysis.unit(clip);
        if (Math.abs(zoomRate) > Math.log(1.1)) return zoomRate > 0 ? Camera.ZOOM_IN : Camera.ZOOM_OUT;
        if (Math.max(Math.abs(panRate), Math.abs(tiltRate)) > 0.05) {
            if (Math.abs(panRate) >= Math.abs(tiltRate)) return panRate > 0 ? Camera.PAN_RIGHT : Camera.PAN_LEFT;
            return tiltRate > 0 ? Camera.PAN_DOWN : Camera.PAN_UP;
        }
        return Camera.STATIC;
    }
}
