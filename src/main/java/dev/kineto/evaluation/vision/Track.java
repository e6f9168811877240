package dev.kineto.evaluation.vision;

import dev.kineto.world.Colour;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** One object followed across frames: the blob it was seen as in each frame, null while unseen. */
public record Track(List<Blob> blobs) {

    public Track {
        blobs = Collections.unmodifiableList(new ArrayList<>(blobs));
    }

    /** The colour most of its blobs have (white, gray and black may alternate under soft shading). */
    Colour colour() {
        Map<Colour, Integer> votes = new EnumMap<>(Colour.class);
        for (Blob b : blobs) if (b != null) votes.merge(b.colour(), 1, Integer::sum);
        return Collections.max(votes.entrySet(), Map.Entry.comparingByValue()).getKey();
    }

    /** The blobs that were seen, in frame order. */
    List<Blob> seen() {
        return blobs.stream().filter(java.util.Objects::nonNull).toList();
    }

    int seenFrames() {
        int seen = 0;
        for (Blob b : blobs) if (b != null) seen++;
        return seen;
    }

    /** Share of frames in which the object was seen. */
    double presence() {
        return (double) seenFrames() / blobs.size();
    }

    Blob first() {
        for (Blob b : blobs) if (b != null) return b;
        throw new IllegalStateException("empty track");
    }

    public int firstFrame() {
        return blobs.indexOf(first());
    }

    /** Median of the blob radii: the object's size, robust to frames where it touched another. */
    public double medianRadius() {
        List<Double> radii = new ArrayList<>();
        for (Blob b : blobs) if (b != null) radii.add(b.radius());
        Collections.sort(radii);
        return radii.get(radii.size() / 2);
    }

    /**
     * Median of how far each sighting's log area lies from the mean of its neighbours': near 0 for an object, even
     * one that grows or shrinks smoothly, large for clutter whose size jumps about.
     */
    double areaJitter() {
        List<Blob> seen = seen();
        if (seen.size() < 3) return 0;
        List<Double> jumps = new ArrayList<>();
        for (int k = 1; k + 1 < seen.size(); k++) {
            double here = Math.log(seen.get(k).area()), around = (Math.log(seen.get(k - 1).area()) + Math.log(seen.get(k + 1).area())) / 2;
            jumps.add(Math.abs(here - around));
        }
        Collections.sort(jumps);
        return jumps.get(jumps.size() / 2);
    }

    /** Mean distance from each frame's centroid to the path's point; an unseen frame counts as the frame diagonal. */
    public double meanDistanceTo(List<double[]> path, int width, int height) {
        double sum = 0;
        for (int i = 0; i < blobs.size(); i++) {
            Blob b = blobs.get(i);
            sum += b == null ? Math.hypot(width, height) : b.distanceTo(path.get(i)[0], path.get(i)[1]);
        }
        return sum / blobs.size();
    }

    /**
     * Links per-frame blobs into tracks. In each frame the open tracks take blobs (of their colour family, when
     * byColour) within maxStep pixels per frame since last seen, by the matching that continues the most tracks at the least total
     * distance (to where the track would be at constant velocity, or to where it was, whichever is nearer: objects
     * that bounce turn sharply), stretched by the change in area (two fast objects of one colour keep their own
     * tracks when they differ in size); blobs left over start new tracks.
     */
    static List<Track> link(List<List<Blob>> frames, double maxStep, boolean byColour) {
        List<List<Blob>> open = new ArrayList<>();
        for (int t = 0; t < frames.size(); t++) {
            List<Blob> blobs = frames.get(t);
            double[][] cost = new double[open.size()][blobs.size()];
            for (int k = 0; k < open.size(); k++) {
                List<Blob> track = open.get(k);
                int lastSeen = lastSeen(track);
                Blob last = track.get(lastSeen);
                double[] predicted = predict(track, lastSeen, t);
                for (int j = 0; j < blobs.size(); j++) {
                    Blob blob = blobs.get(j);
                    double distance = Math.min(blob.distanceTo(predicted[0], predicted[1]), blob.distanceTo(last.x(), last.y()));
                    boolean sameColour = !byColour || Palette.family(blob.colour()) == Palette.family(last.colour());
                    boolean allowed = sameColour && distance <= maxStep * (t - lastSeen);
                    cost[k][j] = allowed ? distance * (1 + Math.abs(Math.log(blob.area() / last.area()))) : Double.NaN;
                }
            }
            int[] match = new Matching(cost).best();
            boolean[] claimed = new boolean[blobs.size()];
            for (int k = 0; k < open.size(); k++) {
                open.get(k).add(match[k] >= 0 ? blobs.get(match[k]) : null);
                if (match[k] >= 0) claimed[match[k]] = true;
            }
            for (int j = 0; j < blobs.size(); j++) {
                if (claimed[j]) continue;
                List<Blob> track = new ArrayList<>(Collections.nCopies(t, (Blob) null));
                track.add(blobs.get(j));
                open.add(track);
            }
        }
        return open.stream().map(Track::new).toList();
    }

    /**
     * The assignment of blobs to tracks (NaN cost: not allowed) with most matches, then least cost: searched
     * exhaustively for the few objects of a scene, greedily (cheapest pair first) when clutter makes many pairs.
     */
    private static final class Matching {
        /** Allowed track–blob pairs beyond which the search is greedy. */
        private static final int EXHAUSTIVE = 12;

        private final double[][] cost;
        private final int[] current, best;
        private int bestMatches = -1;
        private double bestCost;

        Matching(double[][] cost) {
            this.cost = cost;
            current = new int[cost.length];
            best = new int[cost.length];
            java.util.Arrays.fill(best, -1);
        }

        int[] best() {
            int blobs = cost.length == 0 ? 0 : cost[0].length, pairs = 0;
            for (double[] row : cost) for (double c : row) if (!Double.isNaN(c)) pairs++;
            if (pairs <= EXHAUSTIVE) search(0, new boolean[blobs], 0, 0);
            else greedy(blobs);
            return best;
        }

        private void greedy(int blobs) {
            List<int[]> pairs = new ArrayList<>();
            for (int k = 0; k < cost.length; k++) for (int j = 0; j < blobs; j++) if (!Double.isNaN(cost[k][j])) pairs.add(new int[] {k, j});
            pairs.sort((a, b) -> Double.compare(cost[a[0]][a[1]], cost[b[0]][b[1]]));
            boolean[] taken = new boolean[blobs];
            for (int[] pair : pairs) {
                if (best[pair[0]] >= 0 || taken[pair[1]]) continue;
                best[pair[0]] = pair[1];
                taken[pair[1]] = true;
            }
        }

        private void search(int k, boolean[] used, int matches, double total) {
            if (k == cost.length) {
                if (matches > bestMatches || matches == bestMatches && total < bestCost) {
                    bestMatches = matches;
                    bestCost = total;
                    System.arraycopy(current, 0, best, 0, current.length);
                }
                return;
            }
            if (matches + (cost.length - k) < bestMatches) return;
            for (int j = 0; j < used.length; j++) {
                if (used[j] || Double.isNaN(cost[k][j])) continue;
                used[j] = true;
                current[k] = j;
                search(k + 1, used, matches + 1, total + cost[k][j]);
                used[j] = false;
            }
            current[k] = -1;
            search(k + 1, used, matches, total);
        }
    }

    private static int lastSeen(List<Blob> track) {
        for (int i = track.size() - 1; i >= 0; i--) if (track.get(i) != null) return i;
        throw new IllegalStateException("empty track");
    }

    /** Where the track's object would be at frame t if it kept the velocity between its last two sightings. */
    private static double[] predict(List<Blob> track, int lastSeen, int t) {
        Blob last = track.get(lastSeen);
        for (int i = lastSeen - 1; i >= 0; i--) {
            Blob before = track.get(i);
            if (before != null) {
                double vx = (last.x() - before.x()) / (lastSeen - i), vy = (last.y() - before.y()) / (lastSeen - i);
                return new double[] {last.x() + vx * (t - lastSeen), last.y() + vy * (t - lastSeen)};
            }
        }
        return new double[] {last.x(), last.y()};
    }
}
