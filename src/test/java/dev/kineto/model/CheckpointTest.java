package dev.kineto.model;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir Path dir;

    @Test
    void roundTripsTensorsBitForBit() throws Exception {
        Map<String, Checkpoint.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", new Checkpoint.Tensor(new long[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, 0, 7}));
        tensors.put("b.c", new Checkpoint.Tensor(new long[] {1}, new float[] {42}));
        Path file = dir.resolve("t.safetensors");
        Checkpoint.writeTensors(file, tensors);
        var read = Checkpoint.read(file);
        assertEquals(List.of("a", "b.c"), List.copyOf(read.keySet()));
        assertArrayEquals(tensors.get("a").data(), read.get("a").data());
        assertArrayEquals(new long[] {2, 3}, read.get("a").shape());
    }

    @Test
    void truncatedCorruptAndMissingFilesFailWithAClearMessage() throws Exception {
        Path model = dir.resolve("model");
        try (VideoModel m = TinyModel.create(1)) {
            m.save(model, Map.of());
        }
        Path weights = model.resolve(VideoModel.WEIGHTS_FILE);
        byte[] good = Files.readAllBytes(weights);

        Files.write(weights, java.util.Arrays.copyOf(good, good.length / 2));
        assertMessage(model, "corrupt");
        Files.write(weights, java.util.Arrays.copyOf(good, 5));
        assertMessage(model, "truncated");
        byte[] flipped = good.clone();
        flipped[flipped.length - 10] ^= 0x55;
        Files.write(weights, flipped);
        assertMessage(model, "checksum");
        byte[] garbage = good.clone();
        garbage[9] = '#';
        Files.write(weights, garbage);
        assertMessage(model, "not valid JSON");
        Files.delete(weights);
        assertMessage(model, "not found");
        Files.writeString(model.resolve(VideoModel.CONFIG_FILE), "{ nope");
        assertMessage(model, "not a valid model config");
    }

    @Test
    void aCheckpointOfAnotherConfigurationIsRejectedNamingTheTensor() throws Exception {
        Path model = dir.resolve("model");
        try (VideoModel m = TinyModel.create(1)) {
            m.save(model, Map.of());
        }
        ModelConfig tiny = ModelConfig.read(model.resolve(VideoModel.CONFIG_FILE));
        new ModelConfig(tiny.preset(), tiny.vae(), tiny.text(), new Dit.Config(2, 48, 2, 2), tiny.width(), tiny.height(), tiny.frames(), tiny.fps(),
                tiny.shift(), tiny.latentMean(), tiny.latentStd(), tiny.vocabulary(), tiny.representation()).write(model.resolve(VideoModel.CONFIG_FILE));
        assertMessage(model, "mismatched configuration");
    }

    private static void assertMessage(Path model, String expected) {
        var e = assertThrows(java.io.IOException.class, () -> VideoModel.load(model).close());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains(model.toString()), "the message names the file: " + e.getMessage());
    }
}
