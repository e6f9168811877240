package dev.kineto.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DitTest {
    @Test
    void predictsAVelocityOfTheLatentsShapeForOtherFrameCountsSizesAndAspects() {
        try (VideoModel model = TinyModel.create(1); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            var text = model.text().encode(model.manager(), List.of("a red ball moving right", "blue square"));
            for (long[] shape : new long[][] {{2, 4, 3, 8, 8}, {2, 4, 5, 8, 16}, {2, 4, 1, 12, 4}, {2, 4, 9, 4, 4}}) {
                NDArray z = Noise.gaussian(model.manager(), new Shape(shape), new SplittableRandom(1));
                NDArray v = model.dit().forward(z, model.manager().create(new float[] {0.3f, 0.9f}), text);
                assertEquals(z.getShape(), v.getShape());
                assertEquals(0, v.abs().max().getFloat(), "adaLN-Zero: the untrained DiT starts as the zero function");
            }
        }
    }

    @Test
    void oneTimeAFrameEqualsOneTimeAClipWhenTheyAgreeAndChangesTheOutputWhenOneFrameDiffers() {
        try (VideoModel model = TinyModel.perturbed("pixel-tiny", 1); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            var m = model.manager();
            var text = model.text().encode(m, List.of("a red ball moving right", "blue square"));
            NDArray z = Noise.gaussian(m, new Shape(2, 3, 3, 16, 16), new SplittableRandom(1));
            NDArray perClip = model.dit().forward(z, m.create(new float[] {0.3f, 0.9f}), text);
            NDArray perFrame = model.dit().forward(z, m.create(new float[] {0.3f, 0.3f, 0.3f, 0.9f, 0.9f, 0.9f}, new Shape(2, 3)), text);
            assertEquals(0, perClip.sub(perFrame).abs().max().getFloat(), 1e-5);
            NDArray held = model.dit().forward(z, m.create(new float[] {0f, 0.3f, 0.3f, 0.9f, 0.9f, 0.9f}, new Shape(2, 3)), text);
            assertTrue(held.get("0").sub(perFrame.get("0")).abs().max().getFloat() > 1e-4, "a frame's own time modulates it");
            assertEquals(0, held.get("1").sub(perFrame.get("1")).abs().max().getFloat(), 1e-5, "the other clip is untouched");
            var e = assertThrows(IllegalArgumentException.class, () -> model.dit().forward(z, m.zeros(new Shape(2, 2)), text));
            assertTrue(e.getMessage().contains("one a frame"), e.getMessage());
        }
    }

    @Test
    void positionsTellFramesRowsAndColumnsApart() {
        try (VideoModel model = TinyModel.create(1)) {
            float[][] p = model.dit().positions(2, 3, 4);
            assertEquals(24, p.length);
            assertNotEquals(java.util.Arrays.toString(p[0]), java.util.Arrays.toString(p[12]), "frame 0 vs 1");
            assertNotEquals(java.util.Arrays.toString(p[0]), java.util.Arrays.toString(p[4]), "row 0 vs 1");
            assertNotEquals(java.util.Arrays.toString(p[0]), java.util.Arrays.toString(p[1]), "column 0 vs 1");
        }
    }

    @Test
    void rejectsLatentsThatDoNotFitThePatches() {
        try (VideoModel model = TinyModel.create(1); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            var text = model.text().encode(model.manager(), List.of("a ball"));
            var e = assertThrows(IllegalArgumentException.class,
                    () -> model.dit().forward(model.manager().zeros(new Shape(1, 4, 3, 7, 8)), model.manager().create(new float[] {0.5f}), text));
            assertTrue(e.getMessage().contains("divisible"), e.getMessage());
        }
    }

    @Test
    void theProbeReadsOutAsManyClassesAsTheConfigGivesAndIsLeftOutWithoutThem() throws Exception {
        ModelConfig plain = ModelConfig.preset("tiny", 32, 32, 9, 8, TinyModel.VOCABULARY);
        try (VideoModel probed = new VideoModel(plain.withProbe(5, 2), 1); VideoModel unprobed = new VideoModel(plain, 1); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray z = Noise.gaussian(probed.manager(), new Shape(1, 4, 3, 8, 8), new SplittableRandom(1));
            NDArray t = probed.manager().create(new float[] {0.5f});
            Dit.Probed out = probed.dit().forwardProbed(z, t, probed.text().encode(probed.manager(), List.of("a red ball")), null);
            assertEquals(new Shape(1, 3 * 4 * 4, 5), out.shapeLogits().getShape());
            assertEquals(new Shape(1, 3 * 4 * 4, 2), out.sizeLogits().getShape());
            assertTrue(unprobed.params().arrays().keySet().stream().noneMatch(name -> name.startsWith("dit.probe.")));
            var e = assertThrows(IllegalStateException.class, () -> unprobed.dit().forwardProbed(z, t, unprobed.text().encode(unprobed.manager(), List.of("a red ball")), null));
            assertTrue(e.getMessage().contains("no probe"), e.getMessage());
        }
        java.nio.file.Path file = java.nio.file.Files.createTempFile("kineto-config", ".json");
        try {
            plain.withProbe(5, 2).write(file);
            assertEquals(plain.withProbe(5, 2), ModelConfig.read(file), "the probe's classes survive config.json");
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void anHourglassKeepsTheOutputsShapeStartsAtZeroAndOldConfigsReadWithoutIt() throws Exception {
        try (Params p = new Params(ai.djl.ndarray.NDManager.newBaseManager(), 1); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            var m = p.manager();
            var text = new TextEncoder.Encoded(m.zeros(new Shape(2, 2, 32)), m.zeros(new Shape(2, 1, 1, 2)), m.zeros(new Shape(2, 32)));
            NDArray z = Noise.gaussian(m, new Shape(2, 3, 2, 16, 8), new SplittableRandom(1));
            NDArray t = m.create(new float[] {0.5f, 0.2f});
            for (int levels = 1; levels <= 2; levels++) {
                try (Params own = new Params(m.newSubManager(), levels)) {
                    Dit dit = new Dit(own, new Dit.Config(4, 32, 1, 2).withHourglass(8, levels), 3, 32);
                    int channels = 8 << levels, side = 4 >> levels;
                    assertEquals(new Shape(32, channels * side * side), own.arrays().get("dit.patch_embed.weight").getShape(),
                            "tokens are cut from the lowest level's " + channels + " channels in " + side + "×" + side + " patches");
                    NDArray out = dit.forward(z, t, text);
                    assertEquals(z.getShape(), out.getShape());
                    assertEquals(0, out.abs().max().getFloat(), "the hourglass's last convolution starts at zero");
                    own.arrays().get("dit.hourglass.out.weight").addi(0.1f);
                    assertTrue(dit.forward(z, t, text).abs().max().getFloat() > 0, "and then draws");
                }
            }
            assertThrows(IllegalArgumentException.class, () -> new Dit(p, new Dit.Config(3, 32, 1, 2).withHourglass(8, 1), 3, 32));
            assertThrows(IllegalArgumentException.class, () -> new Dit(p, new Dit.Config(4, 32, 1, 2).withHourglass(8, 3), 3, 32));
        }
        ModelConfig shipped = ModelConfig.read(java.nio.file.Path.of("src/main/resources/models/default/config.json"));
        assertEquals(0, shipped.dit().hourglass(), "a config written before hourglasses existed has none");
    }

    /** backdrop + α·(foreground − backdrop) a pixel: α 0 shows the backdrop, α 1 the foreground, whatever the two colours are. */
    @Test
    void aCompositingOutputShowsTheForegroundWhereItsCoverageIsFullAndStartsAtZero() throws Exception {
        try (Params p = new Params(ai.djl.ndarray.NDManager.newBaseManager(), 1); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            var m = p.manager();
            // Three pixels of backdrop (0.1, 0.2, 0.3) and foreground (0.9, -0.5, 0.7), their coverage logits far below, at and far above zero.
            NDArray x = m.create(new float[] {
                    0.1f, 0.1f, 0.1f, 0.2f, 0.2f, 0.2f, 0.3f, 0.3f, 0.3f, // backdrop r, g, b of the three pixels
                    0.9f, 0.9f, 0.9f, -0.5f, -0.5f, -0.5f, 0.7f, 0.7f, 0.7f, // foreground
                    -40f, 0f, 40f}, new Shape(1, 7, 1, 1, 3)); // coverage logits
            NDList composited = new Dit.Composite(3).forward(x);
            float[] out = composited.get(0).toFloatArray();
            assertArrayEquals(new float[] {0.1f, 0.5f, 0.9f, 0.2f, -0.15f, -0.5f, 0.3f, 0.5f, 0.7f}, out, 1e-5f);
            assertArrayEquals(new float[] {0f, 0.5f, 1f}, composited.get(1).toFloatArray(), 1e-5f, "the coverage a matte loss supervises");
            var text = new TextEncoder.Encoded(m.zeros(new Shape(1, 2, 32)), m.zeros(new Shape(1, 1, 1, 2)), m.zeros(new Shape(1, 32)));
            Dit dit = new Dit(p, new Dit.Config(4, 32, 1, 2).withComposite(true), 3, 32);
            assertEquals(new Shape(7 * 4 * 4, 32), p.arrays().get("dit.final.proj.weight").getShape(), "two colours and a coverage a pixel");
            NDArray z = Noise.gaussian(m, new Shape(1, 3, 2, 8, 8), new SplittableRandom(1));
            NDArray predicted = dit.forward(z, m.create(new float[] {0.5f}), text);
            assertEquals(z.getShape(), predicted.getShape());
            assertEquals(0, predicted.abs().max().getFloat(), "both colours start at zero");
            assertThrows(IllegalArgumentException.class, () -> new Dit(p, new Dit.Config(4, 32, 1, 2).withHourglass(8, 1).withComposite(true), 3, 32));
        }
        ModelConfig shipped = ModelConfig.read(java.nio.file.Path.of("src/main/resources/models/default/config.json"));
        assertFalse(shipped.dit().composite(), "a config written before compositing existed has a linear output");
        assertFalse(shipped.dit().timeOnlyModulation(), "and its adaLN takes the pooled caption");
    }

    @Test
    void rotaryPositionsMakeAttentionScoresDependOnlyOnWhereTokensSitRelativeToEachOther() {
        try (Params p = new Params(ai.djl.ndarray.NDManager.newBaseManager(), 1); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Dit dit = new Dit(p, new Dit.Config(4, 64, 1, 2).withRope(true), 3, 32);
            var m = p.manager();
            Layers.Rope rope = dit.rope(m, 2, 4, 4); // 2 frames of 4 × 4 tokens, a head 32 wide
            NDArray query = Noise.gaussian(m, new Shape(1, 1, 1, 32), new SplittableRandom(1)).repeat(2, 32);
            NDArray key = Noise.gaussian(m, new Shape(1, 1, 1, 32), new SplittableRandom(2)).repeat(2, 32);
            NDArray q = rope.rotate(query), k = rope.rotate(key);
            java.util.function.BiFunction<Integer, Integer, Float> score = (i, j) -> q.get("0, 0, {}", i).mul(k.get("0, 0, {}", j)).sum().getFloat();
            // token (frame, row, column) sits at frame·16 + row·4 + column
            assertEquals(score.apply(0, 5), score.apply(10, 15), 1e-4, "the same offset, one row and one column, anywhere");
            assertEquals(score.apply(1, 17), score.apply(6, 22), 1e-4, "the same offset across frames");
            assertNotEquals(score.apply(0, 5), score.apply(0, 6), 1e-3, "another offset, another score");
            assertEquals(query.get("0, 0, 3").mul(query.get("0, 0, 3")).sum().getFloat(), q.get("0, 0, 3").mul(q.get("0, 0, 3")).sum().getFloat(), 1e-4,
                    "a rotation keeps a vector's length");
        }
    }
}
