package dev.kineto.server;

import com.ibm.icu.text.SpoofChecker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Checks prompts against a policy of blocked words and phrases before they are queued. Both sides are normalised the
 * same way, so case, accents, look-alike characters and letters spelled apart ("k i l l", "k.i.l.l") do not slip through,
 * while whole-word matching keeps "skill" clear of "kill". Look-alikes are Unicode's confusables, through ICU's
 * {@link SpoofChecker} skeleton (Cyrillic, Greek, Armenian, IPA and the rest, kept current with Unicode).
 */
public final class Moderation {
    /**
     * Digits and symbols written for letters ("g0r3"). Unicode's confusables do not cover them (to it "3" looks like
     * "Ʒ", not "e"), so they are mapped first.
     */
    private static final Map<Character, Character> LEET = Map.of('0', 'o', '1', 'i', '3', 'e', '4', 'a', '5', 's', '7', 't',
            '@', 'a', '$', 's', '!', 'i');
    /** Immutable once built, so one serves every request thread. */
    private static final SpoofChecker CONFUSABLES = new SpoofChecker.Builder().build();

    private final List<Rule> rules;

    /** A phrase as words in each of {@link #readings}. */
    private record Rule(String phrase, List<List<String>> words) {}

    private Moderation(List<String> phrases) {
        rules = phrases.stream().map(p -> new Rule(p, readings(p).stream().map(Normalized::words).toList()))
                .filter(r -> !r.words().getFirst().isEmpty()).toList();
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
        List<Normalized> readings = readings(text);
        for (Rule rule : rules) {
            for (int r = 0; r < readings.size(); r++) {
                if (readings.get(r).contains(rule.words().get(r))) return Optional.of(rule.phrase());
            }
        }
        return Optional.empty();
    }

    /** Text as words, plus the runs of single letters in it ("k i l l" reads "kill"), which are matched inside as well. */
    record Normalized(List<String> words, List<String> spelled) {
        boolean contains(List<String> phrase) {
            String joined = String.join("", phrase);
            if (spelled.stream().anyMatch(run -> run.contains(joined))) return true;
            for (int i = 0; i + phrase.size() <= words.size(); i++) {
                if (words.subList(i, i + phrase.size()).equals(phrase)) return true;
            }
            return false;
        }
    }

    /**
     * The text read in lower and in upper case: confusables differ by case (Greek "Τ" looks like "T" but "τ" like no
     * Latin letter; "I" like "l" but "i" not), so a disguise in either case is caught by one of the two readings.
     */
    static List<Normalized> readings(String text) {
        String plain = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        StringBuilder unleet = new StringBuilder(plain.length());
        for (char ch : plain.toCharArray()) unleet.append(LEET.getOrDefault(ch, ch));
        return List.of(normalize(unleet.toString().toLowerCase(Locale.ROOT)), normalize(unleet.toString().toUpperCase(Locale.ROOT)));
    }

    /** Look-alikes mapped to their skeleton, accents dropped, everything that is not a letter a word break. */
    private static Normalized normalize(String cased) {
        String skeleton = CONFUSABLES.getSkeleton(cased).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
        List<String> words = Arrays.stream(skeleton.split("[^\\p{L}]+")).filter(w -> !w.isEmpty()).toList();
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
}
