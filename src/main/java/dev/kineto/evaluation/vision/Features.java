package dev.kineto.evaluation.vision;

/**
 * Hand-made features for consistency on flat-coloured scenes, where DINO and CLIP would mostly see colour and shape:
 * a soft colour histogram and a rotation- and scale-free radial profile, each of unit length.
 */
public final class Features {
    private Features() {}

    static final int COLOUR_BINS = 8;
    static final int RADIAL_BINS = 12;
    /** Radial profile range, in radii of the disc with the same area (a square's corners reach 1.25, a star's tips further). */
    static final double RADIAL_RANGE = 2.0;

    /**
     * Joint RGB histogram (8×8×8 bins) of the masked pixels with trilinear soft binning, so a colour near a bin
     * edge does not flip between bins from frame to frame. Null when the mask is empty.
     */
    static float[] colourHistogram(byte[] frame, boolean[] mask) {
        float[] histogram = new float[COLOUR_BINS * COLOUR_BINS * COLOUR_BINS];
        double binWidth = 256.0 / COLOUR_BINS;
        int[] low = new int[3];
        double[] upperWeight = new double[3];
        boolean any = false;
        for (int p = 0; p < mask.length; p++) {
            if (!mask[p]) continue;
            any = true;
            for (int c = 0; c < 3; c++) {
                double position = Math.clamp(((frame[3 * p + c] & 0xff) + 0.5) / binWidth - 0.5, 0, COLOUR_BINS - 1);
                low[c] = Math.min((int) position, COLOUR_BINS - 2);
                upperWeight[c] = position - low[c];
            }
            for (int corner = 0; corner < 8; corner++) {
                double weight = 1;
                int bin = 0;
                for (int c = 0; c < 3; c++) {
                    int up = (corner >> c) & 1;
                    weight *= up == 1 ? upperWeight[c] : 1 - upperWeight[c];
                    bin = bin * COLOUR_BINS + low[c] + up;
                }
                histogram[bin] += (float) weight;
            }
        }
        return any ? unit(histogram) : null;
    }

    /**
     * Histogram of the masked pixels' distances to their centroid, in radii of the equal-area disc: tells a circle
     * from a square or a star whatever the rotation and size. Null when the mask is empty.
     */
    static float[] radialProfile(boolean[] mask, int width) {
        double sumX = 0, sumY = 0;
        int area = 0;
        for (int p = 0; p < mask.length; p++) {
            if (mask[p]) {
                sumX += p % width;
                sumY += p / width;
                area++;
            }
        }
        if (area == 0) return null;
        double cx = sumX / area, cy = sumY / area, radius = Math.sqrt(area / Math.PI);
        float[] profile = new float[RADIAL_BINS];
        for (int p = 0; p < mask.length; p++) {
            if (!mask[p]) continue;
            double position = Math.hypot(p % width - cx, p / width - cy) / radius / RADIAL_RANGE * RADIAL_BINS - 0.5;
            position = Math.clamp(position, 0, RADIAL_BINS - 1);
            int low = Math.min((int) position, RADIAL_BINS - 2);
            double up = position - low;
            profile[low] += (float) (1 - up);
            profile[low + 1] += (float) up;
        }
        return unit(profile);
    }

    /** The concatenation of unit vectors, scaled so that its cosine is the mean of the parts' cosines. */
    static float[] concat(float[] a, float[] b) {
        if (a == null || b == null) return null;
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return unit(out);
    }

    /** Cosine similarity of two unit vectors; 0 when either is missing (the subject vanished). */
    public static double cosine(float[] a, float[] b) {
        if (a == null || b == null) return 0;
        double dot = 0;
        for (int k = 0; k < a.length; k++) dot += a[k] * b[k];
        return dot;
    }

    /**
     * VBench's consistency of per-frame features: for every frame i ≥ 1,
     * (max(0, cos(f(i−1), f(i))) + max(0, cos(f(0), f(i)))) / 2, averaged. One frame is perfectly consistent.
     */
    static double consistency(java.util.List<float[]> features) {
        if (features.size() < 2) return 1;
        double sum = 0;
        for (int i = 1; i < features.size(); i++) {
            sum += (Math.max(0, cosine(features.get(i - 1), features.get(i))) + Math.max(0, cosine(features.getFirst(), features.get(i)))) / 2;
        }
        return sum / (features.size() - 1);
    }

    /** The unit-length mean of the features that are present; null when none is. */
    public static float[] mean(java.util.List<float[]> features) {
        float[] sum = null;
        for (float[] f : features) {
            if (f == null) continue;
            if (sum == null) sum = new float[f.length];
            for (int k = 0; k < f.length; k++) sum[k] += f[k];
        }
        return sum == null ? null : unit(sum);
    }

    private static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) norm += x * x;
        norm = Math.sqrt(norm);
        if (norm == 0) return v;
        for (int k = 0; k < v.length; k++) v[k] /= (float) norm;
        return v;
    }
}
