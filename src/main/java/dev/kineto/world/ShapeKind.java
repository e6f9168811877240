package dev.kineto.world;

import java.util.List;

/** The shapes the world draws, with the nouns (singular and plural) that name them; the first noun is canonical. */
public enum ShapeKind {
    CIRCLE(List.of("circle", "ball", "disc", "disk", "dot"), List.of("circles", "balls", "discs", "disks", "dots")),
    SQUARE(List.of("square", "box", "block"), List.of("squares", "boxes", "blocks")),
    TRIANGLE(List.of("triangle"), List.of("triangles")),
    DIAMOND(List.of("diamond", "rhombus"), List.of("diamonds", "rhombuses")),
    PENTAGON(List.of("pentagon"), List.of("pentagons")),
    HEXAGON(List.of("hexagon"), List.of("hexagons")),
    STAR(List.of("star"), List.of("stars")),
    CROSS(List.of("cross", "plus sign"), List.of("crosses", "plus signs"));

    private final List<String> words;
    private final List<String> plurals;

    ShapeKind(List<String> words, List<String> plurals) {
        this.words = words;
        this.plurals = plurals;
    }

    public List<String> words() { return words; }

    /** Plural nouns, index-aligned with words(). */
    public List<String> plurals() { return plurals; }

    public String word() { return words.getFirst(); }
}
