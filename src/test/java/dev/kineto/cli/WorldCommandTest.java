package dev.kineto.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kineto.video.Clip;
import dev.kineto.video.Dataset;
import dev.kineto.video.VideoFiles;
import dev.kineto.world.Motion;
import dev.kineto.world.Scene;
import dev.kineto.world.Split;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldCommandTest {
    @TempDir Path dir;

    @Test
    void renderWritesTheVideoAndItsSceneBesideIt() throws Exception {
        Path out = dir.resolve("clip.mp4");
        assertEquals(0, Main.run("world", "render", "a small green triangle bouncing on a gray background", "-o", out.toString(),
                "--size", "64x48", "--seconds", "1", "--fps", "8"));
        Clip clip = VideoFiles.read(out);
        assertEquals(List.of(64, 48, 8), List.of(clip.width(), clip.height(), clip.frameCount()));
        Scene scene = Scene.fromJson(Files.readString(dir.resolve("clip.json")));
        assertEquals(Motion.BOUNCE, scene.description().objects().getFirst().motion());
        assertEquals(8, scene.tracks().getFirst().states().size());

        Path gif = dir.resolve("clip.gif"), json = dir.resolve("elsewhere/scene.json");
        assertEquals(0, Main.run("world", "render", "a red ball", "-o", gif.toString(), "--scene-json", json.toString(), "--size", "32x32", "--seconds", "0.5"));
        assertTrue(Files.isRegularFile(gif) && Files.isRegularFile(json));
    }

    @Test
    void sampleWritesADatasetOfCaptionedClipsWithScenes() throws Exception {
        Path out = dir.resolve("heldout");
        assertEquals(0, Main.run("world", "sample", "--count", "3", "--out", out.toString(), "--split", "heldout",
                "--size", "32x32", "--seconds", "0.5", "--fps", "8", "--seed", "4"));
        List<Dataset.Entry> entries = Dataset.open(out).entries();
        assertEquals(3, entries.size());
        for (Dataset.Entry e : entries) {
            Scene scene = Scene.fromJson(Files.readString(e.scene()));
            assertTrue(Split.HELDOUT.contains(scene.description()));
            assertEquals(4, VideoFiles.read(e.video()).frameCount());
            assertTrue(!e.caption().isBlank());
        }
        Path again = dir.resolve("again");
        assertEquals(0, Main.run("world", "sample", "--count", "3", "--out", again.toString(), "--split", "HELDOUT",
                "--size", "32x32", "--seconds", "0.5", "--fps", "8", "--seed", "4"));
        assertArrayEquals(Files.readAllBytes(out.resolve(Dataset.MANIFEST)), Files.readAllBytes(again.resolve(Dataset.MANIFEST)));
        assertArrayEquals(Files.readAllBytes(entries.getFirst().video()), Files.readAllBytes(again.resolve("clips/000001.mp4")), "same seed, same bytes");
    }

    @Test
    void eachBadInputGivesItsErrorAndLeavesNoFile() throws Exception {
        String out = dir.resolve("out.mp4").toString();
        assertFails(1, "'dragon'", "world", "render", "a green dragon flying", "-o", out);
        assertFails(1, "names no shape", "world", "render", "on a blue background", "-o", out);
        assertFails(1, "empty", "world", "render", " ", "-o", out);
        assertFails(1, "cannot write '.avi'", "world", "render", "a red ball", "-o", dir.resolve("out.avi").toString());
        assertFails(2, "256x256", "world", "render", "a red ball", "-o", out, "--size", "big");
        assertFails(2, "between 8x8", "world", "render", "a red ball", "-o", out, "--size", "4x4");
        assertFails(1, "must be positive", "world", "render", "a red ball", "-o", out, "--fps", "0");
        assertFails(2, "Missing required option", "world", "render", "a red ball");
        assertFails(2, "'train' or 'heldout'", "world", "sample", "--out", dir.resolve("d").toString(), "--split", "test");
        assertFails(1, "--count", "world", "sample", "--out", dir.resolve("d").toString(), "--count", "0");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "nothing written");
        }
    }

    private static void assertFails(int code, String message, String... args) {
        PrintStream original = System.err;
        var captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            assertEquals(code, Main.run(args), String.join(" ", args));
        } finally {
            System.setErr(original);
        }
        String err = captured.toString();
        assertTrue(err.contains(message), err);
        assertTrue(err.lines().findFirst().orElse("").contains(code == 1 ? "kineto: " : ""), err);
    }
}
