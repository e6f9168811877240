package dev.kineto.server;

import dev.kineto.model.GenerationRequest;

/** A submitted video with every setting resolved: what the generator gets, plus what only the server cares about. */
public record JobSpec(GenerationRequest request, String aspectRatio, String callbackUrl, boolean shared) {}
