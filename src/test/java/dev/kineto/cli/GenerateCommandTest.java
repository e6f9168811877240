package dev.kineto.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.kineto.model.ModelConfig;
import dev.kineto.model.VideoModel;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {
    @TempDir Path dir;
    Path model;

    @BeforeEach
    void saveATinyModel() throws Exception {
        model = dir.resolve("model");
        try (var m = new VideoModel(ModelConfig.preset("tiny", 32, 32, 9, 8, List.of("a", "red", "ball", "moving", "right")), 1)) {
            m.save(model, Map.of());
        }
    }

    @Test
    void writesAnMp4OfTheAskedAspectLengthAndFpsAndWarnsAboutUnknownWords() throws Exception {
        Path out = dir.resolve("out.mp4");
        String err = run(0, "generate", "a red ball zigzagging", "--model", model.toString(), "-o", out.toString(),
                "--aspect", "16:9", "--seconds", "1", "--fps", "8", "--steps", "2", "--seed", "7", "--style", "pixel_art");
        assertTrue(err.contains("zigzagging"), err);
        assertTrue(err.lines().anyMatch(line -> line.startsWith("sampling 100%") && line.contains("2/2 steps")), "a plain progress line, stderr being no terminal: " + err);
        assertFalse(err.contains("\r"), err);
        Clip clip = VideoFiles.read(out);
        assertEquals(64, clip.width());
        assertEquals(32, clip.height());
        assertEquals(9, clip.frameCount());
    }

    @Test
    void badArgumentsSayWhatToFix() throws Exception {
        String base = model.toString();
        assertTrue(run(1, "generate", "a ball", "--model", base, "--aspect", "4:3").contains("aspect must be 16:9, 9:16 or 1:1"));
        assertTrue(run(1, "generate", "a ball", "--model", base, "--size", "big").contains("size must look like 64x64"));
        assertTrue(run(1, "generate", "a ball", "--model", base, "--style", "oil").contains("unknown style 'oil'"));
        assertTrue(run(1, "generate", "a ball", "--model", base, "--sampler", "rk4").contains("unknown sampler"));
        assertTrue(run(1, "generate", "a ball", "--model", dir.resolve("nothing").toString()).contains("config file not found"));
        Files.writeString(model.resolve(VideoModel.WEIGHTS_FILE), "not a checkpoint");
        assertTrue(run(1, "generate", "a ball", "--model", base).contains(VideoModel.WEIGHTS_FILE));
    }

    @Test
    void libtorchsDeprecationWarningStaysQuietUnlessVerbose() throws Exception {
        String quiet = runInChildJvm("generate", "a red ball", "--model", model.toString(), "-o", dir.resolve("quiet.mp4").toString(), "--steps", "1", "--seconds", "0.5");
        assertFalse(quiet.contains("AutoNonVariableTypeMode"), quiet);
        assertTrue(quiet.contains("wrote "), quiet);
        String verbose = runInChildJvm("generate", "a red ball", "--model", model.toString(), "-o", dir.resolve("verbose.mp4").toString(), "--steps", "1",
                "--seconds", "0.5", "--verbose");
        assertTrue(verbose.contains("AutoNonVariableTypeMode is deprecated"), verbose);
    }

    /** Runs the CLI in a child JVM (libtorch prints its warning once a process, straight to file descriptor 2); returns stdout and stderr. */
    private static String runInChildJvm(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("KINETO_VERBOSE");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        return output;
    }

    /** Runs the CLI, checks the exit code, returns what it printed on stderr. */
    private static String run(int expectedExit, String... args) {
        PrintStream original = System.err;
        var err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            assertEquals(expectedExit, Main.run(args), () -> "exit code for " + String.join(" ", args) + ": " + err);
        } finally {
            System.setErr(original);
        }
        return err.toString();
    }
}
