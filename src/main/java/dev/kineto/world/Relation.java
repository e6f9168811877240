package dev.kineto.world;

import java.util.List;

/** Where the first of two objects sits relative to the second. */
public enum Relation {
    LEFT_OF("left of", "to the left of", "on the left of", "on the left side of"),
    RIGHT_OF("right of", "to the right of", "on the right of", "on the right side of"),
    ABOVE("above", "higher than", "on top of"),
    BELOW("below", "beneath", "under", "underneath", "lower than");

    private final List<String> words;

    Relation(String... words) { this.words = List.of(words); }

    public List<String> words() { return words; }

    public String word() { return words.getFirst(); }
}
