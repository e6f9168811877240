package dev.kineto.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
    @TempDir Path dir;

    @Test
    void writtenDatasetReadsBackWithCaptionsScenesAndVideos() throws IOException {
        Clip clip = TestClips.movingShapes(32, 32, 4, 12);
        try (Dataset.Writer writer = Dataset.create(dir)) {
            writer.add(clip, "a red ball rolls right", "{\"objects\": 2}");
            writer.add(clip, "  two shapes pass  ", null);
        }
        List<Dataset.Entry> entries = Dataset.open(dir).entries();
        assertEquals(2, entries.size());
        assertEquals("a red ball rolls right", entries.getFirst().caption());
        assertEquals("{\"objects\": 2}", Files.readString(entries.getFirst().scene()));
        assertEquals("two shapes pass", entries.get(1).caption());
        assertNull(entries.get(1).scene());
        assertEquals(4, VideoFiles.read(entries.get(1).video()).frameCount());
        assertEquals("{\"video\":\"clips/000002.mp4\",\"caption\":\"two shapes pass\"}",
                Files.readAllLines(dir.resolve(Dataset.MANIFEST)).get(1));
    }

    @Test
    void folderWithoutManifestPairsVideosWithSameNamedCaptions() throws IOException {
        VideoFiles.write(TestClips.flat(16, 16, 2, 200, 0, 0), dir.resolve("b.mp4"));
        VideoFiles.write(TestClips.flat(16, 16, 2, 0, 200, 0), dir.resolve("a.gif"));
        Files.writeString(dir.resolve("a.txt"), "green\n");
        Files.writeString(dir.resolve("b.txt"), "red");
        List<Dataset.Entry> entries = Dataset.open(dir).entries();
        assertEquals(List.of("green", "red"), entries.stream().map(Dataset.Entry::caption).toList());
        assertEquals(dir.resolve("a.gif"), entries.getFirst().video());

        Files.delete(dir.resolve("b.txt"));
        assertMessage(dir, "b.mp4", "has no caption");
    }

    @Test
    void badManifestsSayWhichLineAndWhatIsWrong() throws IOException {
        Files.writeString(dir.resolve(Dataset.MANIFEST), "{\"video\": \"x.mp4\", \"caption\": \"hi\"}\nnot json\n");
        assertMessage(dir, "line 2", "not a JSON object");
        Files.writeString(dir.resolve(Dataset.MANIFEST), "{\"caption\": \"hi\"}\n");
        assertMessage(dir, "line 1", "needs a \"video\"");
        Files.writeString(dir.resolve(Dataset.MANIFEST), "{\"video\": \"x.mp4\", \"caption\": \"hi\"}\n");
        assertMessage(dir, "x.mp4", "missing");
        assertThrows(VideoFileException.class, () -> Dataset.create(dir), "refuses to overwrite a dataset");
    }

    @Test
    void emptyOrMissingFoldersAreClearErrors() {
        assertMessage(dir, dir.toString(), "holds no clips");
        assertMessage(dir.resolve("nowhere"), "nowhere", "no such dataset folder");
    }

    private static void assertMessage(Path dir, String names, String problem) {
        var e = assertThrows(VideoFileException.class, () -> Dataset.open(dir));
        assertTrue(e.getMessage().contains(names) && e.getMessage().contains(problem), e.getMessage());
    }
}
