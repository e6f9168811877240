package dev.kineto.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PsnrTest {
    @Test
    void matchesTheDefinition() {
        Clip black = TestClips.flat(4, 4, 2, 0, 0, 0);
        Clip grey = TestClips.flat(4, 4, 2, 16, 16, 16);
        assertEquals(Psnr.IDENTICAL, Psnr.of(black, black));
        assertEquals(10 * Math.log10(255.0 * 255 / 256), Psnr.of(black, grey), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Psnr.of(black, TestClips.flat(4, 4, 1, 0, 0, 0)));
    }
}
