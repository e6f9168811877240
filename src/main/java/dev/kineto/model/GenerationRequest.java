package dev.kineto.model;

/**
 * One text-to-video request as the sampler takes it: the prompt and the knobs every video product exposes, each
 * resolved (a model's {@link RequestRules} fill a partial request in and say what it may ask for). A plain record of
 * text and numbers, so a job can store it as one JSON value and read it back as it was.
 */
public record GenerationRequest(String prompt, String negativePrompt, int width, int height, int frames,
                                double fps, int steps, double cfg, long seed) {

    public GenerationRequest {
        if (negativePrompt == null) negativePrompt = "";
    }
}
