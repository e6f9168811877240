package dev.kineto.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.Dit;
import dev.kineto.model.FlowMatching;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.ModelConfig;
import dev.kineto.model.RequestRules;
import dev.kineto.model.Windows;
import dev.kineto.model.StepListener;
import dev.kineto.model.Keyframes;
import dev.kineto.model.Noise;
import dev.kineto.model.VideoModel;
import dev.kineto.model.VideoVae;
import dev.kineto.training.DataParallel;
import dev.kineto.training.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmarks of the video model: `kineto bench train` and `kineto bench generate`. */
final class ModelBench {
    private ModelBench() {}

    /** sgemm peak of this machine: 1024×1024 float matrix products, GFLOP/s. */
    static double sgemmPeak(NDManager m) {
        NDArray a = Noise.gaussian(m, new Shape(1024, 1024), new SplittableRandom(1)), b = Noise.gaussian(m, new Shape(1024, 1024), new SplittableRandom(2));
        double seconds = Timing.medianOfTimedRuns(5, () -> {
            long t0 = System.nanoTime();
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                for (int i = 0; i < 10; i++) a.matMul(b).getFloat(0, 0);
            }
            return (System.nanoTime() - t0) / 1e9 / 10;
        });
        return 2.0 * 1024 * 1024 * 1024 / seconds / 1e9;
    }

    /** Forward FLOPs of the DiT for one sample of tokens latent tokens and textTokens caption tokens (matrix products only). */
    static double ditForwardFlops(Dit.Config c, int patchDim, long tokens, int textTokens, int textWidth) {
        double w = c.width();
        double perBlock = tokens * (4 * w * w + 2 * w * w + 8 * w * w) // self-attention projections, cross-attention q/out, MLP
                + textTokens * 2 * textWidth * w                        // cross-attention keys and values
                + 2 * tokens * tokens * w + 2 * tokens * textTokens * w  // attention scores and mixing
                + 6 * w * w;                                             // adaLN modulation
        return 2 * (c.depth() * perBlock + tokens * (patchDim * w + w * patchDim));
    }

    /** Forward FLOPs of the VAE (encoder + decoder) for one clip, from its convolutions. */
    static double vaeForwardFlops(VideoVae.Config c, int frames, int height, int width) {
        int t1 = frames, t2 = 1 + (frames - 1) / 2, t3 = VideoVae.Config.latentFrames(frames);
        double half = (double) height * width / 4, quarter = half / 4;
        double o = c.outerWidth(), i = c.innerWidth(), z = c.latentChannels();
        double encoder = t1 * half * (12 * o + 2 * o * o) + t2 * quarter * (o * i + 2 * i * i) + t3 * quarter * (3 * i * i + 2 * i * z);
        double decoder = t3 * quarter * (z * i + 2 * i * i + 2 * i * i) + t2 * quarter * (2 * i * i + 2 * i * i) + t1 * half * (i * o + 2 * o * o + 12 * o);
        return 2 * 27 * (encoder + decoder);
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = "Training throughput of the default model's two stages, and MFU against sgemm.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--repeats", defaultValue = "5", description = "Timed steps per measurement (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Override
        public Integer call() throws Exception {
            List<String> vocabulary = List.of("a", "red", "ball", "moving", "right", "on", "blue", "background");
            ModelConfig config = ModelConfig.preset("default", 64, 64, 17, 8, vocabulary);
            try (VideoModel model = new VideoModel(config, 1)) {
                NDManager m = model.manager();
                model.params().arrays().values().forEach(p -> p.setRequiresGradient(true));
                double peak = sgemmPeak(m);
                SplittableRandom rng = new SplittableRandom(1);
                int vaeBatch = 16;
                double vaeSeconds = Timing.medianOfTimedRuns(repeats, () -> step(() -> {
                    NDArray video = Noise.gaussian(m, new Shape(vaeBatch, 3, 9, 32, 32), rng);
                    var posterior = model.vae().encode(video);
                    return model.vae().decode(VideoVae.sample(posterior, rng)).sub(video).square().mean();
                }));
                double vaeFlops = 3 * vaeBatch * vaeForwardFlops(config.vae(), 9, 32, 32);
                System.out.printf("sgemm peak (1024^3, median of 5): %.1f GFLOP/s%n", peak);
                System.out.printf("VAE stage: batch %d crops 9x32x32, %.3f s/step, %.1f samples/s, %.1f GFLOP/s, MFU %.0f %%%n",
                        vaeBatch, vaeSeconds, vaeBatch / vaeSeconds, vaeFlops / vaeSeconds / 1e9, 100 * vaeFlops / vaeSeconds / 1e9 / peak);
                long[] latent = model.vae().latentShape(17, 64, 64);
                int patchDim = config.vae().latentChannels() * config.dit().patch() * config.dit().patch();
                // The default batch (16) beside half and double, each as one batch on PyTorch's threads and as the trainer
                // runs it: slices on one-thread workers, one per core.
                try (DataParallel parallel = new DataParallel()) {
                    for (int ditBatch : new int[] {8, 16, 32}) {
                        NDArray z = Noise.gaussian(m, new Shape(ditBatch, latent[0], latent[1], latent[2], latent[3]), rng);
                        NDArray t = m.randomUniform(0, 1, new Shape(ditBatch));
                        List<String> captions = Collections.nCopies(ditBatch, "a red ball moving right on a blue background");
                        DataParallel.SliceLoss loss = (from, to) -> {
                            NDIndex rows = new NDIndex("{}:{}", from, to);
                            return model.dit().forward(z.get(rows), t.get(rows), model.text().encode(m, captions.subList(from, to))).sub(z.get(rows)).square().mean();
                        };
                        double ditFlops = 3 * ditBatch * ditForwardFlops(config.dit(), patchDim, config.trainedTokens(), 9, config.text().width());
                        double oneBatch = Timing.medianOfTimedRuns(repeats, () -> step(() -> loss.of(0, ditBatch)));
                        double sliced = Timing.medianSeconds(repeats, () -> parallel.backward(ditBatch, loss));
                        String sizes = "batch " + ditBatch + ", " + config.trainedTokens() + " tokens";
                        printDitStep(sizes + ", one batch on PyTorch's threads", ditBatch, oneBatch, ditFlops, peak);
                        printDitStep(sizes + ", " + parallel.workers() + " slices on one-thread workers (as trained)", ditBatch, sliced, ditFlops, peak);
                        System.out.printf("  slices on workers vs one batch: %.2fx faster%n", oneBatch / sliced);
                    }
                    // The trainer's latent pool takes 8 fresh clips every 4 batch-16 steps: the bulk of a DiT step's data time.
                    NDArray clips = Noise.gaussian(m, new Shape(8, 3, 17, 64, 64), rng);
                    DataParallel.Part encode = (from, to) -> {
                        try (NDScope scope = new NDScope()) {
                            scope.suppressNotUsedWarning();
                            return model.vae().encode(clips.get(new NDIndex("{}:{}", from, to))).get(0).sum().getFloat();
                        }
                    };
                    double encodeOneBatch = Timing.medianSeconds(repeats, () -> encode.of(0, 8));
                    double encodeSliced = Timing.medianSeconds(repeats, () -> parallel.sum(8, encode));
                    System.out.printf("VAE encode of 8 clips 17x64x64 (latent pool refresh): one batch on PyTorch's threads %.3f s, %d slices on one-thread workers %.3f s (%.2fx)%n",
                            encodeOneBatch, parallel.workers(), encodeSliced, encodeOneBatch / encodeSliced);
                    double updateSeconds = Timing.medianOfTimedRuns(repeats, Trainer.timedDitUpdate(model, parallel));
                    System.out.printf("DiT stage weight update (AdamW + EMA over the text encoder and DiT, %d workers), any batch: %.1f ms/step%n",
                            parallel.workers(), updateSeconds * 1e3);
                }
            }
            return 0;
        }

        private static void printDitStep(String how, int batch, double seconds, double flops, double peak) {
            System.out.printf("DiT stage: %s: %.3f s/step, %.1f samples/s, %.1f GFLOP/s, MFU %.0f %%%n",
                    how, seconds, batch / seconds, flops / seconds / 1e9, 100 * flops / seconds / 1e9 / peak);
        }

        /** One forward + backward of loss, timed in seconds. */
        private static double step(java.util.function.Supplier<NDArray> loss) {
            long t0 = System.nanoTime();
            try (NDScope scope = new NDScope(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                scope.suppressNotUsedWarning();
                NDArray l = loss.get();
                collector.backward(l);
                l.getFloat();
                collector.zeroGradients();
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true, description = "Wall time, real-time factor and peak memory of a 4-second clip.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--model", description = "Model directory (default: the bundled model).")
        Path model;

        @Option(names = "--preset", description = "Time an untrained model of this preset at 64x64, 17 frames, 8 fps instead (the weights do not change the time).")
        String preset;

        @Option(names = "--seconds", split = ",", defaultValue = "4", description = "Video lengths to time; past the model's window a pixel model chains windows (default: ${DEFAULT-VALUE}).")
        List<Double> seconds;

        @Option(names = "--steps", defaultValue = "" + RequestRules.DEFAULT_STEPS, description = "Sampling steps (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--repeats", defaultValue = "3", description = "Timed runs (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Override
        public Integer call() throws Exception {
            VideoModel loaded = preset != null ? new VideoModel(ModelConfig.preset(preset, 64, 64, 17, 8, List.of("a", "red", "ball", "moving", "right", "on", "blue", "background")), 1)
                    : VideoModel.load(model != null ? model : DiffusionGenerator.defaultModelDir());
            try (var generator = new DiffusionGenerator(loaded, FlowMatching.Sampler.HEUN)) {
                ModelConfig c = generator.model().config();
                for (double length : seconds) {
                    int frames = RequestRules.framesFor(length, c.fps());
                    for (FlowMatching.Sampler sampler : FlowMatching.Sampler.values()) {
                        var g = new DiffusionGenerator(generator.model(), sampler);
                        var request = new GenerationRequest("a red ball moving right on a blue background", "", c.width(), c.height(), frames, c.fps(), steps, RequestRules.DEFAULT_CFG, 1);
                        double wall = Timing.medianOfTimedRuns(repeats, () -> {
                            long t0 = System.nanoTime();
                            Windows.generate(g, request, Keyframes.NONE, StepListener.NONE);
                            return (System.nanoTime() - t0) / 1e9;
                        });
                        System.out.printf("generate %s %s: %d frames %dx%d (%.1f s of video), %d %s steps, cfg %.1f: %.2f s (median of %d), real-time factor %.2f%n",
                                c.preset(), sampler, frames, c.width(), c.height(), frames / c.fps(), steps, sampler, request.cfg(), wall, repeats, frames / c.fps() / wall);
                    }
                }
                System.out.printf("peak memory (RSS high-water mark of this process): %.2f GB%n", peakRssGigabytes());
            }
            return 0;
        }

        private static double peakRssGigabytes() throws java.io.IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1e6;
            }
            return Double.NaN;
        }
    }

    @Command(name = "peer", mixinStandardHelpOptions = true,
            description = "The default DiT's forward pass here and in Python PyTorch (e.g. Debian's python3-torch), side by side: our time ÷ theirs."
                    + " The Python DiT must first give this DiT's velocity on the same weights and inputs.")
    static final class Peer implements Callable<Integer> {
        @Option(names = "--repeats", defaultValue = "10", description = "Timed forward passes per batch size (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--python", description = "Python with PyTorch (default: the first of /usr/bin/python3 and the PATH's python3 and python that imports torch).")
        String python;

        @Override
        public Integer call() throws Exception {
            List<String> vocabulary = List.of("a", "red", "ball", "moving", "right", "on", "blue", "background", "slowly", "the", "big");
            ModelConfig config = ModelConfig.preset("default", 64, 64, 17, 8, vocabulary);
            PythonPeer peer = python != null ? PythonPeer.find(List.of(python)) : PythonPeer.find();
            System.out.println("Python peer: " + peer.python());
            int[] batches = {2, 32};
            try (VideoModel model = new VideoModel(config, 1)) {
                String caption = "a big red ball moving right slowly on the blue background";
                PythonPeer.Figures theirs = peer.run(model, caption, repeats, batches);
                PythonPeer.requireSame(theirs);
                System.out.printf("the Python DiT gives this DiT's velocity (largest relative difference %.1g)%n", theirs.difference());
                long[] latent = model.vae().latentShape(config.frames(), config.height(), config.width());
                double ourSgemm = sgemmPeak(model.manager());
                for (int batch : batches) {
                    double ours;
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        NDManager m = model.manager();
                        var text = model.text().encode(m, Collections.nCopies(batch, caption));
                        NDArray z = Noise.gaussian(m, new Shape(batch, latent[0], latent[1], latent[2], latent[3]), new SplittableRandom(1));
                        NDArray t = m.randomUniform(0, 1, new Shape(batch));
                        ours = Timing.medianOfTimedRuns(repeats, () -> {
                            long t0 = System.nanoTime();
                            try (NDScope step = new NDScope()) {
                                step.suppressNotUsedWarning();
                                model.dit().forward(z, t, text).getFloat(0, 0, 0, 0, 0);
                            }
                            return (System.nanoTime() - t0) / 1e9;
                        });
                    }
                    double their = theirs.seconds().get(batch);
                    System.out.printf("DiT forward, batch %d, %d tokens: Kineto (DJL %s, sgemm %.0f GFLOP/s) %.1f ms, PyTorch (%s, sgemm %.0f GFLOP/s) %.1f ms, ours / theirs = %.2f%n",
                            batch, config.trainedTokens(), Engine.getInstance().getVersion(), ourSgemm, ours * 1e3,
                            peer.python(), theirs.sgemm(), their * 1e3, ours / their);
                }
                if (theirs.sgemm() < 20) {
                    System.out.println("  the Python side's sgemm is slow: Debian's torch is on the reference BLAS; apt-get install -y libopenblas0-pthread makes it a fair peer");
                }
            }
            return 0;
        }
    }
}
