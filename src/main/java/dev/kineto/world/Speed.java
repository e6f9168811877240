package dev.kineto.world;

import java.util.List;

/** How fast a motion runs, in frame-sizes per second (see Simulator); adverbs follow verbs, adjectives precede nouns. */
public enum Speed {
    SLOW(List.of("slowly", "gently", "lazily"), List.of("slow")),
    NORMAL(List.of("steadily", "at a steady pace", "at normal speed"), List.of("steady")),
    FAST(List.of("quickly", "rapidly", "swiftly", "fast"), List.of("fast", "quick", "speedy"));

    private final List<String> adverbs;
    private final List<String> adjectives;

    Speed(List<String> adverbs, List<String> adjectives) {
        this.adverbs = adverbs;
        this.adjectives = adjectives;
    }

    public List<String> adverbs() { return adverbs; }

    public List<String> adjectives() { return adjectives; }
}
