package dev.kineto.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.kineto.world.CameraState;
import org.junit.jupiter.api.Test;

class LayeredSamplerTest {

    /** A camera panned 4 px right sees the backdrop 4 px further along, and mirrors in what the first view did not show. */
    @Test
    void theBackdropMovesWithThePlansCamera() {
        int w = 16, h = 8, plane = w * h;
        float[] backdrop = new float[3 * plane];
        for (int c = 0; c < 3; c++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) backdrop[c * plane + y * w + x] = -1 + 2f * x / (w - 1);
        float[] still = LayeredSampler.seen(backdrop, 0, w, h, CameraState.START), panned = LayeredSampler.seen(backdrop, 0, w, h, new CameraState(4, 0, 1));
        for (int x = 0; x < w; x++) {
            assertEquals((backdrop[x] + 1) / 2, still[x], 1e-6, "a still camera sees the backdrop as drawn, column " + x);
            int from = x + 4 < w ? x + 4 : 2 * w - 1 - (x + 4);
            assertEquals((backdrop[from] + 1) / 2, panned[x], 1e-6, "panned, column " + x + " shows column " + from);
        }
        float[] zoomed = LayeredSampler.seen(backdrop, 0, w, h, new CameraState(0, 0, 2));
        assertEquals(0.5, (zoomed[w / 2 - 1] + zoomed[w / 2]) / 2, 1e-6, "a zoom keeps the centre where it was");
        assertTrue(zoomed[w - 1] - zoomed[0] < still[w - 1] - still[0], "and spreads less of the backdrop over the frame");
    }
}
