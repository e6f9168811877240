package dev.kineto.evaluation.scores;

import dev.kineto.evaluation.vision.Blob;
import dev.kineto.world.ObjectState;
import java.util.List;

/**
 * PhyWorld-style physics check: the tracked velocity of an object against the world's own simulation of the same
 * prompt, as a relative error mean |v_seen − v_sim| / mean |v_sim| over the frame pairs where the object is seen.
 * Velocities ignore where the object is, only how it moves; a bounce's phase and a collision's moment depend on
 * the layout, so the simulation may be shifted in time (a fall starts at rest at t = 0 and is not shifted).
 */
final class Physics {
    private Physics() {}

    /** Relative velocity error up to which motion counts as physically right. */
    static final double TOLERANCE = 0.35;

    /** The smallest relative error over time shifts of at most maxShift frames (keeping at least half the pairs). */
    static double error(List<List<Blob>> seen, List<List<ObjectState>> simulated, int maxShift) {
        double best = Double.MAX_VALUE;
        for (int shift = -maxShift; shift <= maxShift; shift++) best = Math.min(best, errorAt(seen, simulated, shift));
        return best;
    }

    private static double errorAt(List<List<Blob>> seen, List<List<ObjectState>> simulated, int shift) {
        double difference = 0, magnitude = 0;
        int pairs = 0, possible = 0;
        for (int o = 0; o < seen.size(); o++) {
            List<Blob> blobs = seen.get(o);
            List<ObjectState> states = simulated.get(o);
            for (int i = 0; i + 1 < blobs.size(); i++) {
                possible++;
                int j = i + shift;
                if (blobs.get(i) == null || blobs.get(i + 1) == null || j < 0 || j + 1 >= states.size()) continue;
                double vx = blobs.get(i + 1).x() - blobs.get(i).x(), vy = blobs.get(i + 1).y() - blobs.get(i).y();
                double sx = states.get(j + 1).x() - states.get(j).x(), sy = states.get(j + 1).y() - states.get(j).y();
                difference += Math.hypot(vx - sx, vy - sy);
                magnitude += Math.hypot(sx, sy);
                pairs++;
            }
        }
        if (pairs * 2 < possible || magnitude == 0) return Double.MAX_VALUE;
        return difference / magnitude;
    }
}
