package dev.kineto.world;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns a Description into per-frame trajectories. Objects move in WORLD pixels (the view at the start) inside their
 * own region of the frame, so relations hold and objects do not overlap; the camera then maps them to the screen.
 * Lengths scale with the frame's shorter side and rates are per second, so frame count and fps change sampling only.
 */
final class Simulator {

    /** Integration step for the physical motions (falling, collisions), in seconds. */
    private static final double DT = 1.0 / 600;
    private static final double RESTITUTION = 0.7;
    /** A falling object whose next bounce would rise less than this (frame-sides) comes to rest. */
    private static final double REST_HEIGHT = 0.02;
    private static final double PAN_PER_SECOND = 0.12, MAX_PAN = 0.25, ZOOM_PER_SECOND = 0.3, MAX_ZOOM = 1.5;

    /** A rectangle in world pixels. */
    record Box(double left, double top, double right, double bottom) {
        double cx() { return (left + right) / 2; }
        double cy() { return (top + bottom) / 2; }
        double width() { return right - left; }
        double height() { return bottom - top; }
    }

    private final Description d;
    private final RenderSpec spec;
    private final SplittableRandom rng;
    private final double unit;

    private Simulator(Description d, RenderSpec spec, long seed) {
        this.d = d;
        this.spec = spec;
        this.rng = new SplittableRandom(seed);
        this.unit = Math.min(spec.width(), spec.height());
    }

    static Scene simulate(Description d, RenderSpec spec, long seed) {
        return new Simulator(d, spec, seed).run();
    }

    static double radius(Size s) {
        return switch (s) { case SMALL -> 0.07; case MEDIUM -> 0.10; case LARGE -> 0.14; };
    }

    /** Linear speed in frame-sides per second. */
    static double linearSpeed(Speed s) {
        return switch (s) { case SLOW -> 0.12; case NORMAL -> 0.22; case FAST -> 0.35; };
    }

    private Scene run() {
        List<CameraState> camera = cameraStates();
        Box area = safeArea(camera);
        List<Box> regions = regions(area);
        List<double[][]> world = new ArrayList<>();
        if (d.collide()) {
            world.addAll(collision(area));
        } else {
            for (int i = 0; i < d.objects().size(); i++) world.add(trajectory(d.objects().get(i), regions.get(i)));
        }
        double cx = spec.width() / 2.0, cy = spec.height() / 2.0;
        List<Trajectory> tracks = new ArrayList<>();
        for (int i = 0; i < d.objects().size(); i++) {
            ObjectSpec o = d.objects().get(i);
            List<ObjectState> states = new ArrayList<>(spec.frames());
            for (int f = 0; f < spec.frames(); f++) {
                double[] s = world.get(i)[f];
                CameraState c = camera.get(f);
                states.add(new ObjectState((s[0] - cx - c.x()) * c.zoom() + cx, (s[1] - cy - c.y()) * c.zoom() + cy,
                        s[2] * c.zoom(), s[3], o.colour().rgb()));
            }
            tracks.add(new Trajectory(o, states));
        }
        return new Scene(d, spec, tracks, camera);
    }

    // ---- camera ----

    /** Pixels per second along a side of the given length: at most MAX_PAN of it over the clip. */
    private double panSpeed(int side) {
        return Math.min(PAN_PER_SECOND * unit, MAX_PAN * side / Math.max(spec.duration(), 1e-9));
    }

    private List<CameraState> cameraStates() {
        List<CameraState> states = new ArrayList<>();
        for (int f = 0; f < spec.frames(); f++) {
            double t = spec.time(f);
            double zoom = Math.min(1 + ZOOM_PER_SECOND * t, MAX_ZOOM);
            states.add(switch (d.camera()) {
                case STATIC -> CameraState.START;
                case PAN_LEFT -> new CameraState(-panSpeed(spec.width()) * t, 0, 1);
                case PAN_RIGHT -> new CameraState(panSpeed(spec.width()) * t, 0, 1);
                case PAN_UP -> new CameraState(0, -panSpeed(spec.height()) * t, 1);
                case PAN_DOWN -> new CameraState(0, panSpeed(spec.height()) * t, 1);
                case ZOOM_IN -> new CameraState(0, 0, zoom);
                case ZOOM_OUT -> new CameraState(0, 0, 1 / zoom);
            });
        }
        return states;
    }

    /** The world box whose contents stay on screen for every camera state. */
    private Box safeArea(List<CameraState> camera) {
        double w = spec.width(), h = spec.height();
        double left = 0, right = w, top = 0, bottom = h;
        for (CameraState c : camera) {
            double halfW = w / 2 / Math.max(c.zoom(), 1), halfH = h / 2 / Math.max(c.zoom(), 1);
            left = Math.max(left, w / 2 + c.x() - halfW);
            right = Math.min(right, w / 2 + c.x() + halfW);
            top = Math.max(top, h / 2 + c.y() - halfH);
            bottom = Math.min(bottom, h / 2 + c.y() + halfH);
        }
        return new Box(left, top, right, bottom);
    }

    // ---- layout ----

    /** One region per object: side by side or stacked, ordered by the relation; the whole area for one object. */
    private List<Box> regions(Box area) {
        int n = d.objects().size();
        boolean stacked;
        if (d.relation() != null) {
            stacked = d.relation() == Relation.ABOVE || d.relation() == Relation.BELOW;
        } else {
            stacked = d.objects().stream().anyMatch(o -> o.motion().needsWidth())
                    && d.objects().stream().noneMatch(o -> o.motion().needsHeight());
        }
        List<Box> lanes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lanes.add(stacked
                    ? new Box(area.left(), area.top() + area.height() * i / n, area.right(), area.top() + area.height() * (i + 1) / n)
                    : new Box(area.left() + area.width() * i / n, area.top(), area.left() + area.width() * (i + 1) / n, area.bottom()));
        }
        if (d.relation() == Relation.RIGHT_OF || d.relation() == Relation.BELOW) return List.of(lanes.get(1), lanes.get(0));
        return lanes;
    }

    // ---- trajectories: rows of {x, y, size, rotation} in world pixels ----

    private double[][] trajectory(ObjectSpec o, Box region) {
        double r = radius(o.size()) * unit;
        double reach = switch (o.motion()) {
            case GROW, SHRINK -> r * 1.4;
            case ROTATE -> r * Math.sqrt(2); // a square's corners sweep a circle of radius r√2
            default -> r;
        };
        double loX = region.left() + reach, hiX = region.right() - reach;
        double loY = region.top() + reach, hiY = region.bottom() - reach;
        double x0 = jitter(loX, hiX, 0.5), y0 = jitter(loY, hiY, 0.5);
        double duration = spec.duration();
        double[][] out = new double[spec.frames()][];
        double[] fall = o.motion() == Motion.FALL ? fall(o.speed(), loY, hiY) : null;
        double phase = rng.nextDouble();
        double orbitSign = rng.nextBoolean() ? 1 : -1;
        double v = linearSpeed(o.speed()) * unit;
        double[] dir = o.motion().direction();
        double travel = v * duration;
        double sx = dir[0] == 0 ? x0 : jitter(loX, hiX, 0.3) - dir[0] * travel / 2;
        double sy = dir[1] == 0 ? y0 : jitter(loY, hiY, 0.3) - dir[1] * travel / 2;
        sx = clamp(sx, loX, hiX);
        sy = clamp(sy, loY, hiY);
        for (int f = 0; f < spec.frames(); f++) {
            double t = spec.time(f);
            double x = x0, y = y0, size = r, rotation = 0;
            switch (o.motion()) {
                case STILL -> { }
                case LEFT, RIGHT, UP, DOWN, UP_LEFT, UP_RIGHT, DOWN_LEFT, DOWN_RIGHT -> {
                    x = fold(sx + dir[0] * v * t, loX, hiX);
                    y = fold(sy + dir[1] * v * t, loY, hiY);
                }
                case ROTATE -> rotation = switch (o.speed()) { case SLOW -> 1.0; case NORMAL -> 2.0; case FAST -> 4.0; } * t;
                case GROW -> size = r * Math.min(1.4, 0.6 + growth(o.speed()) * t);
                case SHRINK -> size = r * Math.max(0.6, 1.4 - growth(o.speed()) * t);
                case ORBIT -> {
                    double radius = 0.7 * Math.max(0, Math.min(hiX - loX, hiY - loY) / 2);
                    double omega = switch (o.speed()) { case SLOW -> 1.2; case NORMAL -> 2.2; case FAST -> 3.5; };
                    double angle = 2 * Math.PI * phase + orbitSign * omega * t;
                    x = region.cx() + radius * Math.cos(angle);
                    y = region.cy() + radius * Math.sin(angle);
                }
                case BOUNCE -> {
                    double period = switch (o.speed()) { case SLOW -> 1.0; case NORMAL -> 0.7; case FAST -> 0.45; };
                    double p = (t / period + phase) % 1.0;
                    y = hiY - 0.8 * (hiY - loY) * 4 * p * (1 - p);
                }
                case FALL -> y = fall[f];
            }
            out[f] = new double[] {x, y, size, rotation};
        }
        return out;
    }

    private static double growth(Speed s) {
        return switch (s) { case SLOW -> 0.2; case NORMAL -> 0.4; case FAST -> 0.7; };
    }

    /** Dropped from the top at rest, under gravity, bouncing on the floor and losing energy each time. */
    private double[] fall(Speed speed, double top, double floor) {
        double g = switch (speed) { case SLOW -> 1.5; case NORMAL -> 3.0; case FAST -> 5.0; } * unit;
        double[] ys = new double[spec.frames()];
        double y = top, vy = 0, t = 0;
        for (int f = 0; f < spec.frames(); f++) {
            for (double until = spec.time(f); t < until - 1e-12; t += DT) {
                vy += g * DT;
                y += vy * DT;
                if (y > floor) {
                    y = floor - (y - floor) * RESTITUTION;
                    vy = -vy * RESTITUTION;
                    if (vy * vy < 2 * g * REST_HEIGHT * unit) { vy = 0; y = floor; }
                }
            }
            ys[f] = Math.min(y, floor);
        }
        return ys;
    }

    /** Two objects on one line, the first moving right and the second left, colliding elastically near mid-clip. */
    private List<double[][]> collision(Box area) {
        ObjectSpec a = d.objects().get(0), b = d.objects().get(1);
        double ra = radius(a.size()) * unit, rb = radius(b.size()) * unit;
        double va = linearSpeed(a.speed()) * unit, vb = -linearSpeed(b.speed()) * unit;
        double ma = ra * ra, mb = rb * rb;
        double contact = area.cx() + (rng.nextDouble() - 0.5) * 0.2 * area.width();
        double meet = 0.45 * spec.duration();
        meet = Math.min(meet, Math.max(0, (contact - area.left() - 2 * ra) / va));
        meet = Math.min(meet, Math.max(0, (area.right() - contact - 2 * rb) / -vb));
        double xa = contact - ra - va * meet, xb = contact + rb - vb * meet;
        double y = jitter(area.top() + Math.max(ra, rb), area.bottom() - Math.max(ra, rb), 0.5);
        double[][] pa = new double[spec.frames()][], pb = new double[spec.frames()][];
        double t = 0;
        for (int f = 0; f < spec.frames(); f++) {
            for (double until = spec.time(f); t < until - 1e-12; t += DT) {
                xa += va * DT;
                xb += vb * DT;
                if (xb - xa <= ra + rb && va > vb) {
                    double na = ((ma - mb) * va + 2 * mb * vb) / (ma + mb);
                    double nb = ((mb - ma) * vb + 2 * ma * va) / (ma + mb);
                    va = na;
                    vb = nb;
                }
                if (xa < area.left() + ra && va < 0 || xa > area.right() - ra && va > 0) va = -va;
                if (xb < area.left() + rb && vb < 0 || xb > area.right() - rb && vb > 0) vb = -vb;
            }
            pa[f] = new double[] {xa, y, ra, 0};
            pb[f] = new double[] {xb, y, rb, 0};
        }
        return List.of(pa, pb);
    }

    // ---- helpers ----

    /** A point around the middle of [lo, hi], spread over the given fraction of it. */
    private double jitter(double lo, double hi, double spread) {
        if (hi <= lo) return (lo + hi) / 2;
        return (lo + hi) / 2 + (rng.nextDouble() - 0.5) * spread * (hi - lo);
    }

    private static double clamp(double v, double lo, double hi) {
        return hi <= lo ? (lo + hi) / 2 : Math.max(lo, Math.min(hi, v));
    }

    /** Position p reflected back and forth between lo and hi, as a ball between two walls. */
    static double fold(double p, double lo, double hi) {
        if (hi <= lo) return (lo + hi) / 2;
        double span = hi - lo, q = (p - lo) % (2 * span);
        if (q < 0) q += 2 * span;
        return lo + (q <= span ? q : 2 * span - q);
    }
}
