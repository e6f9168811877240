package dev.kineto.evaluation;

/**
 * One connected region of one palette colour in one frame: where it is, how big, and the contour measures that
 * tell shapes apart.
 *
 * @param colour      index into the palette
 * @param pixels      indices (y·width + x) of the region's pixels, holes filled
 * @param circularity 4π·area / perimeter² of the outer contour (1 for a disc)
 * @param vertices    corners of the outer contour simplified by Douglas–Peucker
 * @param fill        area / area of the minimum enclosing rotated rectangle
 * @param elongation  long side / short side of that rectangle
 */
record Blob(int colour, double x, double y, int[] pixels, double circularity, int vertices, double fill, double elongation) {

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

    /** The region as a mask over a frame of the given pixel count. */
    boolean[] mask(int framePixels) {
        boolean[] mask = new boolean[framePixels];
        for (int p : pixels) mask[p] = true;
        return mask;
    }
}
