package dev.kineto.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.kineto.model.Checkpoint;
import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.Dit;
import dev.kineto.model.FlowMatching;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.ModelConfig;
import dev.kineto.model.Noise;
import dev.kineto.model.RequestRules;
import dev.kineto.model.StepListener;
import dev.kineto.model.Tokenizer;
import dev.kineto.model.VideoModel;
import dev.kineto.model.VideoTensors;
import dev.kineto.model.VideoVae;
import dev.kineto.training.Progress.Stage;
import dev.kineto.video.Clip;
import dev.kineto.video.Psnr;
import dev.kineto.video.VideoFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.DoubleSupplier;

/**
 * Trains a model in two stages inside one wall-clock budget: the VAE on random crops of clips, then the text
 * encoder and DiT with flow matching on latents of the frozen VAE (a pool of encoded clips, refreshed as it goes).
 * Every few minutes it saves a checkpoint, loss plots and sample videos; run again with the same directory to resume.
 */
public final class Trainer {
    private static final int VAE_CROP = 32, VAE_CROP_FRAMES = 9, LOG_EVERY = 20, WARMUP = 100, POOL_REFRESH_EVERY = 4,
            TEXT_GAP_CLIPS = 32;
    // A fresh clip enters the latent pool for every 8 samples trained on, whatever the batch, so each clip is seen
    // about as often and encoding costs the same share of a step (at batch 16: 8 new clips every 4 steps).
    private static final double SAMPLES_PER_FRESH_CLIP = 8;
    // An image step (TrainOptions.imageShare) trains on this many lone frames per clip of a video step: single frames
    // are what video models learn appearance from first, and a frame costs a seventeenth of a 17-frame clip's tokens.
    private static final int IMAGE_BATCH_FACTOR = 8;
    // The DiT's lr is the one that drew the tiny overfit's moving square (a lower one drew only the background); the
    // VAE's the largest that descended without a loss spike. The figures are in docs/model.md ("The DiT learning
    // rate" and the VAE table).
    private static final double VAE_LR = 4e-4, DIT_LR = 1e-3, KL_WEIGHT = 1e-5, CAPTION_DROPOUT = 0.1, PROBE_WEIGHT = 0.1, MAX_GRAD_NORM = 1.0, EMA_DECAY = 0.999;
    private static final float DIT_WEIGHT_DECAY = 0.01f;
    // A grounded DiT is also trained without its layout, beside the dropped captions (which drop it too), so it can draw
    // from the text alone where no plan fits: a user's frames, or a prompt the planner cannot read.
    private static final double LAYOUT_DROPOUT = 0.1;
    // A layered step trains the matte DiT on this many mattes of each clip whose backdrop it trains on. At 2 (half as
    // many backdrops as mattes) shape passed 91 of 125 world-v1 checks after 4,900 steps but the backdrops' patterns
    // lagged (background 79 of 103), so each clip gives one of each.
    private static final int MATTES_PER_CLIP = 1;
    static final String MODEL_DIR = "model", STATE_FILE = "state.safetensors", PROGRESS_FILE = "progress.json";

    private final TrainOptions options;
    private final ExampleSource source, heldOut;
    private final PrintStream log;
    private final Path runDir;

    private Progress.Stage stage = Stage.VAE;
    private long vaeSteps, ditSteps;
    private double vaeSeconds, ditSeconds, heldOutPsnr;
    private List<double[]> vaeLoss = new ArrayList<>(), ditLoss = new ArrayList<>();
    private Prefetcher data;
    private long lastCheckpoint = System.nanoTime();
    private volatile boolean stopping;

    /** Trains on source; heldOut (never trained on) gives the VAE's reconstruction PSNR and the sample prompts. */
    public Trainer(TrainOptions options, ExampleSource source, ExampleSource heldOut, PrintStream log) {
        this.options = options;
        this.source = source;
        this.heldOut = heldOut;
        this.log = log;
        this.runDir = options.runDir();
    }

    /**
     * Asks a running {@link #run} to stop after the step in progress and save a checkpoint to resume from. The train
     * command calls it from a shutdown hook, so Ctrl-C or a kill loses nothing, and the JVM does not exit while a worker
     * is inside PyTorch (which crashed it).
     */
    public void stop() {
        stopping = true;
    }

    /** Runs (or resumes) training until the budget is spent or {@link #stop} is called; the finished model is in runDir/model. */
    public void run() throws IOException {
        Files.createDirectories(runDir);
        long nextExample = 0;
        Path progressFile = runDir.resolve(PROGRESS_FILE);
        boolean resuming = Files.exists(progressFile);
        if (resuming) {
            Progress p = Progress.read(progressFile);
            stage = p.stage();
            vaeSteps = p.vaeSteps();
            ditSteps = p.ditSteps();
            vaeSeconds = p.vaeSeconds();
            ditSeconds = p.ditSeconds();
            vaeLoss = p.vaeLoss();
            ditLoss = p.ditLoss();
            heldOutPsnr = p.heldOutPsnr();
            nextExample = p.nextExample();
            log.printf("resuming %s at stage %s (VAE step %d, DiT step %d, %.1f of %.1f minutes spent)%n",
                    runDir, stage, vaeSteps, ditSteps, (vaeSeconds + ditSeconds) / 60, options.minutes());
        }
        if (stage == Stage.DONE && ditHasRoom()) {
            stage = Stage.DIT;
            log.printf("extending the finished DiT stage to %.1f minutes in all%n", options.minutes());
        }
        if (stage == Stage.DONE) {
            log.println("training already finished; the model is in " + runDir.resolve(MODEL_DIR)
                    + " (run again with a larger --minutes to train the DiT longer)");
            return;
        }
        try (VideoModel model = resuming ? resume() : create(); Prefetcher prefetcher = new Prefetcher(source, nextExample);
                DataParallel parallel = new DataParallel()) {
            data = prefetcher;
            log.printf("model %s: %,d parameters (VAE %,d, text %,d, DiT %,d), vocabulary %d words%n", model.config().preset(),
                    model.params().count(), count(model, "vae."), count(model, "text."), count(model, "dit.") + count(model, "matte."), model.config().vocabulary().size());
            lastCheckpoint = System.nanoTime();
            if (stage == Stage.VAE && model.vae() == null) stage = Stage.DIT; // a pixel model has no VAE to train
            if (stage == Stage.VAE) trainVae(model, parallel);
            if (stage == Stage.DIT && layered(model)) trainLayers(model, parallel);
            else if (stage == Stage.DIT) trainDit(model, parallel);
        }
        log.println(stopping && stage != Stage.DONE ? "stopped: checkpoint saved in " + runDir + "; run the same command again to resume" : "done: model in " + runDir.resolve(MODEL_DIR));
    }

    private VideoModel create() {
        var captions = new ArrayList<String>();
        for (int i = 0; i < 256; i++) captions.addAll(source.get(-1 - i).captions());
        List<String> vocabulary = Tokenizer.vocabulary(new TreeSet<>(source.vocabulary()), captions);
        ModelConfig config = probed(ModelConfig.preset(options.preset(), options.width(), options.height(), options.frames(), options.fps(), vocabulary));
        return new VideoModel(config, options.seed());
    }

    /** The config with the DiT's probe; a layered model's DiTs draw no composite frames to probe. */
    private static ModelConfig probed(ModelConfig config) {
        return config.representation() == ModelConfig.Representation.LAYERS ? config : Example.Shown.probed(config);
    }

    private VideoModel resume() throws IOException {
        VideoModel model = new VideoModel(probed(ModelConfig.read(runDir.resolve(MODEL_DIR).resolve(VideoModel.CONFIG_FILE))), options.seed());
        Path state = runDir.resolve(STATE_FILE);
        Checkpoint.load(state, Checkpoint.read(state), model.params().arrays());
        return model;
    }

    // ---- Stage 1: VAE ----------------------------------------------------------------------------------------

    private void trainVae(VideoModel model, DataParallel parallel) throws IOException {
        Map<String, NDArray> params = subset(model, "vae.");
        AdamW optimizer = new AdamW(params, 0, parallel);
        restoreOptimizer(optimizer, Map.of(), vaeSteps);
        SplittableRandom rng = new SplittableRandom(options.seed() * 31 + vaeSteps);
        double budget = options.minutes() * 60 * options.vaeShare();
        LogWindow window = new LogWindow();
        while (!stopping && vaeSeconds + sinceCheckpoint() < budget && !limitReached(vaeSteps, options.maxVaeSteps())) {
            long dataStart = System.nanoTime();
            List<Example> crops = new ArrayList<>();
            for (int i = 0; i < options.vaeBatch(); i++) crops.add(randomCrop(data.take(), rng));
            window.data(dataStart);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray video = VideoTensors.of(model.manager(), crops.stream().map(Example::clip).toList());
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDList posterior = model.vae().encode(video);
                    NDArray reconstruction = model.vae().decode(VideoVae.sample(posterior, rng));
                    // MSE, not L1: with L1 every near-perfect background pixel still pulls with full strength and drowns out small objects
                    NDArray error = reconstruction.sub(video).square();
                    if (options.vaeObjectWeights()) error = error.mul(pixelWeights(model.manager(), crops));
                    NDArray loss = error.mean().add(VideoVae.kl(posterior).mul((float) KL_WEIGHT));
                    collector.backward(loss);
                    window.add(loss.getFloat());
                }
                long updateStart = System.nanoTime();
                double lr = learningRate(VAE_LR, vaeSteps, progress(vaeSeconds + sinceCheckpoint(), budget, options.maxVaeSteps()));
                optimizer.step(lr, MAX_GRAD_NORM);
                window.update(updateStart);
            }
            vaeSteps++;
            if (vaeSteps % LOG_EVERY == 0) window.log("vae", vaeSteps, options.vaeBatch(), vaeLoss);
            if (checkpointDue()) checkpoint(model, optimizer, null);
        }
        if (stopping) {
            checkpoint(model, optimizer, null);
            return;
        }
        measureVae(model);
        stage = Stage.DIT;
        checkpoint(model, null, null);
    }

    /** Records the latent statistics (the DiT works on normalised latents) and the held-out reconstruction PSNR. */
    private void measureVae(VideoModel model) {
        List<Clip> clips = new ArrayList<>();
        for (int i = 0; i < 16; i++) clips.add(heldOut.get(i).clip());
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray means = model.encode(model.manager(), clips);
            float mean = means.mean().getFloat(), std = means.sub(mean).square().mean().sqrt().getFloat();
            model.setLatentStats(mean, std);
            List<Clip> reconstructed = VideoTensors.toClips(model.vae().decode(means), options.fps());
            double psnr = 0;
            for (int i = 0; i < clips.size(); i++) psnr += Psnr.of(clips.get(i), reconstructed.get(i));
            heldOutPsnr = psnr / clips.size();
            log.printf("vae done: held-out reconstruction PSNR %.2f dB on %d clips; latent mean %.3f std %.3f%n", heldOutPsnr, clips.size(), mean, std);
        }
    }

    /** The same random window of the clip and of its background. */
    private static Example randomCrop(Example example, SplittableRandom rng) {
        Clip clip = example.clip();
        int w = Math.min(VAE_CROP, clip.width()), h = Math.min(VAE_CROP, clip.height()), frames = Math.min(VAE_CROP_FRAMES, clip.frameCount());
        int x0 = rng.nextInt(clip.width() - w + 1), y0 = rng.nextInt(clip.height() - h + 1), t0 = rng.nextInt(clip.frameCount() - frames + 1);
        Clip background = example.background() == null ? null : crop(example.background(), x0, y0, t0, w, h, frames);
        return new Example(crop(clip, x0, y0, t0, w, h, frames), example.captions(), background);
    }

    private static Clip crop(Clip clip, int x0, int y0, int t0, int w, int h, int frames) {
        List<byte[]> out = new ArrayList<>(frames);
        for (int t = 0; t < frames; t++) {
            byte[] src = clip.frames().get(t0 + t), dst = new byte[w * h * 3];
            for (int y = 0; y < h; y++) System.arraycopy(src, ((y0 + y) * clip.width() + x0) * 3, dst, y * w * 3, w * 3);
            out.add(dst);
        }
        return new Clip(w, h, clip.fps(), out);
    }

    /** Per-pixel weights [B, 1, T, H, W] of the crops' reconstruction error. */
    private static NDArray pixelWeights(NDManager manager, List<Example> crops) {
        Clip first = crops.getFirst().clip();
        int size = first.frameCount() * first.height() * first.width();
        float[] all = new float[crops.size() * size];
        for (int i = 0; i < crops.size(); i++) System.arraycopy(ObjectWeights.pixels(crops.get(i), ObjectWeights.VAE_DILATION), 0, all, i * size, size);
        return manager.create(all, new Shape(crops.size(), 1, first.frameCount(), first.height(), first.width()));
    }

    // ---- Stage 2: text encoder + DiT ---------------------------------------------------------------------------

    /** The DiT stage's optimiser and EMA over the text encoder's and DiTs' weights, restored when resuming, and its random stream. */
    private record DitStage(AdamW optimizer, Ema ema, SplittableRandom rng) {}

    private DitStage ditStage(VideoModel model, DataParallel parallel) throws IOException {
        Map<String, NDArray> params = ditParams(model);
        AdamW optimizer = new AdamW(params, DIT_WEIGHT_DECAY, parallel);
        Ema ema = new Ema(params, EMA_DECAY, parallel);
        restoreOptimizer(optimizer, ema.weights(), ditSteps);
        return new DitStage(optimizer, ema, new SplittableRandom(options.seed() * 17 + ditSteps));
    }

    private void trainDit(VideoModel model, DataParallel parallel) throws IOException {
        DitStage dit = ditStage(model, parallel);
        AdamW optimizer = dit.optimizer();
        Ema ema = dit.ema();
        SplittableRandom rng = dit.rng();
        ModelConfig config = model.config();
        double shift = FlowMatching.resolutionShift(config.shift(), config.trainedTokens(), config.trainedTokens());
        double imageShift = FlowMatching.resolutionShift(config.shift(), config.tokens(1, config.height(), config.width()), config.trainedTokens());
        List<Example> gapClips = new ArrayList<>();
        for (int i = 0; i < TEXT_GAP_CLIPS; i++) gapClips.add(heldOut.get(200 + i));
        try (LatentPool pool = new LatentPool(model, options.poolSize(), parallel); TextGap textGap = new TextGap(model, gapClips, shift, options.seed())) {
            long fillStart = System.nanoTime();
            while (!pool.full()) pool.add(takeBatch(Math.min(32, pool.room())));
            log.printf("latent pool: %d clips encoded in %.0f s%n", pool.size(), (System.nanoTime() - fillStart) / 1e9);
            logTextGap(textGap.measure(model));
            int freshClips = (int) Math.max(1, Math.round(options.ditBatch() * POOL_REFRESH_EVERY / SAMPLES_PER_FRESH_CLIP));
            LogWindow window = new LogWindow();
            DoubleAdder probeLosses = new DoubleAdder();
            while (ditHasRoom()) {
                long dataStart = System.nanoTime();
                if (ditSteps % POOL_REFRESH_EVERY == 0) pool.replace(takeBatch(freshClips), rng);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDManager m = model.manager();
                    boolean image = rng.nextDouble() < options.imageShare();
                    LatentPool.Batch batch = image ? pool.sampleFrames(options.ditBatch() * IMAGE_BATCH_FACTOR, rng) : pool.sample(options.ditBatch(), rng);
                    int size = batch.captions().size();
                    window.data(dataStart);
                    NDArray x0 = model.normalise(batch.latents());
                    List<String> captions = new ArrayList<>();
                    float[] planned = new float[size];
                    for (List<String> phrasings : batch.captions()) {
                        boolean dropped = rng.nextDouble() < CAPTION_DROPOUT;
                        captions.add(dropped ? "" : phrasings.get(rng.nextInt(phrasings.size())));
                        planned[captions.size() - 1] = dropped || rng.nextDouble() < LAYOUT_DROPOUT ? 0 : 1;
                    }
                    NDArray layout = batch.layout() == null ? null : batch.layout().mul(m.create(planned, new Shape(size, 1, 1)));
                    FrameTimes frameTimes = FrameTimes.sample(size, (int) x0.getShape().get(2), config.takesFrames(), image ? imageShift : shift, rng);
                    NDArray t = frameTimes.times(m);
                    NDArray noise = Noise.gaussian(m, x0.getShape(), rng);
                    NDArray xt = FlowMatching.interpolate(x0, noise, t);
                    NDArray weights = batch.weights().mul(frameTimes.lossMask(m));
                    window.add(image, parallel.backward(size, (from, to) -> {
                        NDIndex rows = new NDIndex("{}:{}", from, to);
                        Dit.Probed out = model.dit().forwardProbed(xt.get(rows), t.get(rows), model.text().encode(m, captions.subList(from, to)),
                                layout == null ? null : layout.get(rows));
                        NDArray probeLoss = crossEntropy(out.shapeLogits(), batch.shapeTargets().get(rows))
                                .add(crossEntropy(out.sizeLogits(), batch.sizeTargets().get(rows)));
                        probeLosses.add(probeLoss.getFloat() * (to - from) / size);
                        return FlowMatching.loss(config.prediction(), out.output(), x0.get(rows), noise.get(rows), t.get(rows), weights.get(rows))
                                .add(probeLoss.mul((float) PROBE_WEIGHT));
                    }));
                    long updateStart = System.nanoTime();
                    double lr = learningRate(DIT_LR, ditSteps, progress(ditSeconds + sinceCheckpoint(), ditBudget(), options.maxDitSteps()));
                    updateDit(optimizer, ema, lr, ditSteps);
                    window.update(updateStart);
                }
                ditSteps++;
                if (ditSteps % LOG_EVERY == 0) {
                    window.log("dit", ditSteps, options.ditBatch(), ditLoss);
                    log.printf("probe: cross-entropy of shape + size over the last %d steps %.4f%n", LOG_EVERY, probeLosses.sumThenReset() / LOG_EVERY);
                }
                if (checkpointDue()) {
                    checkpoint(model, optimizer, ema);
                    logTextGap(textGap.measure(model));
                }
            }
            if (stopping) {
                checkpoint(model, optimizer, ema);
                return;
            }
            stage = Stage.DONE;
            checkpoint(model, optimizer, ema);
            logTextGap(textGap.measure(model));
        }
    }

    /**
     * A layered model's DiT stage: lone frames only, as its DiTs draw them. Each step takes batch / MATTES_PER_CLIP clips
     * and trains the backdrop DiT on their backgrounds (told the planned background, dropped with the caption and alone, so
     * it can also draw from the text) and the matte DiT on MATTES_PER_CLIP mattes of each (an object on a frame,
     * planned by its layout, which is never dropped: a matte is always drawn from a plan).
     */
    private void trainLayers(VideoModel model, DataParallel parallel) throws IOException {
        DitStage dit = ditStage(model, parallel);
        SplittableRandom rng = dit.rng();
        ModelConfig config = model.config();
        LogWindow window = new LogWindow();
        while (ditHasRoom()) {
            long dataStart = System.nanoTime();
            List<Example> clips = takeBatch(Math.max(1, options.ditBatch() / MATTES_PER_CLIP));
            if (clips.stream().anyMatch(e -> e.background() == null || e.layout() == null || e.objects().isEmpty())) {
                throw new IllegalArgumentException("a layered model learns from clips whose background and objects are known apart, with their plan: "
                        + "the synthetic world's; a folder of clips (--data) has none, so train a pixel or latent preset on it");
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDManager m = model.manager();
                NDArray backdrops = LayerTargets.backdrops(m, clips);
                LayerTargets.Mattes mattes = LayerTargets.mattes(m, clips, MATTES_PER_CLIP, config.pixelsPerToken(), rng);
                List<String> captions = new ArrayList<>(), matteCaptions = new ArrayList<>();
                for (Example e : clips) captions.add(rng.nextDouble() < CAPTION_DROPOUT ? "" : e.captions().get(rng.nextInt(e.captions().size())));
                for (int i : mattes.example()) {
                    List<String> phrasings = clips.get(i).captions();
                    matteCaptions.add(rng.nextDouble() < CAPTION_DROPOUT ? "" : phrasings.get(rng.nextInt(phrasings.size())));
                }
                window.data(dataStart);
                float[] planned = new float[clips.size()];
                for (int i = 0; i < clips.size(); i++) planned[i] = captions.get(i).isEmpty() || rng.nextDouble() < LAYOUT_DROPOUT ? 0 : 1;
                NDArray backdropPlan = LayerTargets.backdropPlans(m, clips, config.pixelsPerToken()).mul(m.create(planned, new Shape(clips.size(), 1, 1)));
                double loss = layerLoss(model.dit(), model, parallel, backdrops, backdropPlan, backdrops.onesLike(), captions, ModelConfig.BACKDROP_SHIFT, rng)
                        + layerLoss(model.matte(), model, parallel, mattes.target(), mattes.layout(), mattes.weights(), matteCaptions, config.shift(), rng);
                window.add(loss);
                long updateStart = System.nanoTime();
                double lr = learningRate(DIT_LR, ditSteps, progress(ditSeconds + sinceCheckpoint(), ditBudget(), options.maxDitSteps()));
                updateDit(dit.optimizer(), dit.ema(), lr, ditSteps);
                window.update(updateStart);
            }
            ditSteps++;
            if (ditSteps % LOG_EVERY == 0) window.log("layers", ditSteps, options.ditBatch(), ditLoss);
            if (checkpointDue()) checkpoint(model, dit.optimizer(), dit.ema());
        }
        if (!stopping) stage = Stage.DONE;
        checkpoint(model, dit.optimizer(), dit.ema());
    }

    /** One DiT's flow-matching loss on clean lone frames x0 [B, C, 1, H, W] (layout null: none), its gradients added to the weights'. */
    private static double layerLoss(Dit dit, VideoModel model, DataParallel parallel, NDArray x0, NDArray layout, NDArray weights, List<String> captions,
                                    double shift, SplittableRandom rng) {
        NDManager m = model.manager();
        int size = captions.size();
        float[] times = new float[size];
        for (int i = 0; i < size; i++) times[i] = (float) FlowMatching.sampleTime(rng, shift);
        NDArray t = m.create(times);
        NDArray noise = Noise.gaussian(m, x0.getShape(), rng);
        NDArray xt = FlowMatching.interpolate(x0, noise, t);
        return parallel.backward(size, (from, to) -> {
            NDIndex rows = new NDIndex("{}:{}", from, to);
            NDArray out = dit.forward(xt.get(rows), t.get(rows), model.text().encode(m, captions.subList(from, to)), layout == null ? null : layout.get(rows));
            return FlowMatching.loss(model.config().prediction(), out, x0.get(rows), noise.get(rows), t.get(rows), weights.get(rows));
        });
    }

    private static boolean layered(VideoModel model) {
        return model.config().representation() == ModelConfig.Representation.LAYERS;
    }

    /** Mean cross-entropy of logits [B, N, K] over the tokens whose one-hot target row is not all zero (0 when none is). */
    private static NDArray crossEntropy(NDArray logits, NDArray oneHot) {
        return oneHot.mul(logits.logSoftmax(-1)).sum().neg().div(oneHot.sum().maximum(1f));
    }

    /** The text encoder's and the DiT's weights: what the second stage trains. */
    static Map<String, NDArray> ditParams(VideoModel model) {
        Map<String, NDArray> params = subset(model, "text.");
        params.putAll(subset(model, "dit."));
        params.putAll(subset(model, "matte."));
        return params;
    }

    private static void updateDit(AdamW optimizer, Ema ema, double lr, long step) {
        optimizer.step(lr, MAX_GRAD_NORM);
        ema.update(step);
    }

    /**
     * The second stage's weight update (AdamW and EMA, as in training) on fresh gradients of a stand-in loss; each call
     * returns the seconds of one update alone, for `kineto bench train`.
     */
    public static DoubleSupplier timedDitUpdate(VideoModel model, DataParallel parallel) {
        Map<String, NDArray> params = ditParams(model);
        AdamW optimizer = new AdamW(params, DIT_WEIGHT_DECAY, parallel);
        Ema ema = new Ema(params, EMA_DECAY, parallel);
        return () -> {
            try (NDScope scope = new NDScope(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                scope.suppressNotUsedWarning();
                NDList squares = new NDList();
                for (NDArray p : params.values()) squares.add(p.square().sum());
                collector.backward(NDArrays.stack(squares).sum());
            }
            long start = System.nanoTime();
            updateDit(optimizer, ema, DIT_LR, optimizer.steps());
            return (System.nanoTime() - start) / 1e9;
        };
    }

    private void logTextGap(TextGap.Result r) {
        log.printf("text gap at DiT step %d: held-out loss %.4f with its own captions, %.4f with other clips' (the text removes %.1f %%)%n",
                ditSteps, r.ownCaption(), r.otherCaption(), 100 * r.gap());
    }

    /** The DiT gets what the VAE left of the budget, so a larger --minutes lengthens only the DiT stage of a finished run. */
    private double ditBudget() {
        return options.minutes() * 60 - vaeSeconds;
    }

    /** Whether the DiT has time (counting what is not yet checkpointed) and steps left: the DiT loop's condition, and what reopens a finished run. */
    private boolean ditHasRoom() {
        return !stopping && ditSeconds + sinceCheckpoint() < ditBudget() && !limitReached(ditSteps, options.maxDitSteps());
    }

    /** How far a stage is through its time budget, 0..1; step-limited runs (tests) stay at 0, so they do not depend on machine load. */
    private static double progress(double seconds, double budget, long maxSteps) {
        return maxSteps > 0 ? 0 : seconds / budget;
    }

    private static boolean limitReached(long steps, long limit) {
        return limit > 0 && steps >= limit;
    }

    private List<Example> takeBatch(int n) {
        List<Example> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(data.take());
        return out;
    }

    // ---- Shared: schedule, logging, checkpoints ---------------------------------------------------------------

    /** Linear warm-up, then cosine decay to a tenth over the stage's time budget. */
    private static double learningRate(double base, long step, double fractionOfBudget) {
        double warm = Math.min(1, (step + 1.0) / WARMUP);
        return base * warm * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, fractionOfBudget))));
    }

    /** Loss, speed and where the time went over the steps since the last log line (fewer than LOG_EVERY right after a resume). */
    private final class LogWindow {
        private double lossSum, imageLossSum, dataSeconds, updateSeconds;
        private int steps, imageSteps;
        private long start = System.nanoTime();

        /** A step's loss: a video step's goes to the loss curve, an image step's (lone frames) is logged apart. */
        void add(boolean image, double loss) {
            if (image) {
                imageLossSum += loss;
                imageSteps++;
            }
            else lossSum += loss;
            steps++;
        }

        void add(double loss) {
            add(false, loss);
        }

        /** Time getting a batch (rendering, cropping, encoding new clips into the latent pool) since start. */
        void data(long start) {
            dataSeconds += (System.nanoTime() - start) / 1e9;
        }

        /** Time in the optimiser step and EMA update since start; the rest of a step is the model's forward and backward. */
        void update(long start) {
            updateSeconds += (System.nanoTime() - start) / 1e9;
        }

        /** Logs the window's mean loss and speed, appends the loss to curve, and starts a new window. */
        void log(String what, long step, int batch, List<double[]> curve) {
            double seconds = (System.nanoTime() - start) / 1e9, loss = lossSum / Math.max(1, steps - imageSteps);
            double spent = vaeSeconds + ditSeconds + sinceCheckpoint(), left = options.minutes() * 60 - spent;
            log.printf("%s step %6d  loss %.5f  %.2f s/step (data %.0f %%, update %.0f %%)  %.1f samples/s  elapsed %s  ETA %s  rss %.2f GB%n",
                    what, step, loss, seconds / steps, 100 * dataSeconds / seconds, 100 * updateSeconds / seconds, batch * steps / seconds,
                    minutes(spent), minutes(Math.max(0, left)), rssGigabytes());
            if (imageSteps > 0) log.printf("%s image steps %d of %d, loss %.5f%n", what, imageSteps, steps, imageLossSum / imageSteps);
            if (steps > imageSteps) curve.add(new double[] {step, loss});
            lossSum = 0;
            imageLossSum = 0;
            imageSteps = 0;
            dataSeconds = 0;
            updateSeconds = 0;
            steps = 0;
            start = System.nanoTime();
        }
    }

    private static String minutes(double seconds) {
        return String.format("%d:%02d", (long) seconds / 60, (long) seconds % 60);
    }

    private static double rssGigabytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1e6;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: memory is simply not reported
        }
        return 0;
    }

    private double sinceCheckpoint() {
        return (System.nanoTime() - lastCheckpoint) / 1e9;
    }

    private boolean checkpointDue() {
        return sinceCheckpoint() >= options.checkpointMinutes() * 60;
    }

    /** Saves the raw weights with optimiser and EMA state, the model (EMA weights), progress, and (unless stopping) plots and samples. */
    private void checkpoint(VideoModel model, AdamW optimizer, Ema ema) throws IOException {
        if (stage == Stage.VAE || (stage == Stage.DIT && ditSteps == 0)) vaeSeconds += sinceCheckpoint();
        else ditSeconds += sinceCheckpoint();
        lastCheckpoint = System.nanoTime();
        Map<String, NDArray> state = new LinkedHashMap<>(model.params().arrays());
        if (optimizer != null) state.putAll(optimizer.state());
        if (ema != null) state.putAll(ema.state());
        Checkpoint.write(runDir.resolve(STATE_FILE), state);
        model.save(runDir.resolve(MODEL_DIR), ema == null ? Map.of() : ema.weights());
        new Progress(stage, vaeSteps, ditSteps, vaeSeconds, ditSeconds, data.nextIndex(), vaeLoss, ditLoss, heldOutPsnr).write(runDir.resolve(PROGRESS_FILE));
        if (!stopping) { // plots and samples start AWT and ImageIO, which refuse to once the JVM is shutting down; the next run draws them
            LossPlot.write(runDir.resolve("loss-vae.png"), "VAE loss (MSE + KL)", vaeLoss);
            LossPlot.write(runDir.resolve("loss-dit.png"), "DiT flow-matching loss", ditLoss);
            if (ema != null) writeSamples();
        }
        log.printf("checkpoint: %s (stage %s, VAE step %d, DiT step %d)%n", runDir, stage, vaeSteps, ditSteps);
        lastCheckpoint = System.nanoTime();
    }

    /** Generates two held-out prompts with the just-saved model, into runDir/samples, as a user gets them by default (seeds 0 and 1). */
    private void writeSamples() throws IOException {
        try (DiffusionGenerator generator = DiffusionGenerator.load(runDir.resolve(MODEL_DIR))) {
            List<GenerationRequest> requests = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                requests.add(generator.model().config().rules().resolve(new RequestRules.Draft(heldOut.get(100 + i).captions().getFirst(),
                        null, null, null, null, null, null, null, (long) i)));
            }
            List<Clip> clips = generator.generate(requests, StepListener.NONE);
            for (int i = 0; i < clips.size(); i++) {
                Path file = runDir.resolve("samples").resolve(String.format("dit-%06d-%d.mp4", ditSteps, i));
                VideoFiles.write(clips.get(i), file);
                GenerationRequest r = requests.get(i);
                log.printf("sample %s: %s (%dx%d, %d frames, %d steps, cfg %s, seed %d)%n", file.getFileName(), r.prompt(), r.width(), r.height(), r.frames(),
                        r.steps(), RequestRules.fmt(r.cfg()), r.seed());
            }
        }
    }

    private void restoreOptimizer(AdamW optimizer, Map<String, NDArray> emaWeights, long steps) throws IOException {
        Path file = runDir.resolve(STATE_FILE);
        if (steps == 0 || !Files.exists(file)) return;
        Map<String, NDArray> targets = new LinkedHashMap<>(optimizer.state());
        emaWeights.forEach((k, a) -> targets.put("ema." + k, a));
        Checkpoint.load(file, Checkpoint.read(file), targets);
        optimizer.restore(steps);
    }

    private static Map<String, NDArray> subset(VideoModel model, String prefix) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        model.params().arrays().forEach((k, a) -> {
            if (k.startsWith(prefix)) out.put(k, a);
        });
        return out;
    }

    private static long count(VideoModel model, String prefix) {
        return subset(model, prefix).values().stream().mapToLong(NDArray::size).sum();
    }
}
