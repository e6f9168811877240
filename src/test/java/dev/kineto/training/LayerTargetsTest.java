package dev.kineto.training;

import static org.junit.jupiter.api.Assertions.*;

import dev.kineto.model.Layout;
import dev.kineto.video.Clip;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Split;
import dev.kineto.world.Style;
import dev.kineto.world.World;
import dev.kineto.world.WorldClip;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LayerTargetsTest {

    /** A flat world object's matte, filled in its planned colour over its background, gives back the object as the world drew it. */
    @Test
    void aMatteFilledInItsColourRedrawsTheObject() {
        int checked = 0;
        for (long seed = 0; checked < 5; seed++) {
            WorldClip sample = World.sample(seed, Split.TRAIN, new RenderSpec(64, 64, 9, 8));
            if (sample.scene().description().style() != Style.FLAT) continue;
            Example e = WorldSource.of(sample, new SplittableRandom(0));
            int f = 4;
            Layout.Placed placed = e.layout().frames().get(f).getFirst();
            Clip alone = e.objects().getFirst().alone();
            float[] alpha = LayerTargets.alpha(alone, e.background(), f, placed.rgb());
            byte[] drawn = alone.frames().get(f), under = e.background().frames().get(f);
            int covered = 0, worst = 0;
            for (int p = 0; p < alpha.length; p++) {
                covered += alpha[p] > 0.5 ? 1 : 0;
                for (int c = 0; c < 3; c++) {
                    int b = under[3 * p + c] & 0xff, colour = placed.rgb() >> (16 - 8 * c) & 0xff;
                    worst = Math.max(worst, Math.abs((int) Math.round(b + alpha[p] * (colour - b)) - (drawn[3 * p + c] & 0xff)));
                }
            }
            double area = Math.PI * placed.halfWidth() * placed.halfWidth(); // between a star's and a square's share of its box
            assertTrue(covered > 0.3 * area && covered < 1.5 * 4 * placed.halfWidth() * placed.halfHeight(),
                    sample.caption() + ": the matte covers " + covered + " pixels, its box " + 4 * placed.halfWidth() * placed.halfHeight());
            assertTrue(worst <= 3, sample.caption() + ": filled back in, the matte redraws the object within " + worst + " levels");
            checked++;
        }
    }
}
