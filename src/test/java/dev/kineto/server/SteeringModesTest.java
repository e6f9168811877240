package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kineto.evaluation.scores.Check;
import dev.kineto.evaluation.scores.Evaluator;
import dev.kineto.evaluation.scores.ModeScores;
import dev.kineto.modes.Direction;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFiles;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.World;
import dev.kineto.world.WorldClip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Motion path, camera, style and restyle over HTTP, on the tiny pixel model (untrained, but at a small strength its
 * pixels stay near the guide, so the guide's subject and motion come back through the MP4), with the same rules and
 * the same guide as `kineto generate` (modes.Guides).
 */
class SteeringModesTest {
    static final String BALL = "a red ball on a blue background";
    static final List<List<Integer>> PATH = List.of(List.of(6, 16), List.of(16, 7), List.of(26, 16));
    /**
     * A strength at which the untrained model's sampling leaves the guide readable to the tracker (measured on the
     * path: 0.06 px from it at 0, 0.04 px at 0.01; at 0.02 and 0.05 its noisy grain already hides the subject from the
     * tracker); the modes' defaults are for the trained model.
     */
    static final double GENTLE = 0.01;

    @RegisterExtension
    static final TestServer served = TestServer.pixel();

    static Map<String, Object> body(String prompt, Object... fields) {
        Map<String, Object> body = new HashMap<>(Map.of("prompt", prompt, "steps", 2, "seed", 3));
        for (int i = 0; i < fields.length; i += 2) body.put((String) fields[i], fields[i + 1]);
        return body;
    }

    /** Quotes the body, makes it, and checks that it was charged once, as quoted. */
    static JsonNode madeAsQuoted(ApiClient api, Map<String, Object> body) throws InterruptedException {
        var quote = api.post("/v1/videos/cost", body);
        assertEquals(200, quote.status(), quote.toString());
        long before = api.get("/v1/me").json().path("free_credits_left").asLong();
        JsonNode video = FrameModesTest.made(api, body);
        assertEquals(quote.json().path("cost").asLong(), video.path("cost").asLong());
        assertEquals(quote.json().path("cost").asLong(), before - api.get("/v1/me").json().path("free_credits_left").asLong(), "charged once, as quoted");
        assertEquals(quote.json().path("frames").asInt(), video.path("frames").asInt());
        return video;
    }

    static List<double[]> points(List<List<Integer>> path) {
        return path.stream().map(p -> new double[] {p.get(0), p.get(1)}).toList();
    }

    /** A world clip at the tiny model's size and length, written in the format the extension names. */
    static byte[] clipFile(String caption, String extension, int frames) throws IOException {
        WorldClip clip = World.render(caption, new RenderSpec(32, 32, frames, 8), 5);
        Path file = served.data().resolve("source-" + System.nanoTime() + "." + extension);
        VideoFiles.write(clip.clip(), file);
        return Files.readAllBytes(file);
    }

    static String uploadClip(ApiClient api, String type, byte[] bytes) {
        var r = api.postBytes("/v1/clips", type, bytes);
        assertEquals(201, r.status(), r.toString());
        assertTrue(r.json().path("id").asText().startsWith("clip_"), r.toString());
        return r.json().path("id").asText();
    }

    @Test
    void aMotionPathVideosSubjectFollowsThePath() throws Exception {
        ApiClient api = served.newUser("path");
        JsonNode byDefault = madeAsQuoted(api, body(BALL, "motion_path", PATH));
        assertEquals(Direction.PATH_STRENGTH, byDefault.path("strength").asDouble(), "the CLI's default");
        assertEquals(byDefault.path("frames").asInt(), FrameModesTest.decoded(api, byDefault).frameCount());
        JsonNode video = madeAsQuoted(api, body(BALL, "motion_path", PATH, "strength", GENTLE));
        assertEquals("motion_path", video.path("mode").asText());
        assertEquals(BALL, video.path("prompt").asText());
        assertEquals(PATH.size(), video.path("motion_path").size());
        assertEquals(PATH.get(1).get(1), video.path("motion_path").path(1).path(1).asInt());
        assertEquals(GENTLE, video.path("strength").asDouble());
        Clip clip = FrameModesTest.decoded(api, video);
        assertEquals(video.path("frames").asInt(), clip.frameCount());
        double error = ModeScores.trajectoryError(clip, points(PATH));
        assertTrue(error < 1.5, "mean distance of the subject to the path " + error + " px");
        assertTrue(ModeScores.trajectoryError(clip, points(List.of(PATH.get(2), PATH.get(0)))) > 2 * error, "a wrong path is further");
        assertEquals(video.path("motion_path"), api.get("/v1/videos/" + video.path("id").asText()).json().path("motion_path"), "the view reopens it");
    }

    @Test
    void theCameraMoveIsReadOnTheVideo() throws Exception {
        ApiClient api = served.newUser("camera");
        String prompt = "a yellow square on a blue and black checkered background";
        for (String move : List.of("pan-left", "zoom-in")) {
            JsonNode video = madeAsQuoted(api, body(prompt, "camera", move, "style", "pixel-art", "strength", GENTLE));
            assertEquals("camera", video.path("mode").asText());
            assertEquals(move, video.path("camera").asText());
            assertEquals("pixel-art", video.path("style").asText());
            assertEquals(prompt, video.path("prompt").asText(), "the prompt as written, without the words the server added");
            Clip clip = FrameModesTest.decoded(api, video);
            String modelPrompt = new Direction(null, Direction.camera(move), Direction.style("pixel-art"), null, null).prompt(prompt);
            Check camera = Evaluator.evaluate(clip, modelPrompt).checks().stream().filter(c -> c.category().equals("camera")).findFirst().orElseThrow();
            assertTrue(camera.pass(), move + ": " + camera);
        }
    }

    @Test
    void aRestyleRedrawsAnUploadedClipOrAVideoOfOnesOwnOnItsPath() throws Exception {
        ApiClient api = served.newUser("restyle");
        WorldClip world = World.render("a green ball moving right on a black background", new RenderSpec(32, 32, 9, 8), 5);
        List<double[]> sourcePath = world.scene().tracks().getFirst().states().stream().map(s -> new double[] {s.x(), s.y()}).toList();
        String prompt = BALL;
        for (String type : List.of("video/mp4", "image/gif")) {
            String clipId = uploadClip(api, type, clipFile("a green ball moving right on a black background", type.equals("image/gif") ? "gif" : "mp4", 9));
            JsonNode video = madeAsQuoted(api, body(prompt, "source_video_id", clipId, "strength", GENTLE));
            assertEquals("restyle", video.path("mode").asText());
            assertEquals(clipId, video.path("source_video_id").asText());
            Clip clip = FrameModesTest.decoded(api, video);
            assertEquals(9, clip.frameCount(), "the source's length");
            assertTrue(meanDifference(clip, world.clip()) > 40, type + ": redrawn, " + meanDifference(clip, world.clip()));
            double kept = ModeScores.trajectoryError(clip, sourcePath);
            assertTrue(kept < 3, type + ": the source's path kept within " + kept + " px");
            var result = Evaluator.evaluate(clip, prompt);
            assertEquals(Boolean.TRUE, result.categories().get("background"), result.toJson());
        }
        var form = new java.io.ByteArrayOutputStream(); // as a browser's form sends it; an MP4 is a QuickTime file too
        form.writeBytes("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"mine.mov\"\r\nContent-Type: video/quicktime\r\n\r\n".getBytes());
        form.writeBytes(clipFile("a green ball moving right on a black background", "mp4", 9));
        form.writeBytes("\r\n--XyZ--\r\n".getBytes());
        String mov = uploadClip(api, "multipart/form-data; boundary=XyZ", form.toByteArray());
        var quote = api.post("/v1/videos/cost", body(prompt, "source_video_id", mov));
        assertEquals(9, quote.json().path("frames").asInt(), quote.toString());
        JsonNode own = FrameModesTest.made(api, body(BALL, "motion_path", PATH, "strength", GENTLE));
        JsonNode again = madeAsQuoted(api, body("a white ball on a black background", "source_video_id", own.path("id").asText()));
        assertEquals(Direction.RESTYLE_STRENGTH, again.path("strength").asDouble(), "the CLI's default");
        Clip redrawn = FrameModesTest.decoded(api, again);
        assertEquals(own.path("frames").asInt(), redrawn.frameCount());
        assertTrue(meanDifference(redrawn, FrameModesTest.decoded(api, own)) > 10, "redrawn: " + meanDifference(redrawn, FrameModesTest.decoded(api, own)));
    }

    @Test
    void aStyleAloneIsItsWordsInThePromptTheModelReads() throws Exception {
        ApiClient api = served.newUser("style");
        JsonNode video = madeAsQuoted(api, body("a red ball moves right", "style", "soft"));
        assertEquals("text", video.path("mode").asText());
        assertEquals("soft", video.path("style").asText());
        assertTrue(video.path("strength").isNull(), "no guide, no strength");
        assertEquals("a red ball moves right", video.path("prompt").asText());
        assertTrue(video.path("warnings").path(0).asText().contains("soft"), "the tiny model never saw the style's words: " + video.path("warnings"));
        assertEquals(video.path("frames").asInt(), FrameModesTest.decoded(api, video).frameCount());
    }

    @Test
    void aPromptsUnknownWordsAreWarnedAtSubmitAndInTheView() throws Exception {
        ApiClient api = served.newUser("words");
        var submitted = api.post("/v1/videos", body("a red ball zigzags", "seconds", 0.5));
        assertEquals(201, submitted.status(), submitted.toString());
        JsonNode warnings = submitted.json().path("warnings");
        assertEquals(1, warnings.size(), submitted.toString());
        assertTrue(warnings.path(0).asText().contains("zigzags"), warnings.toString());
        assertEquals(warnings, api.get("/v1/videos/" + submitted.json().path("id").asText()).json().path("warnings"));
        assertEquals(warnings, api.post("/v1/videos/cost", body("a red ball zigzags", "seconds", 0.5)).json().path("warnings"), "shown before submitting");
        assertEquals(0, api.post("/v1/videos", body("a red ball moves right")).json().path("warnings").size(), "every word known");
        assertEquals("text", api.get("/v1/videos").json().path("data").path(0).path("mode").asText());
    }

    @Test
    void badSteeringIsA4xxThatSaysWhatToFixAndCostsNothing() throws Exception {
        ApiClient api = served.newUser("bad");
        String image = FrameModesTest.upload(api, FrameModesTest.png(32, 32, 0));
        String clip = uploadClip(api, "video/mp4", clipFile("a green ball moving right on a black background", "mp4", 9));
        long credits = api.get("/v1/me").json().path("free_credits_left").asLong();
        Map<String, Map<String, Object>> bad = new java.util.LinkedHashMap<>();
        bad.put("invalid_motion_path|at least two points", body(BALL, "motion_path", List.of(List.of(4, 4))));
        bad.put("invalid_motion_path|outside the 32x32 frame", body(BALL, "motion_path", List.of(List.of(4, 4), List.of(40, 4))));
        bad.put("invalid_motion_path|two finite numbers", body(BALL, "motion_path", List.of(List.of(4, 4), List.of(4))));
        bad.put("invalid_type|motion_path", Map.of("prompt", BALL, "motion_path", List.of(List.of(4, 4), List.of("x", 4))));
        bad.put("invalid_motion_path|at most 1000 points", body(BALL, "motion_path", java.util.Collections.nCopies(1001, List.of(4, 4))));
        bad.put("unsupported_value|pan-left, pan-right", body(BALL, "camera", "dolly"));
        bad.put("unsupported_value|pixel-art", body(BALL, "style", "oil"));
        bad.put("out_of_range|strength must be 0..1", body(BALL, "camera", "pan-left", "strength", 1.5));
        bad.put("conflicting_fields|strength applies to", body(BALL, "strength", 0.5));
        bad.put("conflicting_fields|not both", body(BALL, "motion_path", PATH, "source_video_id", clip));
        bad.put("conflicting_fields|image_id", body(BALL, "camera", "zoom-in", "image_id", image));
        bad.put("conflicting_fields|leave out seconds", body(BALL, "source_video_id", clip, "seconds", 1));
        bad.put("prompt_not_drawable|world can draw", body("a cat on a sofa", "camera", "pan-up"));
        bad.put("out_of_range|one pass of the model, up to 9 frames", body(BALL, "camera", "pan-left", "seconds", 4)); // pixel-tiny's window
        for (var entry : bad.entrySet()) {
            String[] want = entry.getKey().split("\\|");
            for (String path : List.of("/v1/videos/cost", "/v1/videos")) {
                var r = api.post(path, entry.getValue());
                assertEquals(400, r.status(), path + " " + entry.getValue() + ": " + r);
                assertEquals(want[0], r.code(), r.toString());
                assertTrue(r.json().path("error").path("message").asText().contains(want[1]), r.toString());
            }
        }
        assertEquals(0, api.get("/v1/videos").json().path("data").size(), "no job was made");
        assertEquals(credits, api.get("/v1/me").json().path("free_credits_left").asLong(), "nothing was charged");
    }

    @Test
    void anotherUsersOrAMissingClipOrVideoIsA404() throws Exception {
        ApiClient owner = served.newUser("clip-owner"), other = served.newUser("clip-other");
        String clip = uploadClip(owner, "video/mp4", clipFile("a green ball moving right on a black background", "mp4", 9));
        String video = FrameModesTest.made(owner, body(BALL)).path("id").asText();
        FrameModesTest.notFound(other, Stream.of(clip, video, "clip_missing", "video_missing").map(id -> body(BALL, "source_video_id", id)).toList());
    }

    @Test
    void aClipARestyleCannotTakeIsRefusedAndNotStored() throws Exception {
        ApiClient api = served.newUser("uploads");
        List<Path> stored = clipFiles();
        var r = api.postBytes("/v1/clips", "video/mp4", "not a video at all".getBytes());
        assertEquals(415, r.status(), r.toString());
        assertEquals("unsupported_clip", r.code());
        assertFalse(r.toString().contains(served.data().toString()), "no server path in " + r);
        r = api.postBytes("/v1/clips", "video/x-msvideo", clipFile(BALL, "mp4", 9));
        assertEquals(415, r.status(), r.toString());
        assertTrue(r.json().path("error").path("message").asText().contains("mp4, mov, webm or gif"), r.toString());
        r = api.postBytes("/v1/clips", "video/mp4", clipFile(BALL, "mp4", 80)); // 10 s at 8 fps
        assertEquals(400, r.status(), r.toString());
        assertEquals("invalid_clip", r.code());
        assertTrue(r.json().path("error").path("message").asText().contains("at most 8.0 s"), r.toString());
        r = api.postBytes("/v1/clips", "video/mp4", clipFile(BALL, "mp4", 2));
        assertEquals(400, r.status(), r.toString());
        r = api.postBytes("/v1/clips", "video/mp4", new byte[(int) Uploads.MAX_CLIP_BYTES + 1]);
        assertEquals(413, r.status(), r.toString());
        assertEquals("clip_too_large", r.code());
        assertEquals(stored, clipFiles(), "no file of a refused clip is left");
    }

    @Test
    void theOpenApiDocumentDescribesEachModeWithAnExample() {
        JsonNode document = served.anonymous().get("/openapi.json").json();
        for (String field : List.of("motion_path", "camera", "style", "source_video_id", "strength")) {
            assertTrue(document.at("/components/schemas/VideoRequest/properties").has(field), field);
            assertTrue(document.at("/components/schemas/Video/properties").has(field), field);
        }
        assertTrue(document.at("/components/schemas/Video/properties").has("mode"));
        assertTrue(document.at("/components/schemas/Video/properties").has("warnings"));
        for (String path : List.of("/v1/videos", "/v1/videos/cost")) {
            JsonNode examples = document.path("paths").path(path).at("/post/requestBody/content/application~1json/examples");
            for (String mode : List.of("motion_path", "camera", "style", "restyle")) assertTrue(examples.has(mode), path + " example " + mode);
        }
        assertTrue(document.at("/paths/~1v1~1clips/post").has("requestBody"));
    }

    /** The files in the clips folder, those other tests stored included. */
    private static List<Path> clipFiles() throws IOException {
        if (!Files.isDirectory(served.data().resolve("clips"))) return List.of();
        try (var files = Files.list(served.data().resolve("clips"))) {
            return files.sorted().toList();
        }
    }

    private static double meanDifference(Clip a, Clip b) {
        long sum = 0, n = 0;
        for (int f = 0; f < a.frameCount(); f++) {
            byte[] x = a.frames().get(f), y = b.frames().get(f);
            for (int i = 0; i < x.length; i++, n++) sum += Math.abs((x[i] & 0xff) - (y[i] & 0xff));
        }
        return (double) sum / n;
    }
}
