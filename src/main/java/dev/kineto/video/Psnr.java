package dev.kineto.video;

/** Peak signal-to-noise ratio between frames of packed 8-bit RGB, in dB (100 for identical frames). */
public final class Psnr {
    /** What identical frames score: a finite stand-in for infinity, so means stay meaningful. */
    public static final double IDENTICAL = 100;

    private Psnr() {}

    /** Mean of the per-frame PSNRs of two clips of the same size and length. */
    public static double of(Clip a, Clip b) {
        if (a.width() != b.width() || a.height() != b.height() || a.frameCount() != b.frameCount()) {
            throw new IllegalArgumentException("clips differ in shape: " + a.width() + "x" + a.height() + "x" + a.frameCount()
                    + " vs " + b.width() + "x" + b.height() + "x" + b.frameCount());
        }
        double sum = 0;
        for (int i = 0; i < a.frameCount(); i++) sum += of(a.frames().get(i), b.frames().get(i));
        return sum / a.frameCount();
    }

    /** PSNR of two frames of the same byte length. */
    public static double of(byte[] frameA, byte[] frameB) {
        if (frameA.length != frameB.length) {
            throw new IllegalArgumentException("frames differ in size: " + frameA.length + " vs " + frameB.length + " bytes");
        }
        long squaredError = 0;
        for (int i = 0; i < frameA.length; i++) {
            int d = (frameA[i] & 0xff) - (frameB[i] & 0xff);
            squaredError += (long) d * d;
        }
        if (squaredError == 0) return IDENTICAL;
        double mse = (double) squaredError / frameA.length;
        return Math.min(IDENTICAL, 10 * Math.log10(255.0 * 255.0 / mse));
    }
}
