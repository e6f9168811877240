package dev.kineto.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoFilesTest {
    @TempDir Path dir;

    @Test
    void mp4RoundTripKeepsFramesWithinCodecTolerance() throws IOException {
        for (int size : new int[] {64, 256}) {
            Clip clip = TestClips.movingShapes(size, size, 12, 24);
            Path mp4 = dir.resolve("clip" + size + ".mp4");
            VideoFiles.write(clip, mp4);
            Clip decoded = VideoFiles.read(mp4);
            assertEquals(size, decoded.width());
            assertEquals(size, decoded.height());
            assertEquals(12, decoded.frameCount());
            assertEquals(24, decoded.fps(), 1e-6);
            double psnr = Psnr.of(clip, decoded);
            System.out.printf("mp4 %dx%d: PSNR %.1f dB, %d bytes%n", size, size, psnr, Files.size(mp4));
            assertTrue(psnr >= 35, "PSNR at " + size + "x" + size + " was " + psnr);
        }
    }
}
