package dev.kineto.server;

import dev.kineto.model.GenerationRequest;
import dev.kineto.model.StepListener;
import dev.kineto.model.VideoGenerator;
import dev.kineto.video.Clip;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in generator for server tests that do not need the model: draws a square moving across a background coloured
 * by the seed, taking stepMillis per sampling step so tests can watch, cancel or kill it mid-job. Records batch sizes.
 */
final class DrawingGenerator implements VideoGenerator {
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final long stepMillis;

    DrawingGenerator(long stepMillis) {
        this.stepMillis = stepMillis;
    }

    @Override
    public List<Clip> generate(List<GenerationRequest> batch, StepListener listener) {
        batchSizes.add(batch.size());
        for (int step = 1; step <= batch.getFirst().steps(); step++) {
            try {
                Thread.sleep(stepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
            listener.onStep(step, batch.getFirst().steps(), () -> batch.stream().map(DrawingGenerator::draw).toList());
        }
        return batch.stream().map(DrawingGenerator::draw).toList();
    }

    static Clip draw(GenerationRequest r) {
        int w = r.width(), h = r.height(), side = Math.max(2, Math.min(w, h) / 4);
        List<byte[]> frames = new ArrayList<>();
        for (int f = 0; f < r.frames(); f++) {
            byte[] rgb = new byte[w * h * 3];
            int x0 = f * (w - side) / Math.max(1, r.frames() - 1);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean square = x >= x0 && x < x0 + side && y >= (h - side) / 2 && y < (h + side) / 2;
                    int p = (y * w + x) * 3;
                    rgb[p] = (byte) (square ? 255 : 40 + r.seed() % 100);
                    rgb[p + 1] = (byte) (square ? 255 : 80);
                    rgb[p + 2] = (byte) (square ? 255 : 120);
                }
            }
            frames.add(rgb);
        }
        return new Clip(w, h, r.fps(), frames);
    }
}
