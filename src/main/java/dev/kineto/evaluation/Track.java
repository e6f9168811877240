package dev.kineto.evaluation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One object followed across frames: the blob it was seen as in each frame, null while unseen. */
record Track(int colour, List<Blob> blobs) {

    Track {
        blobs = Collections.unmodifiableList(new ArrayList<>(blobs));
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

    Blob last() {
        for (int i = blobs.size() - 1; i >= 0; i--) if (blobs.get(i) != null) return blobs.get(i);
        throw new IllegalStateException("empty track");
    }

    int firstFrame() {
        return blobs.indexOf(first());
    }

    int lastFrame() {
        return blobs.lastIndexOf(last());
    }

    /** Median of the blob radii: the object's size, robust to frames where it touched another. */
    double medianRadius() {
        List<Double> radii = new ArrayList<>();
        for (Blob b : blobs) if (b != null) radii.add(b.radius());
        Collections.sort(radii);
        return radii.get(radii.size() / 2);
    }

    /** Mean distance from each frame's centroid to the path's point; an unseen frame counts as the frame diagonal. */
    double meanDistanceTo(List<double[]> path, int width, int height) {
        double sum = 0;
        for (int i = 0; i < blobs.size(); i++) {
            Blob b = blobs.get(i);
            sum += b == null ? Math.hypot(width, height) : b.distanceTo(path.get(i)[0], path.get(i)[1]);
        }
        return sum / blobs.size();
    }

    /**
     * Links per-frame blobs into tracks: each track takes the nearest blob of its colour to where it would be at
     * constant velocity, within maxStep pixels per frame since it was last seen; blobs left over start new tracks.
     */
    static List<Track> link(List<List<Blob>> frames, double maxStep) {
        List<List<Blob>> open = new ArrayList<>();
        for (int t = 0; t < frames.size(); t++) {
            List<Blob> unclaimed = new ArrayList<>(frames.get(t));
            record Candidate(List<Blob> track, Blob blob, double distance) {}
            List<Candidate> candidates = new ArrayList<>();
            for (List<Blob> track : open) {
                int lastSeen = lastSeen(track);
                double[] predicted = predict(track, lastSeen, t);
                Blob last = track.get(lastSeen);
                for (Blob blob : unclaimed) {
                    double distance = blob.distanceTo(predicted[0], predicted[1]);
                    if (blob.colour() == last.colour() && distance <= maxStep * (t - lastSeen)) candidates.add(new Candidate(track, blob, distance));
                }
            }
            candidates.sort((a, b) -> Double.compare(a.distance(), b.distance()));
            List<List<Blob>> extended = new ArrayList<>();
            for (Candidate c : candidates) {
                if (extended.contains(c.track()) || !unclaimed.contains(c.blob())) continue;
                c.track().add(c.blob());
                extended.add(c.track());
                unclaimed.remove(c.blob());
            }
            for (List<Blob> track : open) if (track.size() < t + 1) track.add(null);
            for (Blob blob : unclaimed) {
                List<Blob> track = new ArrayList<>(Collections.nCopies(t, (Blob) null));
                track.add(blob);
                open.add(track);
            }
        }
        List<Track> tracks = new ArrayList<>();
        for (List<Blob> track : open) tracks.add(new Track(track.get(lastSeen(track)).colour(), track));
        return tracks;
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
