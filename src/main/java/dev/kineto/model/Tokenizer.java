package dev.kineto.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Word-level tokenizer: lower-cased words of letters and digits; id 0 pads, 1 starts every caption, 2 is any unknown word. */
public final class Tokenizer {
    public static final int PAD = 0, START = 1, UNKNOWN = 2;
    private static final List<String> SPECIAL = List.of("<pad>", "<start>", "<unk>");

    private final List<String> words;
    private final Map<String, Integer> ids = new HashMap<>();
    private final int maxLength;

    /** A tokenizer over vocabulary (the special tokens are added in front); captions are cut at maxLength tokens. */
    public Tokenizer(List<String> vocabulary, int maxLength) {
        var all = new LinkedHashSet<>(SPECIAL);
        all.addAll(vocabulary);
        this.words = List.copyOf(all);
        for (int i = 0; i < words.size(); i++) ids.put(words.get(i), i);
        this.maxLength = maxLength;
    }

    /** A vocabulary from words and from every word of the captions, sorted. */
    public static List<String> vocabulary(Collection<String> words, Collection<String> captions) {
        var all = new TreeSet<String>();
        for (String w : words) all.addAll(split(w));
        for (String c : captions) all.addAll(split(c));
        return List.copyOf(all);
    }

    /** The words of a text, lower-cased, without punctuation. */
    public static List<String> split(String text) {
        var out = new ArrayList<String>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) if (!w.isEmpty()) out.add(w);
        return out;
    }

    /** Every word of the vocabulary, special tokens first; the index is the id. */
    public List<String> words() { return words; }

    public int size() { return words.size(); }

    public int maxLength() { return maxLength; }

    /** START followed by the word ids, at most maxLength in all. */
    public int[] encode(String text) {
        List<String> split = split(text);
        int n = Math.min(maxLength, split.size() + 1);
        int[] out = new int[n];
        out[0] = START;
        for (int i = 1; i < n; i++) out[i] = ids.getOrDefault(split.get(i - 1), UNKNOWN);
        return out;
    }

    /** The words of text that the model never saw in training, in order, once each. */
    public Set<String> unknownWords(String text) {
        var out = new LinkedHashSet<String>();
        for (String w : split(text)) if (!ids.containsKey(w)) out.add(w);
        return out;
    }
}
