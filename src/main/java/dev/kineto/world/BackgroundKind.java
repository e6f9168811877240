package dev.kineto.world;

import java.util.List;

/** Background patterns; SOLID uses one colour, the others blend or alternate two. */
public enum BackgroundKind {
    SOLID("solid", "plain", "uniform"),
    GRADIENT("gradient", "fading"),
    STRIPES("striped", "stripes", "stripy", "stripe"),
    CHECKER("checkered", "checkerboard", "chequered", "checked", "checker", "checkers"),
    NOISE("noisy", "noise", "speckled", "mottled", "grainy", "textured");

    private final List<String> words;

    BackgroundKind(String... words) { this.words = List.of(words); }

    public List<String> words() { return words; }

    public String word() { return words.getFirst(); }
}
