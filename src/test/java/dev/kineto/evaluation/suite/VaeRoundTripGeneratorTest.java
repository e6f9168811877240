package dev.kineto.evaluation.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kineto.evaluation.scores.EvalResult;
import dev.kineto.evaluation.scores.Evaluator;
import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.VideoModel;
import dev.kineto.video.Clip;
import dev.kineto.video.Psnr;
import org.junit.jupiter.api.Test;

/** The VAE row of the suite report: the world's render through the bundled model's VAE. */
class VaeRoundTripGeneratorTest {

    @Test
    void theBundledVaeKeepsASimpleSceneReadable() throws Exception {
        String prompt = "a red circle on a blue background";
        GenerationRequest request = new GenerationRequest(prompt, "", 64, 64, 17, 8, 1, 1, 5);
        Clip original = new GroundTruthGenerator().generate(request);
        try (VaeRoundTripGenerator vae = new VaeRoundTripGenerator(VideoModel.load(DiffusionGenerator.defaultModelDir()))) {
            Clip roundTrip = vae.generate(request);
            assertEquals(17, roundTrip.frameCount());
            double psnr = Psnr.of(original, roundTrip);
            assertTrue(psnr > 22 && psnr < 60, "round-trip PSNR " + psnr + " dB: a copy or a wreck, not a VAE reconstruction");
            EvalResult result = Evaluator.evaluate(roundTrip, prompt, 5);
            assertTrue(result.categories().get("colour") && result.categories().get("background"), result.checks().toString());
        }
    }
}
