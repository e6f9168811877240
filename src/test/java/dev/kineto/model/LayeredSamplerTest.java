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

    /** A matte drawn large at the centre lands where the plan places its object, scaled to its box: half the side, a quarter of the pixels. */
    @Test
    void aMatteIsMovedAndScaledToItsPlannedBox() {
        int w = 32, h = 32;
        float[] drawn = new float[w * h];
        java.util.Arrays.fill(drawn, -1);
        for (int y = 8; y < 24; y++) for (int x = 8; x < 24; x++) drawn[y * w + x] = 1; // a square of half side 8 at the centre
        Layout.Placed pose = new Layout.Placed(0, 16, 16, 8, 8, 0, 0), at = new Layout.Placed(0, 10, 20, 4, 4, Math.PI / 2, 0);
        float[] alpha = LayeredSampler.placed(drawn, 0, w, h, pose, at);
        double area = 0, cx = 0, cy = 0;
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) { area += alpha[y * w + x]; cx += alpha[y * w + x] * (x + 0.5); cy += alpha[y * w + x] * (y + 0.5); }
        assertEquals(64, area, 4, "a box of half side 4 covers 8 x 8 pixels");
        assertEquals(10, cx / area, 0.1, "centred where the plan puts it");
        assertEquals(20, cy / area, 0.1);
        assertEquals(1, alpha[20 * w + 10], 1e-6);
        assertEquals(0, alpha[20 * w + 16], 1e-6, "and nothing outside its box");
    }
}
