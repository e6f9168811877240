package dev.kineto.evaluation.vision;

import dev.kineto.video.Clip;
import dev.kineto.world.Style;

/**
 * Reads the drawing style: pixel art when the objects' edges fall on a grid of square blocks, else outlined when
 * most objects are outlines, soft when their insides darken from the upper left (where the world's light is), flat
 * otherwise.
 */
public final class Looks {
    private Looks() {}

    /** Fall of brightness across an object's inside (grey levels, upper left to lower right) above which it is shaded. */
    static final double SHADED = 20;

    /** The style, or null when there is no object to judge it by. */
    public static Style style(SceneAnalysis scene) {
        if (scene.tracks.isEmpty()) return null;
        if (pixelBlock(scene) > 1) return Style.PIXEL_ART;
        int blobs = 0, outlines = 0, shaded = 0;
        for (Track t : scene.tracks) {
            for (Blob b : t.seen()) {
                blobs++;
                if (b.outline()) outlines++;
                else if (b.shading() > SHADED) shaded++;
            }
        }
        if (blobs == 0) return null;
        if (outlines * 2 >= blobs) return Style.OUTLINED;
        return shaded * 2 > blobs - outlines ? Style.SOFT : Style.FLAT;
    }

    /**
     * The side of the square blocks the objects are drawn in (1 when not blocky): the block size b ≥ 2 for which over
     * 90 % of the colour steps between neighbours (along rows and columns, around the objects of a few frames) fall
     * on multiples of b. Only the objects are looked at: a striped background's edges fall on a grid too.
     */
    static int pixelBlock(SceneAnalysis scene) {
        Clip clip = scene.clip;
        int w = clip.width(), h = clip.height();
        int[] onGrid = new int[9];
        int steps = 0;
        for (int i = 0; i < clip.frameCount(); i += Math.max(1, clip.frameCount() / 4)) {
            byte[] f = clip.frames().get(i);
            for (Track t : scene.tracks) {
                Blob b = t.blobs().get(i);
                if (b == null) continue;
                int[] box = b.bounds(w);
                for (int y = Math.max(0, box[1] - 2); y <= Math.min(h - 1, box[3] + 2); y++) {
                    for (int x = Math.max(0, box[0] - 2); x <= Math.min(w - 1, box[2] + 2); x++) {
                        for (int[] step : new int[][] {{1, 0}, {0, 1}}) {
                            int nx = x + step[0], ny = y + step[1];
                            if (nx >= w || ny >= h || difference(f, y * w + x, ny * w + nx) < 24) continue;
                            steps++;
                            int boundary = step[0] == 1 ? nx : ny;
                            for (int block = 2; block < onGrid.length; block++) if (boundary % block == 0) onGrid[block]++;
                        }
                    }
                }
            }
        }
        for (int block = onGrid.length - 1; block >= 2; block--) if (steps >= 20 && onGrid[block] > 0.9 * steps) return block;
        return 1;
    }

    private static int difference(byte[] f, int p, int q) {
        int sum = 0;
        for (int c = 0; c < 3; c++) sum += Math.abs((f[3 * p + c] & 0xff) - (f[3 * q + c] & 0xff));
        return sum;
    }
}
