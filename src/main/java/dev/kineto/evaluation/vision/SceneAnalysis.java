package dev.kineto.evaluation.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.CHAIN_APPROX_NONE;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_CLOSE;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_RECT;
import static org.bytedeco.opencv.global.opencv_imgproc.RETR_EXTERNAL;
import static org.bytedeco.opencv.global.opencv_imgproc.contourArea;
import static org.bytedeco.opencv.global.opencv_imgproc.drawContours;
import static org.bytedeco.opencv.global.opencv_imgproc.findContours;
import static org.bytedeco.opencv.global.opencv_imgproc.getStructuringElement;
import static org.bytedeco.opencv.global.opencv_imgproc.morphologyEx;

import dev.kineto.video.Clip;
import dev.kineto.world.Colour;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * What classical vision sees in a clip: the background's colours and pattern, and the palette-coloured objects,
 * segmented per frame by the {@link Palette} classifier and linked into tracks. Works on any clip; on one that is
 * not from the world it finds whatever regions are closest to palette colours.
 */
public final class SceneAnalysis {

    /** Tracks seen in less than this share of frames are noise, not objects. */
    static final double MIN_PRESENCE = 0.5;
    /** {@link Track#areaJitter} above which a track is clutter (world objects: 99 % under 0.14; noise: over 0.28). */
    static final double MAX_AREA_JITTER = 0.25;
    /** At most this many objects are read (the most present, then the largest): clutter is not a scene. */
    static final int MAX_OBJECTS = 8;

    public final Clip clip;
    public final Backdrop backdrop;
    /** Objects: the tracks of one colour seen in at least half the frames. */
    public final List<Track> tracks;
    /** Subjects for consistency: tracks linked by position alone, so an object that changes colour stays one subject. */
    final List<Track> subjects;
    /** Per frame, true where no object is (objects grown by a pixel, so their anti-aliased edges are left out). */
    final List<boolean[]> background;

    private SceneAnalysis(Clip clip, Backdrop backdrop, List<Track> tracks, List<Track> subjects, List<boolean[]> background) {
        this.clip = clip;
        this.backdrop = backdrop;
        this.tracks = tracks;
        this.subjects = subjects;
        this.background = background;
    }

    public static SceneAnalysis of(Clip clip) {
        try (PointerScope scope = new PointerScope()) {
            int w = clip.width(), h = clip.height();
            Colour[] colours = Backdrop.colours(clip);
            Palette.Classifier classifier = new Palette.Classifier(colours[0], colours[1]);
            int minArea = Math.max(3, (int) (0.001 * unit(clip) * unit(clip)));
            double[][] backgroundRgb = {Palette.rgb(colours[0]), Palette.rgb(colours[1])};
            List<List<Blob>> blobs = new ArrayList<>();
            for (byte[] frame : clip.frames()) {
                try (PointerScope perFrame = new PointerScope()) {
                    blobs.add(blobs(frame, classifier.labels(frame), w, h, minArea, backgroundRgb));
                }
            }
            List<Track> tracks = objects(Track.link(blobs, 0.75 * unit(clip), true));
            List<Track> subjects = objects(Track.link(blobs, 0.75 * unit(clip), false));
            List<boolean[]> background = new ArrayList<>();
            for (int i = 0; i < clip.frameCount(); i++) background.add(backgroundMask(tracks, i, w, h));
            Backdrop backdrop = Backdrop.read(clip.frames().getFirst(), background.getFirst(), w, colours);
            return new SceneAnalysis(clip, backdrop, tracks, subjects, background);
        }
    }

    /**
     * The tracks that are objects: seen in at least half the frames, with a smoothly changing area (clutter jumps
     * in size from frame to frame), at most MAX_OBJECTS of them (most present, then largest).
     */
    private static List<Track> objects(List<Track> tracks) {
        return tracks.stream().filter(t -> t.presence() >= MIN_PRESENCE && t.areaJitter() <= MAX_AREA_JITTER)
                .sorted(java.util.Comparator.comparingDouble(Track::presence).thenComparingDouble(Track::medianRadius).reversed())
                .limit(MAX_OBJECTS).toList();
    }

    /** The frame's shorter side: the world's unit of length. */
    static double unit(Clip clip) {
        return Math.min(clip.width(), clip.height());
    }

    /** How many objects (of the tracks) are seen in frame i. */
    public int count(int i) {
        int n = 0;
        for (Track t : tracks) if (t.blobs().get(i) != null) n++;
        return n;
    }

    /** Per frame, features of each subject's look (colour histogram and radial profile), one list per subject. */
    List<List<float[]>> subjectFeatures() {
        List<List<float[]>> perTrack = new ArrayList<>();
        int pixels = clip.width() * clip.height();
        for (Track t : subjects) {
            List<float[]> features = new ArrayList<>();
            for (int i = 0; i < clip.frameCount(); i++) {
                Blob b = t.blobs().get(i);
                features.add(b == null ? null : Features.concat(
                        Features.colourHistogram(clip.frames().get(i), b.mask(pixels)), Features.radialProfile(b.mask(pixels), clip.width())));
            }
            perTrack.add(features);
        }
        return perTrack;
    }

    /** Per frame, features of the subject seen in most frames; whole-frame colour histograms when there is none. */
    public List<float[]> mainSubjectFeatures() {
        if (subjects.isEmpty()) return histograms(null);
        int main = 0;
        for (int k = 1; k < subjects.size(); k++) if (subjects.get(k).seenFrames() > subjects.get(main).seenFrames()) main = k;
        return subjectFeatures().get(main);
    }

    /**
     * VBench's subject consistency with hand-made features, averaged over the subjects; a clip without objects is
     * its own subject (whole-frame colour histograms).
     */
    public double subjectConsistency() {
        if (subjects.isEmpty()) return Features.consistency(histograms(null));
        return subjectFeatures().stream().mapToDouble(Features::consistency).average().orElseThrow();
    }

    /** VBench's background consistency with colour histograms of the pixels outside the objects. */
    public double backgroundConsistency() {
        return Features.consistency(histograms(background));
    }

    private List<float[]> histograms(List<boolean[]> masks) {
        List<float[]> features = new ArrayList<>();
        for (int i = 0; i < clip.frameCount(); i++) {
            boolean[] mask = masks == null ? all(clip.width() * clip.height()) : masks.get(i);
            features.add(Features.colourHistogram(clip.frames().get(i), mask));
        }
        return features;
    }

    private static boolean[] all(int n) {
        boolean[] mask = new boolean[n];
        Arrays.fill(mask, true);
        return mask;
    }

    private static boolean[] backgroundMask(List<Track> tracks, int frame, int w, int h) {
        boolean[] mask = all(w * h);
        for (Track t : tracks) {
            Blob b = t.blobs().get(frame);
            if (b == null) continue;
            for (int p : b.pixels()) {
                int x = p % w, y = p / w;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx, ny = y + dy;
                        if (nx >= 0 && nx < w && ny >= 0 && ny < h) mask[ny * w + nx] = false;
                    }
                }
            }
        }
        return mask;
    }

    /** No object covers more of the frame than this (the world's largest, grown, covers under 16 %): larger regions are background or clutter. */
    static final double MAX_AREA = 0.25;
    /** An object whose coloured pixels cover less of its filled area than this is drawn in outline. */
    static final double OUTLINE_FILL = 0.6;

    /**
     * The blobs of one frame: for each colour family with enough pixels, its mask closed by a 5×5 square (so a
     * thin, broken outline stays one piece) and split into outer contours. A solid object keeps its own pixels
     * (holes filled, concave corners kept); an outline becomes the whole closed area it encloses.
     */
    static List<Blob> blobs(byte[] frame, byte[] labels, int w, int h, int minArea, double[][] background) {
        int[] counts = new int[Palette.COLOURS.size()];
        for (byte l : labels) if (l >= 0) counts[l]++;
        List<Blob> blobs = new ArrayList<>();
        Mat kernel = getStructuringElement(MORPH_RECT, new Size(5, 5));
        for (int family = 0; family < counts.length; family++) {
            if (counts[family] < minArea) continue;
            byte[] maskBytes = new byte[w * h];
            for (int p = 0; p < labels.length; p++) if (labels[p] == family) maskBytes[p] = (byte) 255;
            Mat mask = new Mat(h, w, CV_8UC1), closed = new Mat();
            mask.data().put(maskBytes);
            morphologyEx(mask, closed, MORPH_CLOSE, kernel);
            MatVector contours = new MatVector();
            findContours(closed, contours, RETR_EXTERNAL, CHAIN_APPROX_NONE);
            for (int c = 0; c < contours.size(); c++) {
                if (contourArea(contours.get(c)) + contours.get(c).total() < minArea) continue;
                byte[] enclosed = filled(contours, c, w, h);
                byte[] own = new byte[w * h];
                int area = 0, inked = 0;
                for (int p = 0; p < own.length; p++) {
                    if (enclosed[p] == 0) continue;
                    area++;
                    if (maskBytes[p] != 0) {
                        own[p] = (byte) 255;
                        inked++;
                    }
                }
                if (inked < minArea || area > MAX_AREA * w * h) continue;
                boolean outline = inked < OUTLINE_FILL * area;
                byte[] region = outline ? enclosed : holesFilled(own, w, h);
                blobs.add(blob(frame, labels, region, family, outline, w, background));
            }
        }
        return withoutFringes(blobs, w, h);
    }

    /** The pixels inside contour c (boundary included), 255 where inside. */
    private static byte[] filled(MatVector contours, int c, int w, int h) {
        Mat canvas = new Mat(h, w, CV_8UC1, new Scalar(0.0));
        drawContours(canvas, contours, c, new Scalar(255.0), FILLED, 8, new Mat(), Integer.MAX_VALUE, new Point(0, 0));
        return Frames.bytes(canvas);
    }

    /** The mask with every hole filled: the union of its outer contours' insides. */
    private static byte[] holesFilled(byte[] mask, int w, int h) {
        Mat mat = new Mat(h, w, CV_8UC1);
        mat.data().put(mask);
        MatVector contours = new MatVector();
        findContours(mat, contours, RETR_EXTERNAL, CHAIN_APPROX_NONE);
        Mat canvas = new Mat(h, w, CV_8UC1, new Scalar(0.0));
        drawContours(canvas, contours, -1, new Scalar(255.0), FILLED, 8, new Mat(), Integer.MAX_VALUE, new Point(0, 0));
        return Frames.bytes(canvas);
    }

    /**
     * A blob over a region. Its colour is its family's member nearest to the median of its coloured pixels; for an
     * outline, of the purest tenth of them (furthest from the background colour), since a thin line's pixels are
     * mostly blends: a black outline on white would otherwise read as gray. Its coverage is soft along a solid
     * object's edge (how much of each pixel the object covers, from the blend with the background), which places
     * small objects to a fraction of a pixel.
     */
    private static Blob blob(byte[] frame, byte[] labels, byte[] region, int family, boolean outline, int w, double[][] background) {
        List<Integer> pixels = new ArrayList<>();
        List<double[]> ink = new ArrayList<>();
        for (int p = 0; p < region.length; p++) {
            if (region[p] == 0) continue;
            pixels.add(p);
            if (labels[p] == family) ink.add(rgb(frame, p));
        }
        int inked = ink.size();
        if (outline) {
            double[] outside = meanOutside(frame, region);
            ink.sort(java.util.Comparator.comparingDouble(rgb -> -Palette.distance(rgb, outside)));
            ink = ink.subList(0, Math.max(1, ink.size() / 10));
        }
        double[] median = new double[3];
        for (int c = 0; c < 3; c++) {
            int channel = c;
            List<double[]> samples = ink;
            median[c] = samples.stream().mapToDouble(rgb -> rgb[channel]).sorted().skip(samples.size() / 2).findFirst().orElse(0);
        }
        Colour colour = Palette.nearestInFamily(median, family);
        int[] indices = pixels.stream().mapToInt(Integer::intValue).toArray();
        Blob.Coverage coverage = coverage(frame, labels, region, indices, w, outline ? null : Palette.rgb(colour), background);
        return Blob.of(colour, indices, inked, outline, shading(frame, labels, region, family, w), coverage);
    }

    /**
     * How much the brightness of the object's interior (its edge left out) falls from its upper left to its lower
     * right, in grey levels across its width: the world's soft shading lights objects from the upper left. Noise and
     * blur do not lean one way, so they do not count.
     */
    private static double shading(byte[] frame, byte[] labels, byte[] region, int family, int w) {
        int h = region.length / w;
        double n = 0, sumT = 0, sumL = 0, sumTT = 0, sumTL = 0, minT = Double.MAX_VALUE, maxT = -Double.MAX_VALUE;
        for (int p = 0; p < region.length; p++) {
            if (labels[p] != family || !interior(region, p % w, p / w, w, h)) continue;
            double t = (p % w + p / w) / Math.sqrt(2);
            double luma = 0.299 * (frame[3 * p] & 0xff) + 0.587 * (frame[3 * p + 1] & 0xff) + 0.114 * (frame[3 * p + 2] & 0xff);
            n++;
            sumT += t;
            sumL += luma;
            sumTT += t * t;
            sumTL += t * luma;
            minT = Math.min(minT, t);
            maxT = Math.max(maxT, t);
        }
        double variance = sumTT / Math.max(n, 1) - Math.pow(sumT / Math.max(n, 1), 2);
        if (n < 3 || variance <= 0) return 0;
        double slope = (sumTL / n - sumT / n * sumL / n) / variance;
        return -slope * (maxT - minT);
    }

    /** Pixels around a region whose coverage is read, and the blend weight under which a pixel outside it is noise. */
    private static final int MARGIN = 3;
    private static final double FAINT = 0.2;

    /**
     * Coverage over the region's bounds grown by MARGIN pixels: 1 inside, and on a solid object's edge the blend
     * weight of its colour against the background (0 for pixels the background explains alone, for faint blends,
     * or for another object's pixels), so a blurred object keeps its area; an outline's enclosed area is binary.
     */
    private static Blob.Coverage coverage(byte[] frame, byte[] labels, byte[] region, int[] pixels, int w, double[] colour, double[][] background) {
        int h = region.length / w;
        int left = w, top = h, right = 0, bottom = 0;
        for (int p : pixels) {
            left = Math.min(left, p % w);
            right = Math.max(right, p % w);
            top = Math.min(top, p / w);
            bottom = Math.max(bottom, p / w);
        }
        left = Math.max(0, left - MARGIN);
        top = Math.max(0, top - MARGIN);
        right = Math.min(w - 1, right + MARGIN);
        bottom = Math.min(h - 1, bottom + MARGIN);
        int cw = right - left + 1;
        float[] alpha = new float[cw * (bottom - top + 1)];
        for (int y = top; y <= bottom; y++) {
            for (int x = left; x <= right; x++) {
                int p = y * w + x;
                boolean inside = region[p] != 0;
                float a = inside ? 1 : 0;
                if (colour != null && (inside ? !interior(region, x, y, w, h) : labels[p] < 0)) {
                    double[] pixel = rgb(frame, p);
                    boolean plainBackground = Palette.toSegment(pixel, background[0], background[1]) < Palette.Classifier.MARGIN;
                    double blend = plainBackground ? 0 : Palette.blend(pixel, colour, background[0], background[1])[1];
                    a = (float) (inside ? Math.max(0.5, blend) : blend < FAINT ? 0 : Math.min(0.5, blend));
                }
                alpha[(y - top) * cw + (x - left)] = a;
            }
        }
        return new Blob.Coverage(left, top, cw, alpha);
    }

    private static boolean interior(byte[] region, int x, int y, int w, int h) {
        return x > 0 && y > 0 && x < w - 1 && y < h - 1
                && region[y * w + x - 1] != 0 && region[y * w + x + 1] != 0 && region[(y - 1) * w + x] != 0 && region[(y + 1) * w + x] != 0;
    }

    private static double[] rgb(byte[] frame, int p) {
        return new double[] {frame[3 * p] & 0xff, frame[3 * p + 1] & 0xff, frame[3 * p + 2] & 0xff};
    }

    /** Mean colour of the frame outside the region: the background an outline blends with. */
    private static double[] meanOutside(byte[] frame, byte[] region) {
        double[] sum = new double[3];
        int n = 0;
        for (int p = 0; p < region.length; p++) {
            if (region[p] != 0) continue;
            for (int c = 0; c < 3; c++) sum[c] += frame[3 * p + c] & 0xff;
            n++;
        }
        for (int c = 0; c < 3; c++) sum[c] /= Math.max(1, n);
        return sum;
    }

    /**
     * Drops the fringes that anti-aliasing leaves along an object's edge: where its colour blends with the
     * background into something near a third colour, thin blobs appear that hug the larger blob. A blob is a fringe
     * when most of its pixels touch a larger blob; objects that merely touch share only a short edge.
     */
    private static List<Blob> withoutFringes(List<Blob> blobs, int w, int h) {
        int[] owner = new int[w * h];
        Arrays.fill(owner, -1);
        for (int k = 0; k < blobs.size(); k++) for (int p : blobs.get(k).pixels()) owner[p] = k;
        List<Blob> kept = new ArrayList<>();
        for (int k = 0; k < blobs.size(); k++) {
            Blob blob = blobs.get(k);
            int touching = 0;
            for (int p : blob.pixels()) {
                if (touchesLarger(owner, blobs, k, p % w, p / w, w, h)) touching++;
            }
            if (touching <= 0.4 * blob.area()) kept.add(blob);
        }
        return kept;
    }

    private static boolean touchesLarger(int[] owner, List<Blob> blobs, int k, int x, int y, int w, int h) {
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                int nx = x + dx, ny = y + dy;
                if (nx < 0 || nx >= w || ny < 0 || ny >= h) continue;
                int other = owner[ny * w + nx];
                if (other >= 0 && other != k && blobs.get(other).area() > blobs.get(k).area()) return true;
            }
        }
        return false;
    }
}
