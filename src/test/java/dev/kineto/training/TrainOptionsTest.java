package dev.kineto.training;

import static org.junit.jupiter.api.Assertions.*;

import dev.kineto.model.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainOptionsTest {
    private static TrainOptions options(String preset, int width, int height, int frames) {
        return new TrainOptions(Path.of("run"), preset, width, height, frames, 8, 10, 0.5, 2, 4, 8, false, 10, 1, 0, 0, 0);
    }

    @Test
    void theTrainingSizeFollowsTheSameRuleAsARequestToTheModel() {
        for (String preset : ModelConfig.PRESETS) {
            int multiple = ModelConfig.preset(preset, 64, 64, 17, 8, List.of()).rules().sizeMultiple();
            assertEquals(3 * multiple, options(preset, 3 * multiple, 2 * multiple, 9).width(), preset + " trains at any size it generates");
            var refused = assertThrows(IllegalArgumentException.class, () -> options(preset, 60, 64, 9), preset);
            assertTrue(refused.getMessage().contains("multiples of " + multiple + " "), refused.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options("tiny", 32, 32, 11)).getMessage().contains("4k+1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> options("tiny", 32, 32, 1)).getMessage().contains("at least 5"));
    }
}
