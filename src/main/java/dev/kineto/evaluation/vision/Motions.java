package dev.kineto.evaluation.vision;

import dev.kineto.video.Clip;
import dev.kineto.world.Motion;
import dev.kineto.world.ShapeKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the world's motion words off a trajectory in world coordinates. Thresholds are shares of the frame's
 * shorter side (the unit) and rates per second, so they hold at any size, frame count and frame rate. In order:
 * a size change is growing or shrinking; a path that sweeps round a centre is an orbit; an object that stays put is
 * rotating or still; vertical arcs that accelerate and turn at a floor are falling (from rest at the top, each
 * rebound lower) or bouncing; anything else that travels is the nearest of the eight directions of its early
 * displacement (a wall may fold it back later).
 */
public final class Motions {
    private Motions() {}

    /** Size ratio (last / first) beyond which an object grows or shrinks. */
    static final double SIZE_CHANGE = 1.2;
    /** An object that never strays further than this (units) stays put. */
    static final double STAY = 0.06;
    /** Total turn (radians) that makes a staying object rotate. */
    static final double TURN = 0.5;
    /** Vertical acceleration (units per second²) that tells an arc from a straight move. */
    static final double ACCELERATION = 0.5;

    static Motion classify(List<double[]> positions, List<Double> radii, List<Double> rotations, ShapeKind shape, Clip clip) {
        double unit = SceneAnalysis.unit(clip), fps = clip.fps();
        List<Integer> frames = new ArrayList<>();
        for (int i = 0; i < positions.size(); i++) if (positions.get(i) != null) frames.add(i);
        if (frames.size() < 2) return Motion.STILL;

        double growth = median(radii, frames.subList(frames.size() - Math.min(3, frames.size()), frames.size()))
                / median(radii, frames.subList(0, Math.min(3, frames.size())));
        if (growth > SIZE_CHANGE) return Motion.GROW;
        if (growth < 1 / SIZE_CHANGE) return Motion.SHRINK;

        double[] start = positions.get(frames.getFirst());
        double reach = 0, minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (int i : frames) {
            double[] p = positions.get(i);
            reach = Math.max(reach, Math.hypot(p[0] - start[0], p[1] - start[1]));
            minX = Math.min(minX, p[0]);
            maxX = Math.max(maxX, p[0]);
            minY = Math.min(minY, p[1]);
            maxY = Math.max(maxY, p[1]);
        }
        if (orbits(positions, frames, unit)) return Motion.ORBIT;
        if (reach < STAY * unit) return turn(rotations, frames, shape) > TURN ? Motion.ROTATE : Motion.STILL;
        if (maxY - minY > 0.1 * unit && maxX - minX < 0.5 * (maxY - minY)) {
            Motion vertical = fallOrBounce(positions, frames, unit, fps, minY, maxY);
            if (vertical != null) return vertical;
        }
        int early = frames.get(Math.max(1, frames.size() / 3));
        double[] end = positions.get(early);
        return direction(end[0] - start[0], end[1] - start[1]);
    }

    /** The nearest of the eight screen directions (y down). */
    public static Motion direction(double dx, double dy) {
        int sector = (int) Math.floorMod(Math.round(Math.atan2(-dy, dx) / (Math.PI / 4)), 8);
        return List.of(Motion.RIGHT, Motion.UP_RIGHT, Motion.UP, Motion.UP_LEFT, Motion.LEFT, Motion.DOWN_LEFT, Motion.DOWN, Motion.DOWN_RIGHT).get(sector);
    }

    /**
     * Total rotation in radians, each step taken as the smallest turn that matches the shape's symmetry. A fast
     * turn near half the period aliases (it may read either way), so such steps count their size in the way most
     * other steps turn. Noise turns both ways: unless three quarters of the clear steps (over 2°) agree, it is 0.
     */
    private static double turn(List<Double> rotations, List<Integer> frames, ShapeKind shape) {
        double period = Shapes.period(shape);
        if (period < Math.toRadians(30)) return 0;
        double clear = 0, aliased = 0;
        int positive = 0, negative = 0;
        for (int k = 1; k < frames.size(); k++) {
            double step = rotations.get(frames.get(k)) - rotations.get(frames.get(k - 1));
            step -= period * Math.round(step / period);
            if (Math.abs(step) > 0.4 * period) {
                aliased += Math.abs(step);
                continue;
            }
            clear += step;
            if (step > Math.toRadians(2)) positive++;
            if (step < -Math.toRadians(2)) negative++;
        }
        boolean steady = Math.max(positive, negative) >= 0.75 * (positive + negative);
        return steady ? Math.abs(clear) + aliased : 0;
    }

    /**
     * A circle fits the path (Kåsa's least squares) with a residual under a quarter of its radius and under half
     * that of the best straight line, which the path must miss (by 0.5 % of the unit); the radius is at least
     * 1.5 % of the unit (orbits in a crowded scene are small), and the path sweeps over 1.2 rad round it.
     */
    private static boolean orbits(List<double[]> positions, List<Integer> frames, double unit) {
        double sx = 0, sy = 0;
        for (int i : frames) {
            sx += positions.get(i)[0];
            sy += positions.get(i)[1];
        }
        double mx = sx / frames.size(), my = sy / frames.size();
        double suu = 0, suv = 0, svv = 0, suuu = 0, svvv = 0, suvv = 0, svuu = 0;
        for (int i : frames) {
            double u = positions.get(i)[0] - mx, v = positions.get(i)[1] - my;
            suu += u * u;
            suv += u * v;
            svv += v * v;
            suuu += u * u * u;
            svvv += v * v * v;
            suvv += u * v * v;
            svuu += v * u * u;
        }
        double det = suu * svv - suv * suv;
        if (det < 1e-3 * suu * svv) return false;
        double bu = (suuu + suvv) / 2, bv = (svvv + svuu) / 2;
        double uc = (bu * svv - bv * suv) / det, vc = (bv * suu - bu * suv) / det;
        double radius = Math.sqrt(uc * uc + vc * vc + (suu + svv) / frames.size());
        double residual = 0, swept = 0, previous = Double.NaN;
        for (int i : frames) {
            double u = positions.get(i)[0] - mx - uc, v = positions.get(i)[1] - my - vc;
            residual += Math.pow(Math.hypot(u, v) - radius, 2);
            double angle = Math.atan2(v, u);
            if (!Double.isNaN(previous)) {
                double step = angle - previous;
                swept += step - 2 * Math.PI * Math.round(step / (2 * Math.PI));
            }
            previous = angle;
        }
        double line = Math.sqrt(((suu + svv) / 2 - Math.sqrt(Math.pow((suu - svv) / 2, 2) + suv * suv)) / frames.size());
        double circle = Math.sqrt(residual / frames.size());
        return radius > 0.015 * unit && line > 0.005 * unit && circle < 0.25 * radius && circle < 0.5 * line
                && Math.abs(swept) > 1.2 && turnsSmoothly(positions, frames);
    }

    /** No step turns the heading by more than 100°: a wall that folds a straight move back is not a circle. */
    private static boolean turnsSmoothly(List<double[]> positions, List<Integer> frames) {
        for (int k = 2; k < frames.size(); k++) {
            double[] a = positions.get(frames.get(k - 2)), b = positions.get(frames.get(k - 1)), c = positions.get(frames.get(k));
            double turn = Math.atan2(c[1] - b[1], c[0] - b[0]) - Math.atan2(b[1] - a[1], b[0] - a[0]);
            if (Math.abs(turn - 2 * Math.PI * Math.round(turn / (2 * Math.PI))) > Math.toRadians(100)) return false;
        }
        return true;
    }

    /**
     * FALL or BOUNCE for vertical arcs that turn at a floor and accelerate between turns; null for a straight
     * vertical move. A fall starts at rest at the top and each rebound rises less; a bounce's arcs keep their height.
     */
    private static Motion fallOrBounce(List<double[]> positions, List<Integer> frames, double unit, double fps, double minY, double maxY) {
        List<Double> ys = new ArrayList<>();
        for (int i : frames) ys.add(positions.get(i)[1]);
        int floor = -1;
        for (int k = 1; k + 1 < ys.size(); k++) {
            if (ys.get(k) >= ys.get(k - 1) && ys.get(k) > ys.get(k + 1) && ys.get(k) > maxY - 0.1 * (maxY - minY)) {
                floor = k;
                break;
            }
        }
        double acceleration = 0;
        int turns = 0;
        for (int k = 1; k + 1 < ys.size(); k++) {
            double second = ys.get(k + 1) - 2 * ys.get(k) + ys.get(k - 1);
            boolean turning = (ys.get(k) - ys.get(k - 1)) * (ys.get(k + 1) - ys.get(k)) < 0;
            if (!turning) {
                acceleration += second * fps * fps;
                turns++;
            }
        }
        acceleration /= Math.max(1, turns);
        if (acceleration < ACCELERATION * unit) {
            return null;
        }
        double top = ys.getFirst();
        boolean fromTop = top - minY < 0.05 * (maxY - minY);
        if (floor < 0) return fromTop ? Motion.FALL : null;
        double rebound = maxY;
        for (int k = floor; k < ys.size(); k++) rebound = Math.min(rebound, ys.get(k));
        boolean lower = maxY - rebound < 0.8 * (maxY - top);
        return fromTop && lower ? Motion.FALL : Motion.BOUNCE;
    }

    private static double median(List<Double> values, List<Integer> frames) {
        List<Double> picked = new ArrayList<>();
        for (int i : frames) picked.add(values.get(i));
        picked.sort(null);
        return picked.get(picked.size() / 2);
    }
}
