package dev.kineto.evaluation.suite;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A fixed, versioned prompt set: every prompt with its category and seed, and the size, length and frame rate its
 * videos are generated at. Built-in suites live in src/main/resources/suites/NAME.json.
 */
public record Suite(String name, int version, int width, int height, int frames, double fps, List<Prompt> prompts) {

    /** The names of the suites shipped in the jar. */
    public static final List<String> BUILT_IN = List.of("world-v1");

    /** One prompt of the suite; seed makes its generation reproducible. */
    public record Prompt(String id, String category, String prompt, long seed) {}

    public Suite {
        prompts = List.copyOf(prompts);
        if (prompts.isEmpty()) throw new IllegalArgumentException("suite " + name + " has no prompts");
    }

    /** A built-in suite by name (e.g. world-v1), or a suite JSON file by path. */
    public static Suite load(String nameOrPath) throws IOException {
        ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        try (InputStream builtIn = Suite.class.getResourceAsStream("/suites/" + nameOrPath + ".json")) {
            if (builtIn != null) return json.readValue(builtIn, Suite.class);
        }
        Path file = Path.of(nameOrPath);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no suite '" + nameOrPath + "': give a built-in suite (" + String.join(", ", BUILT_IN)
                    + ") or the path of a suite JSON file");
        }
        return json.readValue(file.toFile(), Suite.class);
    }

    /** The same suite cut to the first n prompts of each category, for a quick look. */
    public Suite firstOfEachCategory(int n) {
        java.util.Map<String, Integer> taken = new java.util.HashMap<>();
        List<Prompt> kept = prompts.stream().filter(p -> taken.merge(p.category(), 1, Integer::sum) <= n).toList();
        return new Suite(name, version, width, height, frames, fps, kept);
    }

    /** Categories in the order they first appear. */
    public List<String> categories() {
        return List.copyOf(new LinkedHashSet<>(prompts.stream().map(Prompt::category).toList()));
    }
}
