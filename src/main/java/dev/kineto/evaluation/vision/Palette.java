package dev.kineto.evaluation.vision;

import dev.kineto.world.Colour;
import java.util.List;

/**
 * The world's colours as a pixel classifier. The background is a segment between two palette colours (one for a
 * solid background; gradients, noise and anti-aliased pattern edges are blends along it); an object colour is its
 * shading line, from the highlight (mixed with white) through the colour to the shadow (mixed with black), so soft
 * shading keeps its colour. A pixel belongs to whichever model is nearest: an anti-aliased edge is split about half
 * coverage.
 */
final class Palette {
    private Palette() {}

    static final List<Colour> COLOURS = List.of(Colour.values());
    /** How far soft shading mixes a colour towards white and towards black (the world's renderer uses 0.55 and 0.5). */
    static final double HIGHLIGHT = 0.6, SHADOW = 0.55;
    /** Quantisation of the lookup table: 5 bits per channel. */
    private static final int BITS = 5, LEVELS = 1 << BITS;

    static double[] rgb(Colour c) {
        return rgb(c.rgb());
    }

    static double[] rgb(int packed) {
        return new double[] {(packed >> 16) & 255, (packed >> 8) & 255, packed & 255};
    }

    static double[] mix(double[] a, double[] b, double t) {
        return new double[] {a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t};
    }

    /** Euclidean distance in RGB from p to the segment a–b. */
    static double toSegment(double[] p, double[] a, double[] b) {
        return distance(p, mix(a, b, along(p, a, b)));
    }

    /** Where p projects onto the segment a–b, clamped to [0, 1]. */
    static double along(double[] p, double[] a, double[] b) {
        double dot = 0, length = 0;
        for (int c = 0; c < 3; c++) {
            dot += (p[c] - a[c]) * (b[c] - a[c]);
            length += (b[c] - a[c]) * (b[c] - a[c]);
        }
        return length == 0 ? 0 : Math.clamp(dot / length, 0, 1);
    }

    /** Distance from p to the colour's shading line. */
    static double toShading(double[] p, Colour colour) {
        double[] c = rgb(colour);
        return Math.min(toSegment(p, mix(c, WHITE, HIGHLIGHT), c), toSegment(p, c, mix(c, BLACK, SHADOW)));
    }

    static double distance(double[] a, double[] b) {
        return Math.sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
    }

    private static final double[] WHITE = {255, 255, 255}, BLACK = {0, 0, 0};

    /** White, gray and black: their shading lines overlap, so pixels only say "neutral" and the blob decides which. */
    static boolean neutral(Colour c) {
        int r = (c.rgb() >> 16) & 255, g = (c.rgb() >> 8) & 255, b = c.rgb() & 255;
        return r == g && g == b;
    }

    /** The label a colour's pixels get: its ordinal, or the neutral family's (gray's) for white, gray and black. */
    static int family(Colour c) {
        return neutral(c) ? Colour.GRAY.ordinal() : c.ordinal();
    }

    /** The palette colour nearest to an RGB value, among those of a family (all neutral colours share one). */
    static Colour nearestInFamily(double[] p, int family) {
        Colour best = null;
        for (Colour c : COLOURS) {
            if (family(c) == family && (best == null || distance(p, rgb(c)) < distance(p, rgb(best)))) best = c;
        }
        return best;
    }

    /**
     * How an object colour c explains a pixel as an anti-aliased blend α·c + (1 − α)·B with B on the background
     * segment a–b: returns {distance to that triangle, α}. The closest point on a triangle follows Ericson's
     * Real-Time Collision Detection (5.1.5); a degenerate triangle falls back to its edges.
     */
    static double[] blend(double[] p, double[] c, double[] a, double[] b) {
        double[] ab = minus(a, c), ac = minus(b, c), ap = minus(p, c);
        double d1 = dot(ab, ap), d2 = dot(ac, ap);
        if (d1 <= 0 && d2 <= 0) return new double[] {distance(p, c), 1};
        double[] bp = minus(p, a);
        double d3 = dot(ab, bp), d4 = dot(ac, bp);
        if (d3 >= 0 && d4 <= d3) return new double[] {distance(p, a), 0};
        double[] cp = minus(p, b);
        double d5 = dot(ab, cp), d6 = dot(ac, cp);
        if (d6 >= 0 && d5 <= d6) return new double[] {distance(p, b), 0};
        double vc = d1 * d4 - d3 * d2, vb = d5 * d2 - d1 * d6, va = d3 * d6 - d5 * d4;
        if (vc <= 0 && d1 >= 0 && d3 <= 0) return alongEdge(p, c, a);
        if (vb <= 0 && d2 >= 0 && d6 <= 0) return alongEdge(p, c, b);
        if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) return new double[] {toSegment(p, a, b), 0};
        double sum = va + vb + vc;
        if (sum <= 1e-9) {
            double[] toA = alongEdge(p, c, a), toB = alongEdge(p, c, b);
            return toA[0] <= toB[0] ? toA : toB;
        }
        double v = vb / sum, w = vc / sum;
        double[] closest = {c[0] + ab[0] * v + ac[0] * w, c[1] + ab[1] * v + ac[1] * w, c[2] + ab[2] * v + ac[2] * w};
        return new double[] {distance(p, closest), 1 - v - w};
    }

    /** {distance, weight of c} for the closest point on the segment c–a. */
    private static double[] alongEdge(double[] p, double[] c, double[] a) {
        double t = along(p, c, a);
        return new double[] {distance(p, mix(c, a, t)), 1 - t};
    }

    private static double[] minus(double[] x, double[] y) {
        return new double[] {x[0] - y[0], x[1] - y[1], x[2] - y[2]};
    }

    private static double dot(double[] x, double[] y) {
        return x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
    }

    /**
     * A pixel classifier for one background: label −1 for background, else the family of the object colour that
     * explains the pixel best, as its shading or as a blend with the background covering more than half the pixel.
     * The background wins near-ties, so a background colour that happens to lie near some object's shading line stays
     * background. Precomputed over a 5-bit-per-channel lookup table.
     */
    static final class Classifier {
        /** RGB distance by which an object must explain a pixel better than the background does (covers the table's quantisation). */
        static final double MARGIN = 10;
        private final byte[] table = new byte[LEVELS * LEVELS * LEVELS];

        Classifier(Colour primary, Colour secondary) {
            double[] a = rgb(primary), b = rgb(secondary);
            for (int r = 0; r < LEVELS; r++) {
                for (int g = 0; g < LEVELS; g++) {
                    for (int bl = 0; bl < LEVELS; bl++) {
                        table[(r << (2 * BITS)) | (g << BITS) | bl] = (byte) label(new double[] {level(r), level(g), level(bl)}, primary, secondary, a, b);
                    }
                }
            }
        }

        private static int label(double[] p, Colour primary, Colour secondary, double[] a, double[] b) {
            double background = toSegment(p, a, b), best = Double.MAX_VALUE;
            int label = -1;
            for (Colour c : COLOURS) {
                if (c == primary || c == secondary) continue;
                double[] blend = blend(p, rgb(c), a, b);
                double shading = toShading(p, c);
                double explained = Math.min(blend[0], shading);
                if (explained < best) {
                    best = explained;
                    label = shading <= blend[0] || blend[1] > 0.5 ? family(c) : -1;
                }
            }
            return background <= best + MARGIN ? -1 : label;
        }

        /** The label of every pixel of a packed RGB frame. */
        byte[] labels(byte[] frame) {
            byte[] out = new byte[frame.length / 3];
            int shift = 8 - BITS;
            for (int p = 0; p < out.length; p++) {
                int r = (frame[3 * p] & 0xff) >> shift, g = (frame[3 * p + 1] & 0xff) >> shift, b = (frame[3 * p + 2] & 0xff) >> shift;
                out[p] = table[(r << (2 * BITS)) | (g << BITS) | b];
            }
            return out;
        }

        private static double level(int q) {
            return (q + 0.5) * (256.0 / LEVELS);
        }
    }
}
