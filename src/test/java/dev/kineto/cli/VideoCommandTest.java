package dev.kineto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoCommandTest {
    @TempDir Path dir;

    @Test
    void infoPrintsJsonAndConvertResizesAndRetimes() throws Exception {
        Path mp4 = dir.resolve("in.mp4");
        VideoFiles.write(new Clip(32, 24, 24, Collections.nCopies(12, new byte[32 * 24 * 3])), mp4);

        JsonNode info = new ObjectMapper().readTree(stdoutOf("video", "info", mp4.toString()));
        assertEquals(32, info.get("width").asInt());
        assertEquals(24, info.get("height").asInt());
        assertEquals(12, info.get("frames").asInt());
        assertEquals(0.5, info.get("seconds").asDouble(), 1e-9);

        Path out = dir.resolve("out.mp4");
        assertEquals(0, Main.run("video", "convert", mp4.toString(), out.toString(), "--size", "16x16", "--fps", "12"));
        Clip converted = VideoFiles.read(out);
        assertEquals(16, converted.width());
        assertEquals(6, converted.frameCount());
        assertEquals(12, converted.fps(), 1e-6);
    }

    @Test
    void badInputsExitWithOneAndWriteNothing() {
        assertEquals(1, Main.run("video", "info", dir.resolve("missing.mp4").toString()));
        Path out = dir.resolve("never.mp4");
        assertEquals(1, Main.run("video", "convert", dir.resolve("missing.mp4").toString(), out.toString()));
        assertEquals(1, Main.run("video", "convert", "x.mp4", out.toString(), "--size", "big"));
        assertFalse(Files.exists(out));
    }

    private static String stdoutOf(String... args) {
        PrintStream original = System.out;
        var captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            assertEquals(0, Main.run(args));
        } finally {
            System.setOut(original);
        }
        String text = captured.toString().strip();
        assertTrue(text.startsWith("{"), text);
        return text;
    }
}
