package dev.kineto.evaluation.vision;

import dev.kineto.world.Colour;

/**
 * One object as seen in one frame: a connected region of one colour family, holes filled (an outlined shape
 * becomes its whole area), with its soft coverage.
 *
 * @param x        centroid of the coverage, in the world's continuous pixel coordinates
 * @param area     total coverage, in pixels
 * @param pixels   indices (y·width + x) of the filled region
 * @param inked    how many of them carry the object's colour (fewer than all for an outline)
 * @param outline  whether the object is drawn as an outline: its colour covers little of its area
 * @param shading  how much darker the object's inside gets from its upper left to its lower right (grey levels): 0 when flat
 * @param coverage how much of each pixel around the region the object covers
 */
public record Blob(Colour colour, double x, double y, double area, int[] pixels, int inked, boolean outline, double shading, Coverage coverage) {

    /** Coverage 0..1 over a window of the frame whose top-left corner is (left, top). */
    record Coverage(int left, int top, int width, float[] alpha) {}

    /** A blob placed at the centroid of its coverage; pixel (x, y) covers [x, x + 1) × [y, y + 1), as the world draws. */
    static Blob of(Colour colour, int[] pixels, int inked, boolean outline, double shading, Coverage coverage) {
        double area = 0, sx = 0, sy = 0;
        for (int k = 0; k < coverage.alpha().length; k++) {
            double a = coverage.alpha()[k];
            area += a;
            sx += a * (coverage.left() + k % coverage.width());
            sy += a * (coverage.top() + k / coverage.width());
        }
        return new Blob(colour, sx / area + 0.5, sy / area + 0.5, area, pixels, inked, outline, shading, coverage);
    }

    /** Radius of the disc with the same area: a size that does not depend on the shape. */
    double radius() {
        return Math.sqrt(area / Math.PI);
    }

    double distanceTo(double px, double py) {
        return Math.hypot(x - px, y - py);
    }

    /** Axis-aligned bounds {left, top, right, bottom} (inclusive pixel coordinates) of the region. */
    public int[] bounds(int width) {
        int left = Integer.MAX_VALUE, top = Integer.MAX_VALUE, right = -1, bottom = -1;
        for (int p : pixels) {
            left = Math.min(left, p % width);
            right = Math.max(right, p % width);
            top = Math.min(top, p / width);
            bottom = Math.max(bottom, p / width);
        }
        return new int[] {left, top, right, bottom};
    }

    /** The region as a mask over a frame of the given pixel count. */
    boolean[] mask(int framePixels) {
        boolean[] mask = new boolean[framePixels];
        for (int p : pixels) mask[p] = true;
        return mask;
    }
}
