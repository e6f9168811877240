package dev.kineto.bench;

import dev.kineto.evaluation.scores.Check;
import dev.kineto.evaluation.scores.EvalResult;
import dev.kineto.evaluation.scores.Evaluator;
import dev.kineto.evaluation.scores.ModeScores;
import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.FlowMatching;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.Keyframes;
import dev.kineto.model.ModelConfig;
import dev.kineto.model.RequestRules;
import dev.kineto.model.StepListener;
import dev.kineto.model.VideoModel;
import dev.kineto.model.Windows;
import dev.kineto.modes.Direction;
import dev.kineto.modes.Guides;
import dev.kineto.modes.MotionPath;
import dev.kineto.video.Clip;
import dev.kineto.video.Psnr;
import dev.kineto.world.Background;
import dev.kineto.world.BackgroundKind;
import dev.kineto.world.Camera;
import dev.kineto.world.Colour;
import dev.kineto.world.Description;
import dev.kineto.world.Motion;
import dev.kineto.world.ObjectSpec;
import dev.kineto.world.ObjectState;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.ShapeKind;
import dev.kineto.world.Size;
import dev.kineto.world.Speed;
import dev.kineto.world.World;
import dev.kineto.world.WorldClip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `kineto bench modes`: each steering mode's bar measured by the evaluator on the bundled model at its training size,
 * with wall time and real-time factor: the motion path's mean centroid distance over 20 paths (straight, curved, with
 * turns) on solid backdrops, the camera classifier's reading of the asked move over 40 clips on checkered and noisy
 * backdrops (a pan over a plain one leaves no trace), and a restyle of sources on solid, striped and gradient
 * backdrops to a new colour on a solid one, with the source's path kept, over 20 clips; text to video first, as the
 * baseline of wall time.
 */
@Command(name = "modes", mixinStandardHelpOptions = true,
        description = "Text (the baseline), motion path, camera, restyle, and on a model that takes frames image, first-last and extend: the evaluator's figures, wall time and real-time factor.")
final class ModesBench implements Callable<Integer> {
    @Option(names = "--model", description = "Model directory (default: the bundled model).")
    Path model;

    @Option(names = "--preset", description = "An untrained model at this preset instead (seeded weights): a trained one's wall time, noise for pictures; "
            + "pixel times the frame modes before a pixel model is trained.")
    String preset;

    @Option(names = "--mode", split = ",", defaultValue = "text,path,camera,restyle,image,first-last,extend", description = "Modes to measure (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--strength", description = "Strength for every mode (default: each mode's own).")
    Double strength;

    @Option(names = "--clips", description = "Clips per mode (default: 20 paths, 40 camera clips, 20 restyles).")
    Integer clips;

    private static final Colour[] COLOURS = {Colour.RED, Colour.YELLOW, Colour.GREEN, Colour.WHITE, Colour.ORANGE, Colour.PINK, Colour.CYAN};
    private static final ShapeKind[] SHAPES = {ShapeKind.CIRCLE, ShapeKind.SQUARE, ShapeKind.TRIANGLE, ShapeKind.STAR};

    @Override
    public Integer call() throws Exception {
        try (DiffusionGenerator generator = preset != null
                ? new DiffusionGenerator(new VideoModel(ModelConfig.preset(preset, 64, 64, 17, 8, List.copyOf(World.vocabulary())), 1), FlowMatching.Sampler.HEUN)
                : DiffusionGenerator.load(model != null ? model : DiffusionGenerator.defaultModelDir())) {
            ModelConfig c = generator.model().config();
            for (String mode : modes) {
                switch (mode) {
                    case "text" -> text(generator, c);
                    case "path" -> path(generator, c);
                    case "camera" -> camera(generator, c);
                    case "restyle" -> restyle(generator, c);
                    case "image", "first-last", "extend" -> frames(generator, c, mode);
                    default -> throw new IllegalArgumentException("unknown mode '" + mode + "': use text, path, camera, restyle, image, first-last or extend");
                }
            }
        }
        return 0;
    }

    /** The baseline the guided modes are timed against: the same prompts as the path bench's, from noise, at the same size. */
    private void text(DiffusionGenerator generator, ModelConfig c) {
        int n = clips != null ? clips : 20;
        Runs runs = new Runs();
        for (int i = 0; i < n; i++) {
            String prompt = World.caption(Description.of(ObjectSpec.of(COLOURS[i % COLOURS.length], SHAPES[i % SHAPES.length]), plain(i)), new SplittableRandom(i));
            GenerationRequest request = request(prompt, c, c.frames(), i);
            runs.time(() -> generator.generate(List.of(request), StepListener.NONE).getFirst(), request);
        }
        System.out.printf("modes text: %s%n", runs);
    }

    private void path(DiffusionGenerator generator, ModelConfig c) {
        int n = clips != null ? clips : 20;
        Runs runs = new Runs();
        double worst = 0, sum = 0;
        for (int i = 0; i < n; i++) {
            MotionPath path = testPath(i, c.width(), c.height());
            String prompt = World.caption(Description.of(ObjectSpec.of(COLOURS[i % COLOURS.length], SHAPES[i % SHAPES.length]), plain(i)), new SplittableRandom(i));
            GenerationRequest request = request(prompt, c, c.frames(), i);
            Clip clip = runs.time(() -> Guides.generate(generator, request, new Direction(path, null, null, null, strength), StepListener.NONE), request);
            double error = ModeScores.trajectoryError(clip, path.points());
            sum += error;
            worst = Math.max(worst, error);
        }
        System.out.printf("modes path: mean centroid distance to the path %.2f px over %d paths (worst clip %.2f px), strength %.2f; %s%n",
                sum / n, n, worst, strength(new Direction(testPath(0, c.width(), c.height()), null, null, null, strength)), runs);
    }

    private void camera(DiffusionGenerator generator, ModelConfig c) {
        int n = clips != null ? clips : 40;
        Runs runs = new Runs();
        int read = 0;
        List<String> misses = new ArrayList<>();
        Camera[] moves = Camera.values();
        for (int i = 0; i < n; i++) {
            Camera move = moves[i % moves.length];
            Colour colour = COLOURS[i % COLOURS.length];
            Background textured = new Background(i % 2 == 0 ? BackgroundKind.CHECKER : BackgroundKind.NOISE, Colour.BLUE, Colour.BLACK);
            String prompt = World.caption(Description.of(ObjectSpec.of(colour, SHAPES[i % SHAPES.length]), textured).withCamera(move), new SplittableRandom(i));
            Direction direction = new Direction(null, move, null, null, strength);
            GenerationRequest request = request(direction.prompt(prompt), c, c.frames(), i);
            Clip clip = runs.time(() -> Guides.generate(generator, request, direction, StepListener.NONE), request);
            Check check = check(Evaluator.evaluate(clip, request.prompt()), "camera");
            if (check != null && check.pass()) read++;
            else misses.add(Direction.name(move) + " read as " + (check == null ? "unobservable" : check.seen()));
        }
        System.out.printf("modes camera: the classifier read the asked move in %d of %d clips (%.0f %%), strength %.2f%s; %s%n", read, n, 100.0 * read / n,
                strength(new Direction(null, Camera.STATIC, null, null, strength)), misses.isEmpty() ? "" : " (missed: " + String.join(", ", misses) + ")", runs);
    }

    private void restyle(DiffusionGenerator generator, ModelConfig c) {
        int n = clips != null ? clips : 20;
        Runs runs = new Runs();
        int restyled = 0, kept = 0;
        double worst = 0;
        Motion[] motions = {Motion.RIGHT, Motion.LEFT, Motion.UP, Motion.DOWN, Motion.DOWN_RIGHT, Motion.UP_LEFT, Motion.ORBIT, Motion.BOUNCE};
        for (int i = 0; i < n; i++) {
            ShapeKind shape = SHAPES[i % SHAPES.length];
            var from = new ObjectSpec(COLOURS[i % COLOURS.length], shape, Size.MEDIUM, motions[i % motions.length], Speed.NORMAL);
            String sourcePrompt = World.caption(Description.of(from, background(i)), new SplittableRandom(i));
            WorldClip source = World.render(sourcePrompt, new RenderSpec(c.width(), c.height(), c.frames(), c.fps()), i);
            Colour newColour = COLOURS[(i + 3) % COLOURS.length];
            Background newBackground = plain(i + 1);
            String prompt = World.caption(Description.of(ObjectSpec.of(newColour, shape), newBackground), new SplittableRandom(i + 100));
            GenerationRequest request = request(prompt, c, c.frames(), i);
            Direction direction = new Direction(null, null, null, source.clip(), strength);
            Clip clip = runs.time(() -> Guides.generate(generator, request, direction, StepListener.NONE), request);
            EvalResult result = Evaluator.evaluate(clip, prompt);
            Check colour = check(result, "colour"), background = check(result, "background");
            if (colour != null && colour.pass() && background != null && background.pass()) restyled++;
            List<double[]> sourcePath = source.scene().tracks().getFirst().states().stream().map(s -> new double[] {s.x(), s.y()}).toList();
            double error = ModeScores.trajectoryError(clip, sourcePath);
            worst = Math.max(worst, error);
            if (error <= 3) kept++;
        }
        System.out.printf("modes restyle: the new colour and background read in %d of %d clips (%.0f %%), the source's path kept within 3 px in %d (worst %.2f px), strength %.2f; %s%n",
                restyled, n, 100.0 * restyled / n, kept, worst, strength(new Direction(null, null, null, new Clip(8, 8, 1, List.of(new byte[192])), strength)), runs);
    }

    /**
     * The frame modes on world clips: the clip's first frame as the image (and its last as the last frame), or the clip
     * continued by one window; the given frames' PSNR in the result (the bars: 30 dB for an image, 28 for both ends).
     */
    private void frames(DiffusionGenerator generator, ModelConfig c, String mode) {
        if (!c.takesFrames()) {
            System.out.printf("modes %s: skipped: this model (preset %s, %s) cannot take frames; give --model with a pixel model or --preset pixel%n",
                    mode, c.preset(), c.representation().name().toLowerCase(java.util.Locale.ROOT));
            return;
        }
        int n = clips != null ? clips : 4;
        Runs runs = new Runs();
        double lowest = Psnr.IDENTICAL;
        for (int i = 0; i < n; i++) {
            String prompt = World.caption(Description.of(ObjectSpec.of(COLOURS[i % COLOURS.length], SHAPES[i % SHAPES.length]), plain(i)), new SplittableRandom(i));
            Clip source = World.render(prompt, new RenderSpec(c.width(), c.height(), c.frames(), c.fps()), i).clip();
            byte[] first = source.frames().getFirst(), last = source.frames().getLast();
            GenerationRequest request = request(prompt, c, mode.equals("extend") ? c.frames() - 1 : c.frames(), i);
            Clip clip = runs.time(() -> switch (mode) {
                case "image" -> Windows.generate(generator, request, Keyframes.first(first), StepListener.NONE);
                case "first-last" -> Windows.generate(generator, request, Keyframes.firstAndLast(first, last, request.frames()), StepListener.NONE);
                default -> Windows.extend(generator, source, request, StepListener.NONE);
            }, request);
            lowest = Math.min(lowest, switch (mode) {
                case "image" -> Psnr.of(clip.frames().getFirst(), first);
                case "first-last" -> Math.min(Psnr.of(clip.frames().getFirst(), first), Psnr.of(clip.frames().getLast(), last));
                default -> Psnr.of(clip.frames().get(source.frameCount() - 1), last);
            });
        }
        String given = switch (mode) {
            case "image" -> "the first frame";
            case "first-last" -> "both ends";
            default -> "the clip's last frame";
        };
        System.out.printf("modes %s: %s at %.1f dB or more over %d clips (preset %s); %s%n", mode, given, lowest, n, c.preset(), runs);
    }

    /**
     * Paths of three kinds in turn: straight lines, curves (arcs and waves), polylines with turns. Each is at most
     * MAX_TRAVEL of the frame's shorter side long, about what the world's fastest motion covers in the default 2 s
     * clip: the model was trained on such speeds, and its VAE (4 frames a latent step) smears faster subjects away.
     */
    static MotionPath testPath(int i, int width, int height) {
        SplittableRandom rng = new SplittableRandom(1000 + i);
        double unit = Math.min(width, height), travel = between(rng, 0.5, 1) * MAX_TRAVEL * unit;
        double cx = width / 2.0 + between(rng, -0.1, 0.1) * unit, cy = height / 2.0 + between(rng, -0.1, 0.1) * unit;
        double heading = between(rng, 0, 2 * Math.PI);
        List<double[]> points = new ArrayList<>();
        switch (i % 3) {
            case 0 -> {
                points.add(new double[] {cx - travel / 2 * Math.cos(heading), cy - travel / 2 * Math.sin(heading)});
                points.add(new double[] {cx + travel / 2 * Math.cos(heading), cy + travel / 2 * Math.sin(heading)});
            }
            case 1 -> {
                boolean wave = rng.nextBoolean();
                double sweep = between(rng, 2, 3.5) * (rng.nextBoolean() ? 1 : -1), r = travel / Math.abs(sweep);
                for (int k = 0; k <= 8; k++) {
                    double u = k / 8.0;
                    points.add(wave
                            ? new double[] {cx + (u - 0.5) * 0.7 * travel, cy + 0.12 * travel * Math.sin(u * 2 * Math.PI)}
                            : new double[] {cx + r * Math.cos(heading + u * sweep), cy + r * Math.sin(heading + u * sweep)});
                }
            }
            default -> {
                int legs = 2 + rng.nextInt(2);
                double x = cx, y = cy, leg = travel / legs;
                points.add(new double[] {x, y});
                for (int k = 0; k < legs; k++) {
                    heading += (rng.nextBoolean() ? 1 : -1) * between(rng, Math.PI / 3, 2 * Math.PI / 3);
                    x += leg * Math.cos(heading);
                    y += leg * Math.sin(heading);
                    points.add(new double[] {x, y});
                }
            }
        }
        double margin = 0.15 * unit;
        return new MotionPath(points.stream().map(p -> new double[] {Math.clamp(p[0], margin, width - margin), Math.clamp(p[1], margin, height - margin)}).toList());
    }

    /** The longest test path, as a share of the frame's shorter side. */
    private static final double MAX_TRAVEL = 0.7;

    private static double between(SplittableRandom rng, double lo, double hi) {
        return lo + rng.nextDouble() * (hi - lo);
    }

    private static Background background(int i) {
        Colour[] backs = {Colour.BLUE, Colour.BLACK, Colour.PURPLE, Colour.GRAY};
        return switch (i % 3) {
            case 0 -> Background.solid(backs[i % backs.length]);
            case 1 -> new Background(BackgroundKind.STRIPES, backs[i % backs.length], backs[(i + 1) % backs.length]);
            default -> new Background(BackgroundKind.GRADIENT, backs[i % backs.length], backs[(i + 1) % backs.length]);
        };
    }

    /**
     * A solid backdrop: the bundled model's VAE carries a subject across a solid one, while on stripes and gradients its
     * round trip alone loses some subjects (docs/modes.md), which no guide can bring back.
     */
    private static Background plain(int i) {
        return Background.solid(new Colour[] {Colour.BLUE, Colour.BLACK, Colour.PURPLE, Colour.GRAY}[i % 4]);
    }

    private static GenerationRequest request(String prompt, ModelConfig c, int frames, long seed) {
        return new GenerationRequest(prompt, "", c.width(), c.height(), frames, c.fps(), RequestRules.DEFAULT_STEPS, RequestRules.DEFAULT_CFG, seed);
    }

    private static double strength(Direction d) {
        return d.resolvedStrength();
    }

    private static Check check(EvalResult result, String category) {
        return result.checks().stream().filter(k -> k.category().equals(category)).filter(k -> !k.pass()).findFirst()
                .orElse(result.checks().stream().filter(k -> k.category().equals(category)).findFirst().orElse(null));
    }

    /** Wall times of the generations (guide drawn and sampled), and the seconds of video they made. */
    private static final class Runs {
        private final List<Double> seconds = new ArrayList<>();
        private double video;

        Clip time(java.util.function.Supplier<Clip> generate, GenerationRequest request) {
            long t0 = System.nanoTime();
            Clip clip = generate.get();
            seconds.add((System.nanoTime() - t0) / 1e9);
            video = request.frames() / request.fps();
            return clip;
        }

        @Override
        public String toString() {
            double median = Timing.median(seconds.stream().mapToDouble(Double::doubleValue).toArray());
            return String.format("%.2f s a clip of %.1f s (median of %d), real-time factor %.2f", median, video, seconds.size(), video / median);
        }
    }
}
