package dev.kineto.evaluation;

import dev.kineto.world.Colour;

/**
 * One object as seen in one frame: a connected region of one colour family, holes filled (an outlined shape
 * becomes its whole area).
 *
 * @param pixels  indices (y·width + x) of the filled region
 * @param inked   how many of them carry the object's colour (fewer than all for an outline)
 * @param outline whether the object is drawn as an outline: its colour covers little of its area
 */
record Blob(Colour colour, double x, double y, int[] pixels, int inked, boolean outline) {

    double area() {
        return pixels.length;
    }

    /** Radius of the disc with the same area: a size that does not depend on the shape. */
    double radius() {
        return Math.sqrt(area() / Math.PI);
    }

    double distanceTo(double px, double py) {
        return Math.hypot(x - px, y - py);
    }

    /** Axis-aligned bounds {left, top, right, bottom} (inclusive pixel coordinates). */
    int[] bounds(int width) {
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
