package dev.kineto.cli;

import dev.kineto.training.FolderSource;
import dev.kineto.training.TrainOptions;
import dev.kineto.training.Trainer;
import dev.kineto.training.WorldSource;
import dev.kineto.video.Dataset;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Split;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `kineto train`: trains (or resumes) a model on the synthetic world within a wall-clock budget. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the video model (VAE, then text encoder + DiT) on the synthetic world or a folder of clips; rerun with the same --out to resume.")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/default", description = "Run directory: checkpoints, model/, plots, samples, train.log (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--data", description = "Train on this folder of captioned clips (manifest.jsonl, or videos with same-named .txt captions) instead of the synthetic world.")
    Path data;

    @Option(names = "--minutes", defaultValue = "75", description = "Wall-clock budget for the whole run, both stages (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--preset", defaultValue = "default", description = "Model: tiny or default (latent), pixel-tiny or pixel (pixels, a time per frame, takes frames as conditions), layered-tiny or layered (a backdrop and a matte an object, composed by the prompt's plan; world data only) (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--size", defaultValue = "64x64", description = "Training size WxH, multiples of the preset's patch in pixels, as generating asks (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--frames", defaultValue = "17", description = "Frames per training clip, 4k+1 (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--fps", defaultValue = "8", description = "Frames per second of training clips (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--vae-share", defaultValue = "0.25", description = "Share of the budget for the VAE stage (default: ${DEFAULT-VALUE}).")
    double vaeShare;

    @Option(names = "--batch", defaultValue = "16", description = "DiT batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--vae-batch", defaultValue = "16", description = "VAE batch size, of 9x32x32 crops (default: ${DEFAULT-VALUE}).")
    int vaeBatch;

    @Option(names = "--pool", defaultValue = "1024", description = "Encoded clips kept for DiT training, refreshed as training goes (default: ${DEFAULT-VALUE}).")
    int pool;

    @Option(names = "--vae-object-weights", description = "Weigh the VAE's reconstruction error 5x within 2 pixels of an object (world data only; measured in docs/model.md).")
    boolean vaeObjectWeights;

    @Option(names = "--image-share", defaultValue = "0", description = "Share of DiT steps that train on lone frames (8 per clip of a step) instead of clips (default: ${DEFAULT-VALUE}).")
    double imageShare;

    @Option(names = "--checkpoint-minutes", defaultValue = "5", description = "Minutes between checkpoints (default: ${DEFAULT-VALUE}).")
    double checkpointMinutes;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights and data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        int[] wh = GenerateCommand.parseSize(size);
        var options = new TrainOptions(out, preset, wh[0], wh[1], frames, fps, minutes, vaeShare, vaeBatch, batch, pool, vaeObjectWeights, checkpointMinutes, seed, 0, 0, imageShare);
        var spec = new RenderSpec(wh[0], wh[1], frames, fps);
        Files.createDirectories(out);
        try (OutputStream file = new FileOutputStream(out.resolve("train.log").toFile(), true);
             PrintStream log = new PrintStream(new Tee(System.out, file), true)) {
            log.printf("kineto train --out %s --minutes %s --vae-share %s --batch %d --vae-batch %d --pool %d%s --preset %s --size %s --frames %d --fps %s --seed %d%n",
                    out, minutes, vaeShare, batch, vaeBatch, pool, vaeObjectWeights ? " --vae-object-weights" : "", preset, size, frames, fps, seed);
            Trainer trainer;
            if (data != null) {
                var folder = new FolderSource(Dataset.open(data), wh[0], wh[1], frames);
                trainer = new Trainer(options, folder, folder, log);
            } else {
                trainer = new Trainer(options, new WorldSource(spec, Split.TRAIN, seed * 1_000_003L), new WorldSource(spec, Split.HELDOUT, -seed), log);
            }
            runUntilDoneOrStopped(trainer);
        }
        return 0;
    }

    /** Runs the trainer; Ctrl-C or a kill stops it after the current step with a checkpoint saved, before the JVM exits. */
    private static void runUntilDoneOrStopped(Trainer trainer) throws IOException {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            trainer.stop();
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            trainer.run();
        } finally {
            finished.countDown(); // the hook stays registered: at a normal exit it finds the run finished and returns
        }
    }

    /** Writes to two streams: the console and the run's log file. */
    private static final class Tee extends OutputStream {
        private final OutputStream a, b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
