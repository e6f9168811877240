package dev.kineto.evaluation;

import dev.kineto.video.Clip;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Where a clip's subject goes: the centroid, frame by frame, of the object the tracker sees in most frames. */
public final class SubjectPath {
    private SubjectPath() {}

    /**
     * One (x, y) per frame in screen pixels (a frame where the subject is hidden takes the nearest frame's point), or
     * empty when the tracker finds no object, as on footage that is not drawn in the world's palette.
     */
    public static Optional<List<double[]>> of(Clip clip) {
        List<Track> tracks = SceneAnalysis.of(clip).tracks;
        if (tracks.isEmpty()) return Optional.empty();
        Track subject = tracks.getFirst(); // the most present, then the largest
        List<Blob> blobs = subject.blobs();
        List<double[]> path = new ArrayList<>(blobs.size());
        for (int i = 0; i < blobs.size(); i++) {
            Blob seen = nearestSeen(blobs, i);
            path.add(new double[] {seen.x(), seen.y()});
        }
        return Optional.of(path);
    }

    private static Blob nearestSeen(List<Blob> blobs, int i) {
        for (int d = 0; ; d++) {
            if (i - d >= 0 && blobs.get(i - d) != null) return blobs.get(i - d);
            if (i + d < blobs.size() && blobs.get(i + d) != null) return blobs.get(i + d);
        }
    }
}
