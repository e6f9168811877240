package dev.kineto.cli;

import dev.kineto.evaluation.scores.EvalResult;
import dev.kineto.evaluation.scores.Evaluator;
import dev.kineto.evaluation.scores.ModeScores;
import dev.kineto.evaluation.suite.GroundTruthGenerator;
import dev.kineto.evaluation.suite.RenoisedGenerator;
import dev.kineto.evaluation.suite.Report;
import dev.kineto.evaluation.suite.Suite;
import dev.kineto.evaluation.suite.SuiteResult;
import dev.kineto.evaluation.suite.VaeRoundTripGenerator;
import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.FlowMatching;
import dev.kineto.model.ModelConfig;
import dev.kineto.model.RequestRules;
import dev.kineto.model.Tokenizer;
import dev.kineto.model.VideoGenerator;
import dev.kineto.model.VideoModel;
import dev.kineto.modes.MotionPath;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFiles;
import dev.kineto.world.World;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `kineto eval`: scores one video (quality, adherence to a prompt, mode scores) or a model on a prompt suite. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Score a video: VBench-style quality dimensions and, for a prompt the world understands, every adherence check (JSON on stdout).",
                "Or score a model on a prompt suite: --suite world-v1 --model default writes report.json and report.html."})
public final class EvalCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "VIDEO", description = "An MP4, GIF, MOV, WebM, MKV or PNG-frame folder.")
    Path video;

    @Option(names = "--prompt", description = "The prompt the video was made from; adherence is checked when the world can parse it.")
    String prompt;

    @Option(names = "--seed", defaultValue = "0", description = "The seed the video was generated with; the physics check simulates the prompt with it (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Image-to-video input: adds first-frame PSNR and SSIM.")
    Path image;

    @Option(names = "--last-image", paramLabel = "IMAGE", description = "First+last-frame mode: adds last-frame PSNR and SSIM.")
    Path lastImage;

    @Option(names = "--path", paramLabel = "X,Y ...", description = "Motion-control path in pixels, points separated by spaces or ';': adds the trajectory error.")
    String path;

    @Option(names = "--joins", split = ",", paramLabel = "FRAME", description = "First frame of each extension: adds the seam flicker.")
    List<Integer> joins;

    @Option(names = "--drift", description = "Long video: adds each later second's subject consistency against the first.")
    boolean drift;

    @Option(names = "--suite", paramLabel = "NAME|FILE", description = "A prompt suite: built in (world-v1) or a JSON file.")
    String suite;

    @Option(names = "--model", defaultValue = "default", paramLabel = "PATH|default|ground-truth",
            description = "With --suite: the model to score (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--no-bounds", description = "With --suite: skip the bound rows (the world's renders through the model's VAE and as they are, and an untrained model).")
    boolean noBounds;

    @Option(names = "--steps", defaultValue = "" + RequestRules.DEFAULT_STEPS, description = "With --suite: sampling steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--cfg", defaultValue = "" + RequestRules.DEFAULT_CFG, description = "With --suite: classifier-free guidance scale (default: ${DEFAULT-VALUE}).")
    double cfg;

    @Option(names = "--batch", defaultValue = "8", description = "With --suite: prompts generated together (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--limit", paramLabel = "N", description = "With --suite: only the first N prompts of each category (a quick look).")
    int limit;

    @Option(names = "--out", paramLabel = "DIR", description = "With --suite: where the report goes (default: reports/SUITE).")
    Path out;

    @Option(names = "--readme", paramLabel = "FILE", description = "With --suite: also rewrite the table block of this Markdown file (e.g. README.md).")
    Path readme;

    @Override
    public Integer call() throws Exception {
        if ((video == null) == (suite == null)) throw new IllegalArgumentException("give either a VIDEO to score or --suite NAME to score a model");
        if (suite != null && (prompt != null || image != null || lastImage != null || path != null || joins != null || drift)) {
            throw new IllegalArgumentException("--prompt, --image, --last-image, --path, --joins and --drift score a single VIDEO, not a suite");
        }
        if (video != null) scoreVideo();
        else scoreSuite();
        return 0;
    }

    private void scoreVideo() throws Exception {
        List<double[]> wanted = path == null ? null : MotionPath.parse(path).points();
        Clip clip = VideoFiles.read(video);
        Map<String, Object> modes = new LinkedHashMap<>();
        if (image != null) modes.put("first_frame", ModeScores.firstFrame(clip, frameOf(image, clip)));
        if (lastImage != null) modes.put("last_frame", ModeScores.fidelity(clip, clip.frameCount() - 1, frameOf(lastImage, clip)));
        if (wanted != null) modes.put("trajectory_error_px", ModeScores.trajectoryError(clip, wanted));
        if (joins != null) modes.put("seam_flicker", ModeScores.seamFlicker(clip, joins));
        if (drift) modes.put("drift_per_second", ModeScores.drift(clip));
        EvalResult result = Evaluator.evaluate(clip, prompt, seed).withModes(modes);
        System.out.println(result.toJson());
    }

    private void scoreSuite() throws Exception {
        Suite prompts = Suite.load(suite);
        if (limit > 0) prompts = prompts.firstOfEachCategory(limit);
        List<SuiteResult> results = new ArrayList<>();
        for (Row row : rows(prompts)) {
            try (VideoGenerator generator = row.open().call()) {
                results.add(SuiteResult.run(prompts, row.name(), generator, steps, cfg, batch, line -> System.err.println("kineto: " + line)));
            }
        }
        Path dir = out != null ? out : Path.of("reports", prompts.name());
        Report.write(dir, results);
        if (readme != null) Report.updateMarkdown(readme, Report.markdownTable(results));
        System.out.print(Report.markdownTable(results));
        System.err.println("kineto: report written to " + dir.resolve("report.html"));
    }

    /** A row of the report: a name, and how to open its generator (one at a time, closed after its run). */
    private record Row(String name, Callable<VideoGenerator> open) {}

    /**
     * The model under test first, then for a latent model the same model given the world's render noised half way (what
     * its DiT loses at low noise alone) and the world's renders through its VAE (what its DiT can reach at best), then
     * the world's own renders and an untrained model of the same preset.
     */
    private List<Row> rows(Suite prompts) throws Exception {
        if (model.equals("ground-truth")) return List.of(new Row("ground truth", GroundTruthGenerator::new));
        Callable<Path> dir = model.equals("default") ? DiffusionGenerator::defaultModelDir : () -> Path.of(model);
        Row tested = new Row(model.equals("default") ? "default" : rowName(Path.of(model)), () -> DiffusionGenerator.load(dir.call()));
        if (noBounds) return List.of(tested);
        ModelConfig config = ModelConfig.read(dir.call().resolve(VideoModel.CONFIG_FILE));
        List<Row> rows = new java.util.ArrayList<>(List.of(tested));
        // Only a latent model re-noises a render and has a VAE whose round trip bounds its DiT.
        if (config.representation() == ModelConfig.Representation.LATENT) {
            rows.add(new Row("renoised from t = " + RenoisedGenerator.SUITE_TIME, () -> new RenoisedGenerator(DiffusionGenerator.load(dir.call()), RenoisedGenerator.SUITE_TIME)));
            rows.add(new Row("VAE round trip", () -> new VaeRoundTripGenerator(VideoModel.load(dir.call()))));
        }
        rows.add(new Row("ground truth", GroundTruthGenerator::new));
        rows.add(new Row("untrained", () -> untrained(prompts, config.preset())));
        return rows;
    }

    /** A model directory's name in the report; training writes runs/NAME/model, so there the run's name. */
    private static String rowName(Path dir) {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        Path parent = dir.toAbsolutePath().normalize().getParent();
        return name.toString().equals("model") && parent != null && parent.getFileName() != null ? parent.getFileName().toString() : name.toString();
    }

    /** The lower bound: the tested model's preset with random weights, its tokenizer knowing the world's words. */
    private static VideoGenerator untrained(Suite prompts, String preset) {
        List<String> vocabulary = Tokenizer.vocabulary(World.vocabulary(), prompts.prompts().stream().map(Suite.Prompt::prompt).toList());
        ModelConfig config = ModelConfig.preset(preset, prompts.width(), prompts.height(), prompts.frames(), prompts.fps(), vocabulary);
        return new DiffusionGenerator(new VideoModel(config, 0), FlowMatching.Sampler.HEUN);
    }

    /** An image read at the clip's size (scaled to cover, centre-cropped). */
    private static byte[] frameOf(Path image, Clip clip) throws Exception {
        return VideoFiles.read(image, clip.width(), clip.height(), 1).frames().getFirst();
    }
}
