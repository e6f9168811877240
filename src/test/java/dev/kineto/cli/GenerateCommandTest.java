package dev.kineto.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kineto.evaluation.scores.Evaluator;
import dev.kineto.evaluation.scores.ModeScores;
import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.ModelConfig;
import dev.kineto.model.RequestRules;
import dev.kineto.model.VideoModel;
import dev.kineto.server.KinetoServer;
import dev.kineto.server.ServerConfig;
import dev.kineto.server.User;
import dev.kineto.video.Clip;
import dev.kineto.video.Psnr;
import dev.kineto.video.VideoFiles;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        assertEquals(56, clip.width(), "the short side's 32 × 16/9, in the tiny model's multiples of 8, as the API makes it");
        assertEquals(32, clip.height());
        assertEquals(9, clip.frameCount());
    }

    @Test
    void aSeedGeneratePrintsIsAcceptedByTheApi(@TempDir Path data) throws Exception {
        String printed = stdout(() -> run(0, "generate", "a red ball", "--model", model.toString(), "--steps", "1", "-o", dir.resolve("seeded.mp4").toString()));
        Matcher seed = Pattern.compile("seed (\\d+)").matcher(printed);
        assertTrue(seed.find(), printed);
        try (var generator = DiffusionGenerator.load(model); var server = KinetoServer.start(ServerConfig.defaults(data, 0), generator)) {
            String key = server.store().accounts().createUser("cli", User.FREE, false, 0).apiKey();
            var request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/v1/videos")).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"a red ball\", \"steps\": 1, \"seed\": " + seed.group(1) + "}")).build();
            try (var http = HttpClient.newHttpClient()) {
                var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                assertEquals(201, response.statusCode(), "seed " + seed.group(1) + ": " + response.body());
                assertEquals(seed.group(1), new ObjectMapper().readTree(response.body()).path("seed").asText(), "the same seed, so the same video");
            }
        }
    }

    @Test
    void theSizeRuleInTheHelpAndInTheErrorIsTheModels() throws Exception {
        var bundled = ModelConfig.read(DiffusionGenerator.defaultModelDir().resolve(VideoModel.CONFIG_FILE)).rules();
        String help = stdout(() -> run(0, "generate", "--help")).replaceAll("\\s+", " ");
        assertTrue(help.contains("multiples of the model's patch: " + bundled.sizeMultiple() + " for the bundled model"), help);
        String err = run(1, "generate", "a ball", "--size", "60x60", "-o", dir.resolve("never.mp4").toString());
        assertTrue(err.contains("multiples of " + bundled.sizeMultiple() + " "), "the bundled model's rule, as the help says: " + err);
        String tiny = run(1, "generate", "a ball", "--model", model.toString(), "--size", "60x60", "-o", dir.resolve("never.mp4").toString());
        assertTrue(tiny.contains("multiples of 8 "), "the tiny model's patch of 2 latent cells of 4 pixels: " + tiny);
    }

    @Test
    void badArgumentsSayWhatToFix() throws Exception {
        String base = model.toString();
        assertTrue(run(1, "generate", "a ball", "--model", base, "--cfg", "25").contains("cfg must be from 0 to " + RequestRules.fmt(RequestRules.MAX_CFG) + ","),
                "the API's cap");
        assertTrue(run(1, "generate", "a ball", "--model", base, "--seed", "-1").contains("seed must be from 0 to " + RequestRules.MAX_SEED));
        assertTrue(run(1, "generate", "a ball", "--model", base, "--aspect", "4:3").contains("aspect_ratio \"4:3\" is not supported; use one of 16:9, 9:16, 1:1"));
        assertTrue(run(1, "generate", "a ball", "--model", base, "--size", "big").contains("size must look like 64x64"));
        assertTrue(run(1, "generate", "a ball", "--model", base, "--style", "oil").contains("unknown style 'oil'"));
        assertTrue(run(1, "generate", "a ball", "--model", base, "--sampler", "rk4").contains("unknown sampler"));
        assertTrue(run(1, "generate", "a ball", "--model", dir.resolve("nothing").toString()).contains("config file not found"));
        Files.writeString(model.resolve(VideoModel.WEIGHTS_FILE), "not a checkpoint");
        assertTrue(run(1, "generate", "a ball", "--model", base).contains(VideoModel.WEIGHTS_FILE));
    }

    @Test
    void aPixelModelAnimatesAnImageGoesBetweenTwoAndExtendsAClipWindowByWindow() throws Exception {
        Path pixel = dir.resolve("pixel");
        try (var m = new VideoModel(ModelConfig.preset("pixel-tiny", 32, 32, 9, 8, List.of("a", "red", "ball", "moving", "right")), 1)) {
            m.save(pixel, Map.of());
        }
        Path first = dir.resolve("first.png"), last = dir.resolve("last.jpg");
        ImageIO.write(card(64, 48, 0xd02020), "png", first.toFile()); // not the output's size: scaled to cover and centre-cropped
        ImageIO.write(card(32, 32, 0x2040d0), "jpg", last.toFile());

        Path animated = dir.resolve("animated.mp4");
        run(0, "generate", "a red ball moving right", "--model", pixel.toString(), "--image", first.toString(), "--steps", "2", "--seconds", "1", "-o", animated.toString());
        Clip clip = VideoFiles.read(animated);
        assertTrue(Psnr.of(VideoFiles.read(first, 32, 32, 1), clip.frame(0)) >= 30, "first frame PSNR " + Psnr.of(VideoFiles.read(first, 32, 32, 1), clip.frame(0)));

        Path transition = dir.resolve("transition.mp4");
        run(0, "generate", "a red ball", "--model", pixel.toString(), "--image", first.toString(), "--last-image", last.toString(), "--steps", "2",
                "--seconds", "1", "-o", transition.toString());
        Clip between = VideoFiles.read(transition);
        assertTrue(Psnr.of(VideoFiles.read(last, 32, 32, 1), between.frame(between.frameCount() - 1)) >= 28, "last frame kept");

        Path longer = dir.resolve("long.mp4");
        String err = run(0, "generate", "a red ball moving right", "--model", pixel.toString(), "--steps", "1", "--seconds", "3", "-o", longer.toString());
        assertEquals(25, VideoFiles.read(longer).frameCount(), "25 frames: a window of 9, then four more, each starting from the last 4 frames so far");
        assertTrue(err.lines().anyMatch(line -> line.startsWith("sampling 100%") && line.contains("5/5 steps")), "one step a window, five windows: " + err);

        Path extended = dir.resolve("extended.mp4");
        run(0, "extend", animated.toString(), "a red ball moving right", "--seconds", "1", "--model", pixel.toString(), "--steps", "1", "-o", extended.toString());
        Clip both = VideoFiles.read(extended);
        assertEquals(clip.frameCount() + 9, both.frameCount());
        assertTrue(Psnr.of(clip.frame(5), both.frame(5)) >= 30, "the source comes first, as it was");
    }

    @Test
    void badImagesAndClipsSayWhatToFixAndWriteNothing() throws Exception {
        Path pixel = dir.resolve("pixel");
        try (var m = new VideoModel(ModelConfig.preset("pixel-tiny", 32, 32, 9, 8, List.of("a", "red", "ball")), 1)) {
            m.save(pixel, Map.of());
        }
        Path out = dir.resolve("out.mp4"), junk = dir.resolve("junk.png"), shortClip = dir.resolve("short.gif");
        Files.writeString(junk, "not a picture");
        VideoFiles.write(new Clip(32, 32, 8, List.of(new byte[3 * 32 * 32], new byte[3 * 32 * 32])), shortClip);
        assertTrue(run(1, "generate", "a red ball", "--model", pixel.toString(), "--image", junk.toString(), "-o", out.toString()).contains("junk.png"));
        assertTrue(run(1, "generate", "a red ball", "--model", pixel.toString(), "--last-image", junk.toString(), "-o", out.toString()).contains("--last-image needs --image"));
        assertTrue(run(1, "extend", shortClip.toString(), "a red ball", "--model", pixel.toString(), "-o", out.toString()).contains("at least 4"));
        assertTrue(run(1, "extend", dir.resolve("missing.mp4").toString(), "a red ball", "--model", pixel.toString(), "-o", out.toString()).contains("missing.mp4"));
        Path card = dir.resolve("card.png");
        ImageIO.write(card(32, 32, 0xffffff), "png", card.toFile());
        assertTrue(run(1, "generate", "a red ball", "--model", model.toString(), "--image", card.toString(), "-o", out.toString()).contains("cannot take frames"));
        assertFalse(Files.exists(out), "no output file after a refused request");
    }

    @Test
    void aMotionPathACameraMoveAndARestyleOnTheTinyModel() throws Exception {
        String tiny = model.toString();
        Path along = dir.resolve("along.mp4"), kept = dir.resolve("kept.mp4");
        String path = "6,6;26,10;10,26";
        String made = run(0, "generate", "a red ball on a blue background", "--model", tiny, "--path", path, "--steps", "2", "--seconds", "1", "-o", along.toString());
        assertTrue(made.contains("warning: the model never saw these words in training and ignores them: "), made);
        assertEquals(9, VideoFiles.read(along).frameCount());
        run(0, "generate", "a red ball on a blue background", "--model", tiny, "--path", path, "--strength", "0", "-o", kept.toString());
        var points = dev.kineto.modes.MotionPath.parse(path).points();
        double error = ModeScores.trajectoryError(VideoFiles.read(kept), points);
        assertTrue(error < 1, "at strength 0 the guide itself, through the MP4: " + error);

        Path panned = dir.resolve("panned.mp4");
        run(0, "generate", "a yellow square on a blue and black checkered background", "--model", tiny, "--camera", "pan-down", "--strength", "0",
                "--size", "64x64", "--seconds", "2", "-o", panned.toString());
        var camera = Evaluator.evaluate(VideoFiles.read(panned), "a yellow square on a blue and black checkered background, with the camera panning down")
                .checks().stream().filter(c -> c.category().equals("camera")).findFirst().orElseThrow();
        assertTrue(camera.pass(), camera.toString());
        run(0, "generate", "a yellow square on a blue and black checkered background", "--model", tiny, "--camera", "zoom-in", "--steps", "2", "-o",
                dir.resolve("zoomed.gif").toString());

        Path source = dir.resolve("source.webm"), restyled = dir.resolve("restyled.mp4");
        Clip drawn = dev.kineto.world.World.render("a green ball moving right on a black background", new dev.kineto.world.RenderSpec(48, 48, 30, 24), 1).clip();
        VideoFiles.write(drawn, dir.resolve("source.mp4"));
        Files.move(dir.resolve("source.mp4"), source); // any container FFmpeg reads: the extension names the demuxer
        assertTrue(run(1, "generate", "a pink ball on a blue background", "--model", tiny, "--video", source.toString(), "-o", restyled.toString()).contains("source.webm"),
                "an mp4 named .webm is refused by name");
        VideoFiles.write(drawn, dir.resolve("source.gif"));
        run(0, "generate", "a pink ball on a blue background", "--model", tiny, "--video", dir.resolve("source.gif").toString(), "--strength", "0", "-o", restyled.toString());
        Clip out = VideoFiles.read(restyled);
        assertEquals(9, out.frameCount(), "the source's 1.25 s at 8 fps, cut to 4k+1 frames");
        assertEquals(Boolean.TRUE, Evaluator.evaluate(out, "a pink ball on a blue background").categories().get("colour"));
        run(0, "generate", "a pink ball on a blue background", "--model", tiny, "--video", dir.resolve("source.gif").toString(), "--steps", "2", "-o", restyled.toString());
    }

    @Test
    void badModeInputsSayWhatToFixAndWriteNothing() throws Exception {
        String tiny = model.toString();
        Path out = dir.resolve("out.mp4"), junk = dir.resolve("junk.mp4"), longClip = dir.resolve("long.gif");
        Files.writeString(junk, "not a video");
        VideoFiles.write(new Clip(16, 16, 8, java.util.Collections.nCopies(80, new byte[3 * 16 * 16])), longClip);
        String prompt = "a red ball on a blue background";
        assertTrue(run(1, "generate", prompt, "--model", tiny, "--path", "4,4;40,4", "-o", out.toString()).contains("outside the 32x32 frame"));
        assertTrue(run(1, "generate", prompt, "--model", tiny, "--path", "4,4", "-o", out.toString()).contains("at least two points"));
        assertTrue(run(1, "generate", prompt, "--model", tiny, "--camera", "dolly-in", "-o", out.toString()).contains("unknown camera move 'dolly-in'"));
        assertTrue(run(1, "generate", prompt, "--model", tiny, "--video", junk.toString(), "-o", out.toString()).contains("junk.mp4"));
        assertTrue(run(1, "generate", prompt, "--model", tiny, "--video", longClip.toString(), "-o", out.toString()).contains("at most 8.0 s"));
        assertTrue(run(1, "generate", prompt, "--model", tiny, "--camera", "pan-up", "--strength", "1.5", "-o", out.toString()).contains("strength must be 0..1"));
        assertTrue(run(1, "generate", "a cat on a sofa", "--model", tiny, "--camera", "pan-up", "-o", out.toString()).contains("a prompt the world can draw"));
        Path shortClip = dir.resolve("short.gif");
        VideoFiles.write(new Clip(16, 16, 8, java.util.Collections.nCopies(9, new byte[3 * 16 * 16])), shortClip);
        assertTrue(run(1, "generate", prompt, "--model", tiny, "--path", "4,4;20,20", "--video", shortClip.toString(), "-o", out.toString()).contains("not both"));
        assertFalse(Files.exists(out), "no output file after a refused request");
    }

    private static BufferedImage card(int w, int h, int rgb) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) image.setRGB(x, y, x < w / 2 ? rgb : 0x808080);
        return image;
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
    /** What the CLI printed on stdout while action ran. */
    private static String stdout(Runnable action) {
        PrintStream original = System.out;
        var out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return out.toString();
    }

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
