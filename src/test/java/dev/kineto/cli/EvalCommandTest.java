package dev.kineto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kineto.evaluation.suite.Report;
import dev.kineto.model.ModelConfig;
import dev.kineto.model.VideoModel;
import dev.kineto.video.VideoFiles;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.World;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `kineto eval` end to end: an MP4 written by VideoFiles, scored from the command line. */
class EvalCommandTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream(), stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void scoresAnMp4AgainstItsPrompt() throws Exception {
        String prompt = "a red circle moving to the right on a black background";
        Path video = dir.resolve("red.mp4");
        VideoFiles.write(World.render(prompt, new RenderSpec(64, 64, 17, 8), 0).clip(), video);

        Run right = run("eval", video.toString(), "--prompt", prompt);
        assertEquals(0, right.code(), right.err());
        JsonNode json = new ObjectMapper().readTree(right.out());
        assertTrue(json.get("allCorrect").asBoolean(), right.out());
        for (String d : new String[] {"subject_consistency", "background_consistency", "temporal_flickering", "motion_smoothness", "dynamic_degree", "imaging_quality"}) {
            assertTrue(json.get("dimensions").has(d), d);
        }
        JsonNode colour = json.get("checks").get(0);
        assertEquals("colour", colour.get("category").asText());
        assertEquals("red", colour.get("seen").asText());

        JsonNode wrong = new ObjectMapper().readTree(run("eval", video.toString(), "--prompt", "a green circle moving to the right on a black background").out());
        assertFalse(wrong.get("allCorrect").asBoolean());
        assertFalse(wrong.get("categories").get("colour").asBoolean());
    }

    @Test
    void anyVideoGetsQualityScoresAndModeScoresOnRequest() throws Exception {
        Path video = dir.resolve("clip.gif");
        var world = World.render("a blue square sitting still on a white background", new RenderSpec(48, 32, 9, 8), 0);
        var clip = world.clip();
        var at = world.scene().tracks().getFirst().states().getFirst();
        String path = at.x() + "," + at.y() + " " + at.x() + "," + at.y();
        VideoFiles.write(clip, video);
        Path image = dir.resolve("first.png");
        javax.imageio.ImageIO.write(clip.image(0), "png", image.toFile());

        Run result = run("eval", video.toString(), "--prompt", "a glorp wibbling", "--image", image.toString(), "--joins", "4", "--path", path);
        assertEquals(0, result.code(), result.err());
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertTrue(json.get("note").asText().contains("cannot parse") && json.get("note").asText().contains("glorp"), result.out());
        assertFalse(json.has("allCorrect"));
        assertTrue(json.get("modes").get("first_frame").get("psnr").asDouble() > 30, result.out());
        assertTrue(json.get("modes").get("trajectory_error_px").asDouble() < 1, result.out());
        assertTrue(json.get("modes").has("seam_flicker"));
    }

    @Test
    void scoresAModelDirectoryOnASuite() throws Exception {
        Path model = dir.resolve("tiny");
        try (var m = new VideoModel(ModelConfig.preset("tiny", 64, 64, 17, 8, List.of("a", "red", "circle", "on", "black", "background")), 1)) {
            m.save(model, Map.of());
        }
        Path suite = dir.resolve("two.json");
        Files.writeString(suite, """
                {"name": "two", "version": 1, "width": 64, "height": 64, "frames": 17, "fps": 8,
                 "prompts": [{"id": "a", "category": "colour", "prompt": "a red circle on a black background", "seed": 1},
                             {"id": "b", "category": "motion", "prompt": "a red circle moving right on a black background", "seed": 2}]}
                """);
        Path out = dir.resolve("report");
        Run result = run("eval", "--suite", suite.toString(), "--model", model.toString(), "--no-bounds", "--steps", "1", "--out", out.toString());
        assertEquals(0, result.code(), result.err());
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals(1, report.size(), "only the model's row without bounds");
        assertEquals("tiny", report.get(0).get("generator").asText());
        assertEquals(2, report.get(0).get("items").size());
        assertEquals(0.0, report.get(0).get("allCorrect").asDouble(), "an untrained tiny model gets nothing right");
        assertTrue(result.out().startsWith("| two@1 | tiny |"), result.out());
    }

    @Test
    void badInputSaysWhatToFix() {
        Run missing = run("eval", dir.resolve("nothing.mp4").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().startsWith("kineto: "), missing.err());
        Run neither = run("eval");
        assertEquals(1, neither.code());
        assertTrue(neither.err().contains("--suite"), neither.err());
        Run videoOptionOnASuite = run("eval", "--suite", "world-v1", "--model", "ground-truth", "--path", "1,1");
        assertEquals(1, videoOptionOnASuite.code());
        assertTrue(videoOptionOnASuite.err().contains("VIDEO"), videoOptionOnASuite.err());
        Run badPath = run("eval", dir.resolve("nothing.mp4").toString(), "--path", "x");
        assertEquals(1, badPath.code());
    }

    @Test
    void scoresASuiteIntoAReportAndAReadmeTable() throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# Kineto\n\n" + Report.TABLE_START + "\nold\n" + Report.TABLE_END + "\nafter\n");
        Path out = dir.resolve("report");
        Run result = run("eval", "--suite", "world-v1", "--model", "ground-truth", "--limit", "1", "--out", out.toString(), "--readme", readme.toString());
        assertEquals(0, result.code(), result.err());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"), "charts are embedded");
        assertTrue(html.contains("clips/"), "best and worst cases are shown");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals(11, report.get(0).get("items").size());
        String table = Files.readString(readme);
        assertTrue(table.contains("| all correct |") && table.endsWith("after\n") && !table.contains("old"), table);
    }
}
