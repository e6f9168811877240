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
 * world / video. Every mention of another package counts, imports and names written in full alike.
 */
class DependencyDirectionTest {
    /** The packages each package may name besides itself. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "cli", Set.of("bench", "server", "modes", "model", "training", "evaluation", "world", "video"),
            "bench", Set.of("cli", "server", "modes", "model", "training", "evaluation", "world", "video"),
            "server", Set.of("modes", "model", "training", "evaluation", "world", "video"),
            "modes", Set.of("model", "training", "evaluation", "world", "video"),
            "training", Set.of("model", "world", "video"),
            "evaluation", Set.of("model", "world", "video"),
            "model", Set.of("video"),
            "world", Set.of("video"),
            "video", Set.of());

    /** Known exceptions, each to be removed with the change that ends it (the test fails while one is no longer needed). */
    private static final Set<String> PENDING = Set.of();

    private static final Pattern MENTION = Pattern.compile("\\bdev\\.kineto\\.([a-z]+)\\.");

    @Test
    void everyPackageNamesOnlyThePackagesBelowIt() throws IOException {
        List<String> wrong = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (String root : List.of("src/main/java", "src/test/java")) {
            try (Stream<Path> files = Files.walk(Path.of(root, "dev", "kineto"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Path relative = Path.of(root, "dev", "kineto").relativize(file);
                    if (relative.getNameCount() < 2) continue; // this test, above every package
                    String pkg = relative.getName(0).toString();
                    assertTrue(ALLOWED.containsKey(pkg), "a package this test does not place: " + pkg + " (" + file + ")");
                    Matcher m = MENTION.matcher(Files.readString(file));
                    while (m.find()) {
                        String other = m.group(1);
                        if (other.equals(pkg) || ALLOWED.get(pkg).contains(other)) continue;
                        String edge = file + " -> " + other;
                        if (PENDING.contains(edge)) seen.add(edge);
                        else wrong.add(edge);
                    }
                }
            }
        }
        assertEquals(List.of(), wrong.stream().distinct().toList(), "dependencies against cli -> server -> model/training/evaluation -> world/video");
        assertEquals(new TreeSet<>(PENDING), seen, "a pending exception no longer needed: remove it from PENDING");
    }
}
