package dev.kineto.world;

import dev.kineto.video.Clip;

/** A rendered clip with the caption it was made from and the exact scene behind it. */
public record WorldClip(String caption, Scene scene, Clip clip) {}
