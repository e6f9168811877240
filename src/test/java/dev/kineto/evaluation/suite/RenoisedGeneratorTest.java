package dev.kineto.evaluation.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.GenerationRequest;
import dev.kineto.video.Clip;
import dev.kineto.video.Psnr;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The renoised row of the suite report: the world's render noised to t and sampled back by the bundled model. */
class RenoisedGeneratorTest {
    private static final GenerationRequest REQUEST = new GenerationRequest("a red circle on a blue background", "", 64, 64, 17, 8, 16, 4.5, 5);

    @Test
    void littleNoiseKeepsTheRenderAndMoreNoiseMovesAwayFromIt() throws Exception {
        Clip render = new GroundTruthGenerator().generate(REQUEST);
        List<Integer> steps = new ArrayList<>();
        double near = psnrAgainst(render, 0.1, steps), far = psnrAgainst(render, 0.9, steps);
        assertTrue(near > 20, "from t = 0.1 the render should come back: " + near + " dB");
        assertTrue(near > far + 1, "from t = 0.9 the model redraws more: " + near + " dB against " + far);
        assertTrue(steps.get(0) < steps.get(1) && steps.get(1) <= REQUEST.steps(), "only the grid's steps below t run: " + steps);
    }

    /** The renoised clip's PSNR against the render; adds the number of sampling steps it took to steps. */
    private static double psnrAgainst(Clip render, double time, List<Integer> steps) throws Exception {
        try (RenoisedGenerator renoised = new RenoisedGenerator(DiffusionGenerator.loadDefault(), time)) {
            Clip clip = renoised.generate(List.of(REQUEST), (step, total, preview) -> { if (step == 1) steps.add(total); }).getFirst();
            assertEquals(render.frameCount(), clip.frameCount());
            return Psnr.of(render, clip);
        }
    }
}
