package dev.kineto.world;

import java.util.List;

/** How shapes are drawn; words are the phrases that name the style (the first is canonical). */
public enum Style {
    FLAT("flat", "flat-shaded", "flat style", "vector style"),
    OUTLINED("outlined", "outlines", "in outline", "line art", "wireframe", "hollow"),
    PIXEL_ART("pixel art", "pixel-art", "pixelated", "8-bit", "retro pixel"),
    SOFT("soft shading", "soft-shaded", "softly shaded", "smoothly shaded", "soft");

    private final List<String> words;

    Style(String... words) { this.words = List.of(words); }

    public List<String> words() { return words; }

    public String word() { return words.getFirst(); }
}
