package dev.kineto.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.StepListener;
import dev.kineto.video.Clip;
import dev.kineto.video.Psnr;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The renoised row of the suite report: the world's render noised to t and sampled back by the bundled model. */
class RenoisedGeneratorTest {

    @Test
    void littleNoiseKeepsTheRenderAndMoreNoiseMovesAwayFromIt() throws Exception {
        String prompt = "a red circle on a blue background";
        GenerationRequest request = new GenerationRequest(prompt, "", 64, 64, 17, 8, 16, 4.5, 5);
        Clip original = new GroundTruthGenerator().generate(request);
        double[] psnr = new double[2];
        List<Integer> steps = new ArrayList<>();
        double[] times = {0.1, 0.9};
        for (int i = 0; i < 2; i++) {
            try (RenoisedGenerator renoised = new RenoisedGenerator(DiffusionGenerator.loadDefault(), times[i])) {
                Clip clip = renoised.generate(List.of(request), (step, total, preview) -> { if (step == 1) steps.add(total); }).getFirst();
                assertEquals(17, clip.frameCount());
                psnr[i] = Psnr.of(original, clip);
            }
        }
        assertTrue(psnr[0] > 20, "from t = 0.1 the render should come back: " + psnr[0] + " dB");
        assertTrue(psnr[0] > psnr[1] + 1, "from t = 0.9 the model redraws more: " + psnr[0] + " dB against " + psnr[1]);
        assertTrue(steps.get(0) < steps.get(1) && steps.get(1) <= 16, "only the grid's steps below t run: " + steps);
    }
}
