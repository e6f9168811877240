package dev.kineto.training;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.Keyframes;
import dev.kineto.model.Layout;
import dev.kineto.model.RequestRules;
import dev.kineto.model.StepListener;
import dev.kineto.model.VideoModel;
import dev.kineto.video.Clip;
import dev.kineto.video.Psnr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny model overfits clips and reproduces what it saw, a killed or stopped run resumes, and a finished one can train longer. */
class TrainerTest {
    static final int SIZE = 32, FRAMES = 9;
    static final int[][] COMBOS = {{0, 2, 1}, {3, 1, 0}}; // red square → right on blue; yellow square ← left on green

    @TempDir Path dir;

    @Test
    void tinyModelOverfitsTwoClipsAndReproducesTheirColoursAndMotion() throws Exception {
        ExampleSource source = TestClips.source(SIZE, FRAMES, COMBOS);
        var options = new TrainOptions(dir, "tiny", SIZE, SIZE, FRAMES, 8, 10, 0.5, 4, 8, 16, false, 10, 1, 500, 1500, 0);
        var log = new ByteArrayOutputStream();
        Engine.getInstance(); // loads PyTorch's native library, which JniUtils needs
        int threads = JniUtils.getNumThreads();
        new Trainer(options, source, source, new PrintStream(log, true)).run();
        System.out.print(log);
        assertEquals(threads, JniUtils.getNumThreads(), "the workers' one-thread setting does not leak to the main thread");
        assertTrue(log.toString().matches("(?s).*dit step +20 .* s/step \\(data \\d+ %, update \\d+ %\\).*"), "log says where a step's time went");
        assertTrue(Files.exists(dir.resolve("loss-vae.png")) && Files.exists(dir.resolve("loss-dit.png")), "loss plots written");
        assertTrue(Files.list(dir.resolve("samples")).findAny().isPresent(), "sample videos written");

        try (VideoModel model = VideoModel.load(dir.resolve("model")); var gap = new TextGap(model, List.of(source.get(0), source.get(1)), 1, 5)) {
            TextGap.Result r = gap.measure(model);
            assertTrue(r.gap() > 0.2, "the DiT should use the captions to tell the clips apart: " + r);
        }
        try (var generator = DiffusionGenerator.load(dir.resolve("model"))) {
            for (int[] combo : COMBOS) {
                String caption = TestClips.caption(combo[0], combo[1], combo[2] == 1);
                Clip clip = generator.generate(new GenerationRequest(caption, "", SIZE, SIZE, FRAMES, 8, 12, 2.0, 7));
                Clip truth = TestClips.clip(combo[0], combo[1], combo[2] == 1, SIZE, FRAMES);
                assertColourNear(truth, clip, 1, 1, caption + ": background");
                // the tiny VAE's loss sits on a plateau near 1.0 for 60-200 steps before it falls, and when it leaves varies
                // from run to run: with 300 steps one run's VAE ended at 17.2 dB held out and its clip here at 16.8, so
                // the VAE gets 500; a clip without the square scored about 14
                assertTrue(Psnr.of(truth, clip) >= 17, caption + ": PSNR against the training clip " + Psnr.of(truth, clip));
                int[] object = TestClips.rgb(combo[0]), background = TestClips.rgb(combo[1]);
                double start = objectX(clip, 0, object, background), end = objectX(clip, FRAMES - 1, object, background);
                assertTrue(combo[2] == 1 ? end > start + SIZE / 4.0 : end < start - SIZE / 4.0,
                        caption + ": object should move " + (combo[2] == 1 ? "right" : "left") + ", went from x=" + start + " to " + end);
            }
        }
    }

    @Test
    void tinyPixelModelOverfitsTwoClipsAndAnimatesTheirFirstFrames() throws Exception {
        ExampleSource source = TestClips.source(SIZE, FRAMES, COMBOS);
        var options = new TrainOptions(dir, "pixel-tiny", SIZE, SIZE, FRAMES, 8, 10, 0.5, 4, 8, 16, false, 10, 1, 0, 800, 0);
        var log = new ByteArrayOutputStream();
        new Trainer(options, source, source, new PrintStream(log, true)).run();
        assertTrue(log.toString().contains("VAE step 0, DiT step"), "a pixel model has no VAE to train: " + log);
        try (var generator = DiffusionGenerator.load(dir.resolve("model"))) {
            for (int[] combo : COMBOS) {
                boolean right = combo[2] == 1;
                String caption = TestClips.caption(combo[0], combo[1], right);
                Clip truth = TestClips.clip(combo[0], combo[1], right, SIZE, FRAMES);
                GenerationRequest request = new GenerationRequest(caption, "", SIZE, SIZE, FRAMES, 8, 12, 2.0, 7);
                Clip drawn = generator.generate(request);
                assertTrue(Psnr.of(truth, drawn) >= 17, caption + ": PSNR against the training clip " + Psnr.of(truth, drawn));
                Clip animated = generator.generate(List.of(request), List.of(Keyframes.first(truth.frames().getFirst())), StepListener.NONE).getFirst();
                assertTrue(Psnr.of(truth.frame(0), animated.frame(0)) >= 30, caption + ": the given first frame is kept");
                int[] object = TestClips.rgb(combo[0]), background = TestClips.rgb(combo[1]);
                double start = objectX(animated, 0, object, background), end = objectX(animated, FRAMES - 1, object, background);
                assertTrue(right ? end > start + SIZE / 4.0 : end < start - SIZE / 4.0,
                        caption + ": the given frame should move " + (right ? "right" : "left") + ", went from x=" + start + " to " + end);
            }
        }
    }

    /**
     * Two clips with one caption, a red square moving right in one and left in the other, told apart only by their
     * layouts: the grounded tiny pixel model draws each motion where its layout puts the square.
     */
    @Test
    void tinyGroundedModelDrawsItsObjectWhereTheLayoutPutsIt() throws Exception {
        String caption = "a red square on blue";
        ExampleSource source = index -> {
            boolean right = index % 2 == 0;
            return new Example(TestClips.clip(0, 2, right, SIZE, FRAMES), List.of(caption), null, List.of(), TestClips.layout(0, right, SIZE, FRAMES));
        };
        var options = new TrainOptions(dir, "pixel-tiny", SIZE, SIZE, FRAMES, 8, 10, 0.5, 4, 8, 16, false, 10, 1, 0, 800, 0);
        new Trainer(options, source, source, new PrintStream(new ByteArrayOutputStream(), true)).run();
        try (var generator = DiffusionGenerator.load(dir.resolve("model"))) {
            assertTrue(generator.model().config().grounded(), "the pixel presets render into a layout");
            int[] object = TestClips.rgb(0), background = TestClips.rgb(2);
            for (boolean right : new boolean[] {true, false}) {
                Layout layout = TestClips.layout(0, right, SIZE, FRAMES);
                Clip drawn = drawn(generator, caption, layout);
                for (int f : new int[] {0, FRAMES - 1}) {
                    double planned = layout.frames().get(f).getFirst().x(), seen = objectX(drawn, f, object, background);
                    assertEquals(planned, seen, SIZE / 8.0, (right ? "right" : "left") + "ward layout, frame " + f + ": the square is drawn where the layout puts it");
                }
            }
        }
    }

    /**
     * The same two clips for the tiny layered model, their backgrounds and squares apart: it learns the blue backdrop
     * and the square's matte, and draws the square where each layout puts it, covering its box and little else.
     */
    @Test
    void tinyLayeredModelDrawsItsMatteWhereThePlanPutsIt() throws Exception {
        String caption = "a red square on blue";
        Clip backdrop = TestClips.clip(2, 2, true, SIZE, FRAMES);
        ExampleSource source = index -> {
            boolean right = index % 2 == 0;
            Clip clip = TestClips.clip(0, 2, right, SIZE, FRAMES);
            return new Example(clip, List.of(caption), backdrop, List.of(new Example.Shown(clip, 0, 0)), TestClips.layout(0, right, SIZE, FRAMES));
        };
        var options = new TrainOptions(dir, "layered-tiny", SIZE, SIZE, FRAMES, 8, 10, 0.5, 4, 8, 16, false, 10, 1, 0, 400, 0);
        new Trainer(options, source, source, new PrintStream(new ByteArrayOutputStream(), true)).run();
        try (var generator = DiffusionGenerator.load(dir.resolve("model"))) {
            int[] object = TestClips.rgb(0), background = TestClips.rgb(2);
            for (boolean right : new boolean[] {true, false}) {
                Layout layout = TestClips.layout(0, right, SIZE, FRAMES);
                Clip drawn = drawn(generator, caption, layout);
                for (int f : new int[] {0, FRAMES - 1}) {
                    Layout.Placed box = layout.frames().get(f).getFirst();
                    int inside = 0, insideRed = 0, outside = 0, outsideRed = 0;
                    for (int y = 0; y < SIZE; y++) {
                        for (int x = 0; x < SIZE; x++) {
                            boolean red = distance(rgb(drawn, f, x, y), object) < distance(rgb(drawn, f, x, y), background);
                            boolean in = Math.abs(x + 0.5 - box.x()) < box.halfWidth() && Math.abs(y + 0.5 - box.y()) < box.halfHeight();
                            if (in) { inside++; insideRed += red ? 1 : 0; } else { outside++; outsideRed += red ? 1 : 0; }
                        }
                    }
                    String where = (right ? "right" : "left") + "ward plan, frame " + f;
                    assertTrue(insideRed > 0.7 * inside, where + ": the square's matte covers its box (" + insideRed + " of " + inside + " pixels)");
                    assertTrue(outsideRed < 0.05 * outside, where + ": and little else (" + outsideRed + " of " + outside + " pixels)");
                }
            }
        }
    }

    /** Clips without their background and objects apart (a folder's) cannot train a layered model: the run says so before any step. */
    @Test
    void aLayeredModelRefusesClipsWithoutTheirLayers() {
        ExampleSource folderLike = index -> new Example(TestClips.clip(0, 2, true, SIZE, FRAMES), List.of("a red square on blue"));
        var options = new TrainOptions(dir, "layered-tiny", SIZE, SIZE, FRAMES, 8, 10, 0.5, 4, 8, 16, false, 10, 1, 0, 10, 0);
        var refused = assertThrows(IllegalArgumentException.class, () -> new Trainer(options, folderLike, folderLike, new PrintStream(new ByteArrayOutputStream(), true)).run());
        assertTrue(refused.getMessage().contains("train a pixel or latent preset"), refused.getMessage());
        assertFalse(Files.exists(dir.resolve(Trainer.PROGRESS_FILE)), "and no checkpoint is written");
    }

    /** The caption's video of the test clips' size and length, drawn by generator into layout (12 steps, guidance 2, seed 7). */
    private static Clip drawn(DiffusionGenerator generator, String caption, Layout layout) {
        GenerationRequest request = new GenerationRequest(caption, "", SIZE, SIZE, FRAMES, 8, 12, 2.0, 7);
        return generator.generate(List.of(request), List.of(Keyframes.NONE), List.of(layout), StepListener.NONE).getFirst();
    }

    @Test
    void killedRunResumesFromItsLastCheckpoint() throws Exception {
        ExampleSource source = TestClips.source(SIZE, FRAMES, COMBOS);
        var first = shortRun(5);
        new Trainer(first, source, source, new PrintStream(new ByteArrayOutputStream())).run();
        var more = shortRun(10);
        Files.writeString(dir.resolve(Trainer.PROGRESS_FILE), Files.readString(dir.resolve(Trainer.PROGRESS_FILE)).replace("\"DONE\"", "\"DIT\""));
        var log = new ByteArrayOutputStream();
        new Trainer(more, source, source, new PrintStream(log, true)).run();
        assertTrue(log.toString().contains("resuming"), log.toString());
        assertTrue(log.toString().contains("DiT step 10"), log.toString());
        assertTrue(log.toString().contains("(%dx%d, %d frames, %d steps, cfg %s, seed 1)".formatted(SIZE, SIZE, FRAMES, RequestRules.DEFAULT_STEPS,
                RequestRules.fmt(RequestRules.DEFAULT_CFG))), "samples as a user gets them by default: " + log);
    }

    /** A short run on the test clips in dir: 10 VAE steps, then the DiT up to maxDitSteps. */
    private TrainOptions shortRun(long maxDitSteps) {
        return new TrainOptions(dir, "tiny", SIZE, SIZE, FRAMES, 8, 10, 0.5, 2, 4, 8, true, 10, 1, 10, maxDitSteps, 0);
    }

    @Test
    void stoppedRunSavesItsStepAndResumesThere() throws Exception {
        ExampleSource source = TestClips.source(SIZE, FRAMES, COMBOS);
        var options = shortRun(100_000);
        var log = new ByteArrayOutputStream();
        Trainer trainer = new Trainer(options, source, source, new PrintStream(log, true));
        Thread running = Thread.ofPlatform().start(() -> {
            try {
                trainer.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        while (running.isAlive() && !log.toString().contains("dit step     20")) Thread.sleep(50); // a run that died early fails below instead of hanging here
        trainer.stop();
        running.join(60_000);
        assertFalse(running.isAlive(), "the run stops after the step in progress");
        assertTrue(log.toString().contains("stopped: checkpoint saved"), log.toString());
        Progress saved = Progress.read(dir.resolve(Trainer.PROGRESS_FILE));
        assertEquals(Progress.Stage.DIT, saved.stage());
        assertTrue(saved.ditSteps() >= 20 && saved.ditSteps() < 100_000, "saved at the step it stopped: " + saved.ditSteps());

        var resumed = new ByteArrayOutputStream();
        var fiveMore = shortRun(saved.ditSteps() + 5);
        new Trainer(fiveMore, source, source, new PrintStream(resumed, true)).run();
        assertTrue(resumed.toString().contains("DiT step " + saved.ditSteps() + ","), resumed.toString());
        assertTrue(resumed.toString().contains("DiT step " + (saved.ditSteps() + 5) + ")"), "five more steps from there: " + resumed);
    }

    @Test
    void finishedRunTrainsItsDitLongerOnlyWhenGivenMore() throws Exception {
        ExampleSource source = TestClips.source(SIZE, FRAMES, COMBOS);
        var five = shortRun(5);
        new Trainer(five, source, source, new PrintStream(new ByteArrayOutputStream())).run();
        var again = new ByteArrayOutputStream();
        new Trainer(five, source, source, new PrintStream(again, true)).run();
        assertTrue(again.toString().contains("training already finished"), again.toString());

        var ten = shortRun(10);
        var log = new ByteArrayOutputStream();
        new Trainer(ten, source, source, new PrintStream(log, true)).run();
        assertTrue(log.toString().contains("extending the finished DiT stage"), log.toString());
        assertTrue(log.toString().contains("VAE step 10, DiT step 10"), "the VAE is not trained again: " + log);
    }

    /** Asserts the mean colour of the generated clip's corner pixels is close to the truth's. */
    private static void assertColourNear(Clip truth, Clip generated, int x, int y, String what) {
        for (int c = 0; c < 3; c++) {
            int want = truth.sample(0, x, y, c), got = generated.sample(0, x, y, c);
            assertEquals(want, got, 80, what + " channel " + c + " in " + generated.sample(0, x, y, 0) + "," + generated.sample(0, x, y, 1) + "," + generated.sample(0, x, y, 2));
        }
    }

    /** Mean x of the pixels of a frame closer to the object's colour than to the background's. */
    private static double objectX(Clip generated, int frame, int[] object, int[] background) {
        double sum = 0;
        int count = 0;
        for (int y = 0; y < generated.height(); y++) {
            for (int x = 0; x < generated.width(); x++) {
                int[] p = rgb(generated, frame, x, y);
                if (distance(p, object) < distance(p, background)) {
                    sum += x;
                    count++;
                }
            }
        }
        assertTrue(count > 0, "no object-coloured pixels in frame " + frame);
        return sum / count;
    }

    private static int[] rgb(Clip clip, int frame, int x, int y) {
        return new int[] {clip.sample(frame, x, y, 0), clip.sample(frame, x, y, 1), clip.sample(frame, x, y, 2)};
    }

    private static double distance(int[] a, int[] b) {
        return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
    }
}
