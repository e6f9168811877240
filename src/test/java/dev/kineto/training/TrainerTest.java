package dev.kineto.training;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir Path dir;

    @Test
    void tinyRunTrainsBothStagesAndWritesEverything() throws Exception {
        int[][] combos = {{0, 2, 1}, {3, 1, 0}};
        ExampleSource source = TestClips.source(32, 9, combos);
        var options = new TrainOptions(dir, "tiny", 32, 32, 9, 8, 0.5, 0.4, 4, 8, 16, 0.2, 1);
        new Trainer(options, source, source, System.out).run();
        assertTrue(Files.exists(dir.resolve("model/model.safetensors")));
        assertTrue(Files.exists(dir.resolve("loss-vae.png")));
    }
}
