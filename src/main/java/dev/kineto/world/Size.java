package dev.kineto.world;

import java.util.List;

/** Object sizes, relative to the frame's shorter side (see Simulator for the fractions). */
public enum Size {
    SMALL("small", "little", "tiny"),
    MEDIUM("medium", "medium-sized", "mid-sized"),
    LARGE("large", "big", "huge");

    private final List<String> words;

    Size(String... words) { this.words = List.of(words); }

    public List<String> words() { return words; }

    public String word() { return words.getFirst(); }
}
