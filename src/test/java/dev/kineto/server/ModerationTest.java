package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModerationTest {
    final Moderation policy = Moderation.load(null);

    @Test
    void catchesDisguisedWordsAndPhrases() {
        for (String prompt : new String[] {"GORE everywhere", "a g o r e scene", "g.o.r.e", "gоrе (Cyrillic o and e)", "g0r3 fest",
                "ｇｏｒｅ fullwidth", "gõrë with accents", "CHILD   abuse", "ɡօrе (IPA g, Armenian o)", "ΤΟRΤURΕ in Greek capitals",
                "p0rn", "nսde (Armenian u)", "\uD835\uDD24\uD835\uDD2C\uD835\uDD2F\uD835\uDD22 (Fraktur)"}) {
            assertEquals(false, policy.check(prompt).isEmpty(), prompt);
        }
    }

    @Test
    void leavesInnocentWordsAlone() {
        for (String prompt : new String[] {"a red ball rolls left", "gorgeous sunset over a lake", "a porcupine", "a bird flies north",
                "a horn sounds", "a modern gorilla", "torte and nuts"}) {
            assertEquals(Optional.empty(), policy.check(prompt), prompt);
        }
    }

    @Test
    void readsAConfiguredPolicy(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("policy.txt"), "# house rules\nblue whale\n");
        Moderation custom = Moderation.load(file);
        assertEquals(Optional.of("blue whale"), custom.check("A BLUE  whale jumps"));
        assertEquals(Optional.empty(), custom.check("a blue sky, a whale"));
        assertEquals(Optional.empty(), custom.check("gore"), "the configured policy replaces the built-in one");
    }
}
