package dev.kineto.world;

import java.util.List;

/** The colours the world paints with; the first word is the canonical name, the rest are synonyms captions may use. */
public enum Colour {
    RED(0xE02424, "red", "crimson", "scarlet"),
    ORANGE(0xF5841F, "orange", "tangerine"),
    YELLOW(0xF5D423, "yellow", "golden", "lemon"),
    GREEN(0x2EAA3C, "green", "emerald", "lime"),
    BLUE(0x2A5BE0, "blue", "azure", "cobalt"),
    PURPLE(0x8A2FC4, "purple", "violet", "lilac"),
    WHITE(0xFFFFFF, "white", "snow-white", "ivory"),
    GRAY(0x808080, "gray", "grey", "silver"),
    PINK(0xF27FB2, "pink", "rose"),
    CYAN(0x1FC8D8, "cyan", "turquoise", "teal", "aqua"),
    BROWN(0x8B5A2B, "brown", "chocolate"),
    BLACK(0x000000, "black", "jet-black", "ebony");

    private final int rgb;
    private final List<String> words;

    Colour(int rgb, String... words) {
        this.rgb = rgb;
        this.words = List.of(words);
    }

    /** 0xRRGGBB. */
    public int rgb() { return rgb; }

    public List<String> words() { return words; }

    public String word() { return words.getFirst(); }
}
