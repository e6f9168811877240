package dev.kineto.bench;

import static org.junit.jupiter.api.Assertions.*;

import dev.kineto.model.ModelConfig;
import dev.kineto.model.VideoModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `kineto bench peer`'s Python DiT is Dit.java's: same weights and inputs give the same velocity (run-tests installs python3-torch). */
class PythonPeerTest {
    @TempDir Path dir;

    @Test
    void thePythonDitGivesDitJavasVelocityOnTheSameWeightsAndInputs() throws Exception {
        PythonPeer peer = PythonPeer.find();
        ModelConfig config = ModelConfig.preset("tiny", 32, 32, 9, 8, List.of("a", "red", "ball", "moving", "right"));
        try (VideoModel model = new VideoModel(config, 3)) {
            PythonPeer.Figures figures = peer.run(model, "a red ball moving right", 1, 3);
            assertTrue(figures.difference() <= PythonPeer.TOLERANCE, "relative difference " + figures.difference());
            assertTrue(figures.seconds().get(3) > 0, figures.toString());
            PythonPeer.requireSame(figures);
        }
        var drifted = new PythonPeer.Figures(0.2, Map.of(), 1);
        var e = assertThrows(IllegalStateException.class, () -> PythonPeer.requireSame(drifted));
        assertTrue(e.getMessage().contains(PythonPeer.SCRIPT) && e.getMessage().contains("Dit.java"), e.getMessage());
    }

    @Test
    void findsThePythonThatHasTorchPastOnesThatDoNot() throws Exception {
        Path noTorch = dir.resolve("python3");
        Files.writeString(noTorch, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
        Files.setPosixFilePermissions(noTorch, PosixFilePermissions.fromString("rwxr-xr-x"));
        String withTorch = PythonPeer.find().python();
        assertEquals(withTorch, PythonPeer.find(List.of(noTorch.toString(), withTorch)).python());
        var e = assertThrows(IllegalStateException.class, () -> PythonPeer.find(List.of(noTorch.toString())));
        assertTrue(e.getMessage().contains(noTorch.toString()) && e.getMessage().contains("python3-torch"), e.getMessage());
    }
}
