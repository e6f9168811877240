package dev.kineto.world;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Every phrase the world understands, by category, and the tokenizer that turns a caption into known words. */
final class Lexicon {

    /** What a word does in a caption. */
    enum Kind { COUNT, SIZE, COLOUR, SHAPE, MOTION, SPEED, RELATION, COLLIDE, BACKGROUND, BACKGROUND_KIND, STYLE, CAMERA, POSITION, ARTICLE, BOUNDARY, FILLER }

    /** A matched phrase: its kind, its meaning (an enum constant or a count) and the caption text it covered. */
    record Word(Kind kind, Object value, boolean plural, String text) {}

    static final List<String> ARTICLES = List.of("a", "an", "the", "another");
    static final List<String> BOUNDARIES = List.of("and", "with", "while", "whilst", "as", "but", "then", ",", ".", ";", ":", "!", "?");
    static final List<String> BACKGROUND_NOUNS = List.of("background", "backdrop", "texture");
    static final List<String> COLLIDE_WORDS = List.of("collide", "collides", "colliding", "crash into", "crashes into",
            "crashing into", "bump into", "bumps into", "bumping into", "hit each other", "hitting each other");
    static final Map<String, Integer> COUNTS = orderedCounts();
    /** Absolute positions, which the world does not model; known only to explain that relations place objects. */
    static final List<String> POSITIONS = List.of("on the left", "on the right", "at the top", "at the bottom",
            "in the middle", "in the center", "in the centre");
    private static final List<String> FILLERS = List.of("on", "in", "of", "is", "are", "it", "its", "that", "which",
            "from", "to", "into", "at", "there", "by", "against", "over", "front", "behind", "along", "across", "toward",
            "towards", "around", "round", "each", "other", "both", "scene", "video", "clip", "showing", "shows", "image",
            "picture", "animation", "drawn", "rendered", "style", "shading", "shaded", "camera", "diagonally", "screen",
            "frame", "illustration", "drawing", "together", "all", "very", "they", "them", "their", "itself",
            "made", "colored", "coloured", "shape", "shapes", "object", "objects", "here", "some", "sized", "path");

    private static final Lexicon INSTANCE = new Lexicon();

    private final Map<List<String>, Word> phrases = new HashMap<>();
    private final Map<String, List<String>> categories = new LinkedHashMap<>();
    private final Set<String> tokens = new TreeSet<>();
    private int longest = 1;

    private Lexicon() {
        for (ShapeKind s : ShapeKind.values()) {
            for (String w : s.words()) add("shapes", w, Kind.SHAPE, s, false);
            for (String w : s.plurals()) add("shapes (plural)", w, Kind.SHAPE, s, true);
        }
        for (Colour c : Colour.values()) for (String w : c.words()) add("colours", w, Kind.COLOUR, c, false);
        for (Size s : Size.values()) for (String w : s.words()) add("sizes", w, Kind.SIZE, s, false);
        COUNTS.forEach((w, n) -> add("counts", w, Kind.COUNT, n, false));
        for (Motion m : Motion.values()) for (String w : m.words()) add("motions", w, Kind.MOTION, m, false);
        for (String w : Motion.MOVE_PARTICIPLES) add("movement verbs (with a direction)", w, Kind.FILLER, null, false);
        for (String w : Motion.MOVE_FINITE) add("movement verbs (with a direction)", w, Kind.FILLER, null, false);
        for (Speed s : Speed.values()) {
            for (String w : s.adverbs()) add("speeds", w, Kind.SPEED, s, false);
            for (String w : s.adjectives()) add("speeds", w, Kind.SPEED, s, false);
        }
        for (Relation r : Relation.values()) for (String w : r.words()) add("relations", w, Kind.RELATION, r, false);
        for (String w : COLLIDE_WORDS) add("collisions", w, Kind.COLLIDE, Boolean.TRUE, false);
        for (String w : BACKGROUND_NOUNS) add("backgrounds", w, Kind.BACKGROUND, null, false);
        for (BackgroundKind k : BackgroundKind.values()) for (String w : k.words()) add("backgrounds", w, Kind.BACKGROUND_KIND, k, false);
        for (Style s : Style.values()) for (String w : s.words()) add("styles", w, Kind.STYLE, s, false);
        for (Camera c : Camera.values()) for (String w : c.words()) add("camera", w, Kind.CAMERA, c, false);
        for (String w : POSITIONS) add(null, w, Kind.POSITION, null, false);
        for (String w : ARTICLES) add("fillers", w, Kind.ARTICLE, null, false);
        for (String w : BOUNDARIES) add(null, w, Kind.BOUNDARY, null, false);
        for (String w : FILLERS) add("fillers", w, Kind.FILLER, null, false);
    }

    static Lexicon get() { return INSTANCE; }

    private static Map<String, Integer> orderedCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("one", 1);
        counts.put("1", 1);
        counts.put("two", 2);
        counts.put("2", 2);
        counts.put("a pair of", 2);
        counts.put("a couple of", 2);
        counts.put("three", 3);
        counts.put("3", 3);
        counts.put("a trio of", 3);
        return Collections.unmodifiableMap(counts);
    }

    private void add(String category, String phrase, Kind kind, Object value, boolean plural) {
        List<String> key = List.of(phrase.split(" "));
        Word word = new Word(kind, value, plural, phrase);
        Word old = phrases.putIfAbsent(key, word);
        if (old != null && (old.kind() != kind || !Objects.equals(old.value(), value) || old.plural() != plural)) {
            throw new IllegalStateException("the phrase '" + phrase + "' means two things: " + old + " and " + word);
        }
        longest = Math.max(longest, key.size());
        tokens.addAll(key);
        if (category != null) {
            List<String> list = categories.computeIfAbsent(category, c -> new ArrayList<>());
            if (!list.contains(phrase)) list.add(phrase);
        }
    }

    /** Every single word the lexicon knows. */
    Set<String> tokens() { return Collections.unmodifiableSet(tokens); }

    /** The caption as known words, longest phrase first; throws CaptionException naming every unknown word. */
    List<Word> read(String caption) {
        List<String> raw = split(caption);
        List<Word> words = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        int i = 0;
        while (i < raw.size()) {
            Word match = null;
            int length = Math.min(longest, raw.size() - i);
            for (; length > 0 && match == null; length--) {
                Word w = phrases.get(raw.subList(i, i + length));
                if (w != null) match = new Word(w.kind(), w.value(), w.plural(), String.join(" ", raw.subList(i, i + length)));
            }
            if (match == null) {
                if (!unknown.contains(raw.get(i))) unknown.add(raw.get(i));
                i++;
            } else {
                words.add(match);
                i += match.text().split(" ").length;
            }
        }
        if (!unknown.isEmpty()) {
            throw new CaptionException("could not understand " + quoteAll(unknown) + " in \"" + caption.strip() + "\". " + summary());
        }
        return words;
    }

    /** Lower-case words and punctuation marks; a hyphenated word the lexicon does not know is split at its hyphens. */
    private List<String> split(String caption) {
        String spaced = caption.toLowerCase(java.util.Locale.ROOT)
                .replaceAll("([,.;:!?])", " $1 ")
                .replaceAll("[\"()\\[\\]{}]", " ");
        List<String> out = new ArrayList<>();
        for (String w : spaced.trim().split("\\s+")) {
            if (w.isEmpty()) continue;
            if (w.contains("-") && !tokens.contains(w)) out.addAll(splitHyphens(w));
            else out.add(w);
        }
        return out;
    }

    /** "chocolate-to-jet-black" → chocolate, to, jet-black: the longest known hyphenated runs, else single parts. */
    private List<String> splitHyphens(String word) {
        List<String> parts = Arrays.stream(word.split("-")).filter(p -> !p.isEmpty()).toList();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); ) {
            int j = parts.size();
            while (j > i + 1 && !tokens.contains(String.join("-", parts.subList(i, j)))) j--;
            out.add(String.join("-", parts.subList(i, j)));
            i = j;
        }
        return out;
    }

    /** What the world understands, in brief: the canonical word of each kind, for error messages. */
    static String summary() {
        return "The world understands shapes (" + words(ShapeKind.values(), ShapeKind::word)
                + "), colours (" + words(Colour.values(), Colour::word)
                + "), sizes (" + words(Size.values(), Size::word)
                + "), counts (one, two, three), motions (still, moving " + words(Motion.values(), m -> m.directions().isEmpty() ? null : m.directions().getFirst())
                + ", " + words(Motion.values(), m -> m.participles().isEmpty() || !m.directions().isEmpty() || m == Motion.STILL ? null : m.participles().getFirst())
                + "), speeds (slowly, quickly), relations (" + words(Relation.values(), Relation::word)
                + "), collisions (collide), backgrounds (on a blue background; " + words(BackgroundKind.values(), BackgroundKind::word)
                + "), styles (" + words(Style.values(), Style::word)
                + ") and camera moves (pans left, pans right, zooms in, zooms out); 'kineto world words' lists every synonym.";
    }

    private static <T> String words(T[] values, java.util.function.Function<T, String> word) {
        return String.join(", ", Arrays.stream(values).map(word).filter(Objects::nonNull).toList());
    }

    /** Every phrase the world understands, by category. */
    String describe() {
        StringBuilder sb = new StringBuilder("The world understands:");
        categories.forEach((category, list) -> sb.append("\n  ").append(category).append(": ").append(String.join(", ", list)).append(';'));
        return sb.toString();
    }

    static String quoteAll(List<String> words) {
        return String.join(", ", words.stream().map(w -> "'" + w + "'").toList());
    }
}
