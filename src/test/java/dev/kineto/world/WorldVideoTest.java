package dev.kineto.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kineto.video.Clip;
import dev.kineto.video.Psnr;
import dev.kineto.video.VideoFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Render → MP4 → decode. H.264 here is 4:2:0, so sharp edges between saturated colours lose chroma detail: a 64x64
 * clip full of them can fall below 35 dB while the luma survives. The bar is therefore the mean over a sample of
 * world clips (the dataset as a whole), with a floor for every clip that catches real faults (shifts, lost frames).
 */
class WorldVideoTest {
    private static final int CLIPS = 24;

    @TempDir Path dir;

    @Test
    void renderedClipsSurviveMp4AtSixtyFour() throws Exception {
        roundTrip(64);
    }

    @Test
    void renderedClipsSurviveMp4AtTwoFiftySix() throws Exception {
        roundTrip(256);
    }

    private void roundTrip(int side) throws Exception {
        double[] psnr = new double[CLIPS];
        for (int seed = 0; seed < CLIPS; seed++) {
            WorldClip world = World.sample(seed, Split.TRAIN, new RenderSpec(side, side, 5, 8));
            Path mp4 = dir.resolve(side + "-" + seed + ".mp4");
            VideoFiles.write(world.clip(), mp4);
            Clip decoded = VideoFiles.read(mp4);
            assertEquals(world.clip().frameCount(), decoded.frameCount());
            assertEquals(side, decoded.width());
            psnr[seed] = Psnr.of(world.clip(), decoded);
        }
        double mean = Arrays.stream(psnr).average().orElseThrow(), worst = Arrays.stream(psnr).min().orElseThrow();
        System.out.printf("world → mp4 → decode at %dx%d: mean PSNR %.1f dB, worst %.1f dB over %d clips%n", side, side, mean, worst, CLIPS);
        assertTrue(mean >= 35, "mean PSNR " + mean);
        assertTrue(worst >= 25, "worst PSNR " + worst);
    }

    @Test
    void pngFramesAreExact() throws Exception {
        WorldClip world = World.sample(3, Split.TRAIN, new RenderSpec(48, 32, 3, 8));
        Path frames = dir.resolve("frames");
        VideoFiles.write(world.clip(), frames);
        Clip decoded = VideoFiles.read(frames);
        for (int f = 0; f < 3; f++) assertArrayEquals(world.clip().frames().get(f), decoded.frames().get(f));
        assertEquals(List.of(48, 32), List.of(decoded.width(), decoded.height()));
    }
}
