package dev.kineto.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks prompts against a policy of blocked words and phrases before they are queued. Both sides are normalised the
 * same way, so case, accents, look-alike characters and letters spelled apart ("k i l l", "k.i.l.l") do not slip through,
 * while whole-word matching keeps "skill" clear of "kill".
 */
public final class Moderation {
    /** Characters that read as a Latin letter: Cyrillic and Greek look-alikes, and digits or symbols used as letters. */
    private static final Map<Character, Character> LOOK_ALIKES = Map.ofEntries(
            Map.entry('а', 'a'), Map.entry('е', 'e'), Map.entry('о', 'o'), Map.entry('р', 'p'), Map.entry('с', 'c'),
            Map.entry('х', 'x'), Map.entry('у', 'y'), Map.entry('і', 'i'), Map.entry('ј', 'j'), Map.entry('ѕ', 's'),
            Map.entry('к', 'k'), Map.entry('м', 'm'), Map.entry('т', 't'), Map.entry('н', 'h'), Map.entry('в', 'b'),
            Map.entry('α', 'a'), Map.entry('ο', 'o'), Map.entry('ε', 'e'), Map.entry('ι', 'i'), Map.entry('κ', 'k'),
            Map.entry('ν', 'v'), Map.entry('ρ', 'p'), Map.entry('τ', 't'), Map.entry('υ', 'u'),
            Map.entry('0', 'o'), Map.entry('1', 'i'), Map.entry('3', 'e'), Map.entry('4', 'a'), Map.entry('5', 's'),
            Map.entry('7', 't'), Map.entry('@', 'a'), Map.entry('$', 's'), Map.entry('!', 'i'));

    private final List<Rule> rules;

    private record Rule(String phrase, List<String> words) {}

    private Moderation(List<String> phrases) {
        rules = phrases.stream().map(p -> new Rule(p, words(p))).filter(r -> !r.words().isEmpty()).toList();
    }

    /** The built-in policy, or the one in policyFile (one phrase a line, '#' comments) when given. */
    public static Moderation load(Path policyFile) {
        try (InputStream in = policyFile != null ? Files.newInputStream(policyFile)
                : Moderation.class.getResourceAsStream("moderation-policy.txt")) {
            List<String> phrases = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String phrase = line.replaceAll("#.*", "").strip();
                if (!phrase.isEmpty()) phrases.add(phrase);
            }
            return new Moderation(phrases);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read moderation policy " + policyFile + ": " + e.getMessage(), e);
        }
    }

    /** The policy phrase the text breaks, if any. */
    public Optional<String> check(String text) {
        Normalized normalized = normalize(text);
        for (Rule rule : rules) {
            String spelled = String.join("", rule.words());
            if (normalized.spelled().stream().anyMatch(run -> run.contains(spelled))) return Optional.of(rule.phrase());
            List<String> words = normalized.words();
            for (int i = 0; i + rule.words().size() <= words.size(); i++) {
                if (words.subList(i, i + rule.words().size()).equals(rule.words())) return Optional.of(rule.phrase());
            }
        }
        return Optional.empty();
    }

    /** Text as words, plus the runs of single letters in it ("k i l l" reads "kill"), which are matched inside as well. */
    record Normalized(List<String> words, List<String> spelled) {}

    /** Accents dropped, look-alikes mapped to Latin letters, everything that is not a letter a word break. */
    static Normalized normalize(String text) {
        String plain = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}", "").toLowerCase();
        StringBuilder mapped = new StringBuilder(plain.length());
        for (char ch : plain.toCharArray()) mapped.append(LOOK_ALIKES.getOrDefault(ch, ch));
        List<String> words = Arrays.stream(mapped.toString().split("[^\\p{L}]+")).filter(w -> !w.isEmpty()).toList();
        List<String> spelled = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        for (String w : words) {
            if (w.length() == 1) {
                run.append(w);
                continue;
            }
            if (run.length() > 1) spelled.add(run.toString());
            run.setLength(0);
        }
        if (run.length() > 1) spelled.add(run.toString());
        return new Normalized(words, spelled);
    }

    private static List<String> words(String phrase) {
        return normalize(phrase).words();
    }
}
