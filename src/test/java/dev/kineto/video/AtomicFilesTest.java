package dev.kineto.video;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir Path dir;

    @Test
    void outputsAreReadableByOthersLikeAnyPublishedFile() throws IOException {
        Path out = dir.resolve("video.mp4");
        AtomicFiles.write(out, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(out));
        assertTrue(Files.getPosixFilePermissions(out).contains(PosixFilePermission.OTHERS_READ));
    }

    @Test
    void aFailingWriterLeavesNeitherTargetNorTemporary() throws IOException {
        Path out = dir.resolve("video.mp4");
        assertThrows(IOException.class, () -> AtomicFiles.write(out, tmp -> {
            Files.write(tmp, new byte[] {9});
            throw new IOException("encoder broke");
        }));
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count());
        }
    }
}
