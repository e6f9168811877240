package dev.kineto.evaluation.vision;

import dev.kineto.video.Clip;
import dev.kineto.world.BackgroundKind;
import dev.kineto.world.Colour;
import java.util.ArrayList;
import java.util.List;

/**
 * The background as seen: its two palette colours, fitted to the pixels along the frame border, and its pattern,
 * read from the first frame. For a gradient, primary is the top colour; for a solid background both are the same.
 */
public record Backdrop(BackgroundKind kind, Colour primary, Colour secondary) {

    /** Border band width in pixels. */
    private static final int BAND = 2;
    /** A pixel's distance to the fitted segment stops counting here, so objects at the border do not pull the fit. */
    private static final double OUTLIER = 40;
    /** Each end of a two-colour fit must be seen in this share of border pixels (within 35 % of the segment from it). */
    private static final double END_SHARE = 0.04;

    /** The palette pair (equal for a solid colour) whose segment best explains the border pixels of every frame. */
    static Colour[] colours(Clip clip) {
        List<double[]> border = borderPixels(clip);
        Colour[] best = null;
        double bestCost = Double.MAX_VALUE;
        List<Colour> palette = Palette.COLOURS;
        for (int i = 0; i < palette.size(); i++) {
            for (int j = i; j < palette.size(); j++) {
                double[] a = Palette.rgb(palette.get(i)), b = Palette.rgb(palette.get(j));
                if (i != j && !(seenNear(border, a, b) && seenNear(border, b, a))) continue;
                double cost = 0;
                for (double[] p : border) cost += Math.min(Palette.toSegment(p, a, b), OUTLIER);
                if (cost < bestCost) {
                    bestCost = cost;
                    best = new Colour[] {palette.get(i), palette.get(j)};
                }
            }
        }
        return best;
    }

    /** Whether enough border pixels lie near end a of the segment a–b. */
    private static boolean seenNear(List<double[]> border, double[] a, double[] b) {
        double radius = Math.max(20, 0.35 * Palette.distance(a, b));
        int near = 0;
        for (double[] p : border) if (Palette.distance(p, a) < radius) near++;
        return near >= END_SHARE * border.size();
    }

    private static List<double[]> borderPixels(Clip clip) {
        List<double[]> pixels = new ArrayList<>();
        int w = clip.width(), h = clip.height();
        int step = Math.max(1, clip.frameCount() / 8);
        for (int i = 0; i < clip.frameCount(); i += step) {
            byte[] f = clip.frames().get(i);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (x >= BAND && x < w - BAND && y >= BAND && y < h - BAND) continue;
                    int p = 3 * (y * w + x);
                    pixels.add(new double[] {f[p] & 0xff, f[p + 1] & 0xff, f[p + 2] & 0xff});
                }
            }
        }
        return pixels;
    }

    /**
     * The pattern of the background pixels of one frame (background[p] true), from where they sit along the
     * primary–secondary segment: solid for one colour; two-tone patterns are stripes when every column is one tone,
     * else a checkerboard; smooth blends are a gradient when every row is one blend, else noise.
     */
    static Backdrop read(byte[] frame, boolean[] background, int width, Colour[] colours) {
        if (colours[0] == colours[1]) return new Backdrop(BackgroundKind.SOLID, colours[0], colours[0]);
        double[] a = Palette.rgb(colours[0]), b = Palette.rgb(colours[1]);
        int height = background.length / width;
        double[] t = new double[background.length];
        int count = 0, twoTone = 0;
        for (int p = 0; p < t.length; p++) {
            if (!background[p]) continue;
            t[p] = Palette.along(new double[] {frame[3 * p] & 0xff, frame[3 * p + 1] & 0xff, frame[3 * p + 2] & 0xff}, a, b);
            count++;
            if (t[p] < 0.1 || t[p] > 0.9) twoTone++;
        }
        if (twoTone >= 0.6 * count) {
            boolean stripes = uniformity(t, background, width, height, true) > 0.95;
            return new Backdrop(stripes ? BackgroundKind.STRIPES : BackgroundKind.CHECKER, colours[0], colours[1]);
        }
        if (uniformity(t, background, width, height, false) > 0.95) {
            boolean flipped = meanRows(t, background, width, height / 2, height) < meanRows(t, background, width, 0, height / 2);
            return flipped ? new Backdrop(BackgroundKind.GRADIENT, colours[1], colours[0]) : new Backdrop(BackgroundKind.GRADIENT, colours[0], colours[1]);
        }
        return new Backdrop(BackgroundKind.NOISE, colours[0], colours[1]);
    }

    /** Share of background pixels within 0.1 of their column's (or row's) mean position along the segment. */
    private static double uniformity(double[] t, boolean[] background, int width, int height, boolean columns) {
        int lines = columns ? width : height, length = columns ? height : width;
        int close = 0, count = 0;
        for (int line = 0; line < lines; line++) {
            double sum = 0;
            int n = 0;
            for (int k = 0; k < length; k++) {
                int p = columns ? k * width + line : line * width + k;
                if (background[p]) {
                    sum += t[p];
                    n++;
                }
            }
            for (int k = 0; k < length; k++) {
                int p = columns ? k * width + line : line * width + k;
                if (background[p]) {
                    count++;
                    if (Math.abs(t[p] - sum / n) < 0.1) close++;
                }
            }
        }
        return count == 0 ? 0 : (double) close / count;
    }

    private static double meanRows(double[] t, boolean[] background, int width, int from, int to) {
        double sum = 0;
        int n = 0;
        for (int p = from * width; p < to * width; p++) {
            if (background[p]) {
                sum += t[p];
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }
}
