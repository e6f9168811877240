package dev.kineto.training;

import static org.junit.jupiter.api.Assertions.*;

import dev.kineto.video.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderSourceTest {
    @TempDir Path dir;

    @Test
    void trainsOnAFolderOfCaptionedClipsCroppedAndPaddedToTheTrainingFormat() throws Exception {
        Path data = dir.resolve("data");
        try (var writer = Dataset.create(data)) {
            writer.add(TestClips.clip(0, 2, true, 48, 5), TestClips.caption(0, 2, true), null);
            writer.add(TestClips.clip(3, 1, false, 48, 5), TestClips.caption(3, 1, false), null);
        }
        var source = new FolderSource(Dataset.open(data), 32, 32, 9);
        Example example = source.get(3);
        assertEquals(32, example.clip().width());
        assertEquals(9, example.clip().frameCount(), "5 frames are padded to 9 by holding the last");
        assertEquals(TestClips.caption(3, 1, false), example.captions().getFirst());

        var options = new TrainOptions(dir.resolve("run"), "tiny", 32, 32, 9, 8, 10, 0.5, 2, 4, 8, false, 10, 1, 5, 5, 0);
        new Trainer(options, source, source, new PrintStream(new ByteArrayOutputStream())).run();
        assertTrue(Files.exists(dir.resolve("run/model/model.safetensors")));
    }
}
