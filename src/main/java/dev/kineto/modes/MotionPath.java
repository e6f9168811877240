package dev.kineto.modes;

import java.util.ArrayList;
import java.util.List;

/** Where the subject goes: (x, y) points in output pixels, spread evenly over the clip. */
public record MotionPath(List<double[]> points) {
    /** The most points a path may have: one per frame of a long clip, and the cost of reading one stays bounded. */
    public static final int MAX_POINTS = 1000;

    public MotionPath {
        points = points.stream().map(double[]::clone).toList();
        if (points.size() < 2) throw new IllegalArgumentException("a motion path needs at least two points (x,y;x,y), got " + points.size());
        if (points.size() > MAX_POINTS) throw new IllegalArgumentException("a motion path has at most " + MAX_POINTS + " points, got " + points.size());
        for (double[] p : points) {
            if (p.length != 2 || !Double.isFinite(p[0]) || !Double.isFinite(p[1])) throw new IllegalArgumentException("a motion path's points are two finite numbers, x and y");
        }
    }

    /** "x1,y1;x2,y2;..." (or spaces between the points) → a path. */
    public static MotionPath parse(String text) {
        List<double[]> points = new ArrayList<>();
        for (String point : text.strip().replaceAll("\\s*,\\s*", ",").split("[\\s;]+")) {
            if (point.isEmpty()) continue;
            String[] xy = point.split(",");
            try {
                if (xy.length != 2) throw new NumberFormatException();
                points.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a motion path looks like \"8,32;32,16;56,32\" (x,y points in pixels, ';' between them), got '" + point + "'");
            }
        }
        return new MotionPath(points);
    }

    /** Throws unless every point lies inside a width×height frame (0 ≤ x ≤ width, 0 ≤ y ≤ height). */
    public MotionPath requireInside(int width, int height) {
        for (double[] p : points) {
            if (p[0] < 0 || p[0] > width || p[1] < 0 || p[1] > height) {
                throw new IllegalArgumentException("motion path point (" + format(p[0]) + ", " + format(p[1]) + ") is outside the " + width + "x" + height
                        + " frame: x must be 0.." + width + " and y 0.." + height);
            }
        }
        return this;
    }

    /** The path as "x,y;x,y" (what parse reads). */
    @Override
    public String toString() {
        return String.join(";", points.stream().map(p -> format(p[0]) + "," + format(p[1])).toList());
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
