package dev.kineto;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way, in main and in tests: cli (with bench beside it) → server → modes → model / training / evaluation →
 * world / video, and inside evaluation suite → scores → vision. Every mention of another package counts, imports and
 * names written in full alike.
 */
class DependencyDirectionTest {
    /** The packages each package may name besides itself; naming a package allows its sub-packages too. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("cli", Set.of("bench", "server", "modes", "model", "training", "evaluation", "world", "video")),
            Map.entry("bench", Set.of("cli", "server", "modes", "model", "training", "evaluation", "world", "video")),
            Map.entry("server", Set.of("modes", "model", "training", "evaluation", "world", "video")),
            Map.entry("modes", Set.of("model", "training", "evaluation", "world", "video")),
            Map.entry("training", Set.of("model", "world", "video")),
            Map.entry("evaluation", Set.of("model", "world", "video")),
            Map.entry("evaluation.suite", Set.of("evaluation.scores", "evaluation.vision", "model", "world", "video")),
            Map.entry("evaluation.scores", Set.of("evaluation.vision", "world", "video")),
            Map.entry("evaluation.vision", Set.of("world", "video")),
            // The model plans with the world's parser and simulator (Layout); the world never names the model.
            Map.entry("model", Set.of("world", "video")),
            Map.entry("world", Set.of("video")),
            Map.entry("video", Set.of()));

    /** Known exceptions, each to be removed with the change that ends it (the test fails while one is no longer needed). */
    private static final Set<String> PENDING = Set.of();

    private static final Pattern MENTION = Pattern.compile("\\bdev\\.kineto\\.([a-z]+(?:\\.[a-z]+)*)\\.(?=[A-Z*])");

    @Test
    void everyPackageNamesOnlyThePackagesBelowIt() throws IOException {
        List<String> wrong = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (String root : List.of("src/main/java", "src/test/java")) {
            try (Stream<Path> files = Files.walk(Path.of(root, "dev", "kineto"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Path relative = Path.of(root, "dev", "kineto").relativize(file);
                    if (relative.getNameCount() < 2) continue; // this test, above every package
                    String pkg = relative.getParent().toString().replace(java.io.File.separatorChar, '.');
                    assertTrue(ALLOWED.containsKey(pkg), "a package this test does not place: " + pkg + " (" + file + ")");
                    Matcher m = MENTION.matcher(Files.readString(file));
                    while (m.find()) {
                        String other = m.group(1);
                        String top = other.contains(".") ? other.substring(0, other.indexOf('.')) : other;
                        if (other.equals(pkg) || ALLOWED.get(pkg).contains(other) || ALLOWED.get(pkg).contains(top)) continue;
                        String edge = file + " -> " + other;
                        if (PENDING.contains(edge)) seen.add(edge);
                        else wrong.add(edge);
                    }
                }
            }
        }
        assertEquals(List.of(), wrong.stream().distinct().toList(), "dependencies against cli -> server -> modes -> model/training/evaluation -> world/video, evaluation.suite -> scores -> vision");
        assertEquals(new TreeSet<>(PENDING), seen, "a pending exception no longer needed: remove it from PENDING");
    }
}
