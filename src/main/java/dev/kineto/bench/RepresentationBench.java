package dev.kineto.bench;

import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;

import ai.djl.ndarray.NDManager;
import dev.kineto.evaluation.scores.Check;
import dev.kineto.evaluation.scores.Evaluator;
import dev.kineto.evaluation.vision.Frames;
import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.RequestRules;
import dev.kineto.model.VideoModel;
import dev.kineto.model.VideoTensors;
import dev.kineto.training.FirstFrameArm.Arm;
import dev.kineto.training.Example;
import dev.kineto.training.ExampleSource;
import dev.kineto.training.FirstFrameArm;
import dev.kineto.training.WorldSource;
import dev.kineto.video.AtomicFiles;
import dev.kineto.video.Clip;
import dev.kineto.world.Motion;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Split;
import dev.kineto.world.World;
import dev.kineto.world.WorldClip;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `kineto bench representation`: which representation lets a small DiT draw shapes. --round-trip reads shapes in the
 * shipped VAE's round trip frame by frame (no training); --arm trains one arm of text → first frame and scores the
 * shapes it draws for held-out prompts as it goes; --plot draws the arms' curves.
 */
@Command(name = "representation", mixinStandardHelpOptions = true,
        description = "The representation experiment of docs/model.md: --round-trip, --blur, or --arm latent-v|pixel-x (one arm, one thread), or --plot.")
final class RepresentationBench implements Callable<Integer> {

    @Option(names = "--round-trip", description = "Shape readings of the shipped VAE's round trip by frame and by motion.")
    boolean roundTrip;

    @Option(names = "--blur", description = "The ruler under blur and halos: shape readings of the world's first frames, sharp, Gaussian-blurred, and inside a token-aligned box of backdrop a little off (no training).")
    boolean blur;

    @Option(names = "--arm", description = "Train this arm: LATENT_V or PIXEL_X.")
    Arm arm;

    @Option(names = "--object-weights", description = "Weight the arm's loss where objects are, as the full trainer does.")
    boolean objectWeights;

    @Option(names = "--grounded", description = "Give the arm each object's box and shape as a layout, token by token (GLIGEN-style grounding).")
    boolean grounded;

    @Option(names = "--grounded-colour", description = "As --grounded, and the layout gives each object's colour too (the planner binds colours to objects).")
    boolean groundedColour;

    @Option(names = "--composite", description = "The DiT's output composites a foreground colour over a backdrop colour by a coverage per pixel, instead of a linear head.")
    boolean composite;

    @Option(names = "--matte", description = "With --composite: train its coverage on where the objects are drawn, as one more channel of the loss.")
    boolean matte;

    @Option(names = "--matte-only", description = "Draw the objects' coverage alone, white on black, whatever the captions' colours (a layered model's matte layer).")
    boolean matteOnly;

    @Option(names = "--alpha", description = "Diffuse the objects' coverage as a fourth channel beside the colours (RGBA), so outlines are noised at full contrast.")
    boolean alpha;

    @Option(names = "--time-adaln", description = "Modulate the DiT's adaLN by the time alone (PixArt, Wan): the caption reaches the tokens only by cross-attention.")
    boolean timeOnlyModulation;

    @Option(names = "--patch", defaultValue = "0", description = "The pixel arm's patch side in pixels instead of 8 (0: 8).")
    int patch;

    @Option(names = "--hourglass", defaultValue = "0", description = "Put the arm's DiT inside a convolutional hourglass of this many channels (0: none).")
    int hourglass;

    @Option(names = "--hourglass-levels", defaultValue = "1", description = "How many times the hourglass halves the frame before the tokens are cut (default: ${DEFAULT-VALUE}).")
    int hourglassLevels;

    @Option(names = "--width", defaultValue = "0", description = "The arm's DiT width instead of 192, a multiple of 32 (its heads' size) (0: 192).")
    int width;

    @Option(names = "--rope", description = "Give the arm's DiT rotary positions in self-attention instead of sin-cos vectors added to its tokens.")
    boolean rope;

    @Option(names = "--lone-still", description = "Train and score on the reduced world: one still object on a solid backdrop (World.sampleLoneStill).")
    boolean loneStill;

    @Option(names = "--hold", split = ",", description = "With --lone-still, what the reduced world holds fixed, in training and in the scored prompts: COLOURS (white on black), SIZE (medium).")
    Set<World.Held> held = Set.of();

    @Option(names = "--placement", defaultValue = "AS_DRAWN", description = "With --lone-still, where training examples put their object: AS_DRAWN, CENTRED or GRID (the nearest token corner) (default: ${DEFAULT-VALUE}).")
    FirstFrameArm.Placement placement;

    @Option(names = "--memorise", description = "Train the arm on the scored prompts themselves: whether the whole pipeline can draw shapes it has seen, apart from generalising.")
    boolean memorise;

    @Option(names = "--pool", defaultValue = "0", description = "Train the arm on this many examples of its world, repeated, instead of a new one each time (0: every example new); scored on the held-out prompts as usual.")
    int pool;

    @Option(names = "--shift", defaultValue = "0", description = "Timestep shift instead of the arm's own (0: the arm's).")
    double shift;

    @Option(names = "--sample-shift", split = ",", description = "Timestep shifts of the scoring sampler's grid, each scored (default: the training shift).")
    List<Double> sampleShifts;

    @Option(names = "--score-at", split = ",", defaultValue = "5,15,30,45", description = "Training minutes at which to score (default: ${DEFAULT-VALUE}).")
    List<Double> scoreAt;

    @Option(names = "--prompts", defaultValue = "200", description = "Held-out prompts scored (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--out", defaultValue = "runs/representation", description = "Where the arms' CSV files go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--plot", paramLabel = "PNG", description = "Plot the arms' CSV files under --out into this PNG (shape and colour against --plot-by).")
    Path plot;

    @Option(names = "--plot-by", defaultValue = "minutes", description = "The plot's x axis: minutes or steps (default: ${DEFAULT-VALUE}).")
    PlotAxis plotBy;

    /** What the plot's x axis counts, a column of the arms' CSVs: training minutes (their cost) or steps (what they learn from). */
    enum PlotAxis { minutes, steps }

    @Override
    public Integer call() throws Exception {
        if (plot != null) return plot();
        if (prompts < 1) throw new IllegalArgumentException("--prompts must be at least 1");
        List<WorldClip> heldOut = new ArrayList<>();
        RenderSpec spec = new RenderSpec(64, 64, 17, 8);
        for (int i = 0; i < prompts; i++) heldOut.add(heldOut(i, spec));
        if (blur) return blur(heldOut);
        try (VideoModel shipped = VideoModel.load(DiffusionGenerator.defaultModelDir())) {
            if (roundTrip) return roundTrip(shipped, heldOut);
            if (arm == null) throw new IllegalArgumentException("give --round-trip, --blur, --arm or --plot");
            return race(shipped, heldOut);
        }
    }

    /**
     * Whether the shape reader still reads a drawing that is right but soft, as a young model's are: the held-out
     * clips' first frames, sharp and blurred.
     */
    private int blur(List<WorldClip> heldOut) {
        for (double sigma : new double[] {0, 1, 1.5, 2}) {
            int[] tally = new int[2];
            for (int i = 0; i < heldOut.size(); i++) {
                Clip first = heldOut.get(i).clip().frame(0);
                add(tally, shapeChecks(sigma == 0 ? first : blurred(first, sigma), heldOut.get(i).caption(), 900_000 + i));
            }
            System.out.printf("first frames blurred by sigma %.1f px: shape %d/%d%n", sigma, tally[0], tally[1]);
        }
        int token = FirstFrameArm.PIXEL_PATCH;
        for (int delta : new int[] {6, 12, 25}) {
            int[] tally = new int[2];
            for (int i = 0; i < heldOut.size(); i++) {
                Example example = WorldSource.of(heldOut.get(i), new SplittableRandom(0));
                add(tally, shapeChecks(haloed(example, token, delta), heldOut.get(i).caption(), 900_000 + i));
            }
            System.out.printf("first frames in a %d-px token box of backdrop %d levels off: shape %d/%d%n", token, delta, tally[0], tally[1]);
        }
        return 0;
    }

    /**
     * The example's first frame with the backdrop inside the token boxes that cover each object moved by delta levels:
     * the halo a patch model leaves around an object it draws.
     */
    private static Clip haloed(Example example, int token, int delta) {
        Clip frame = example.clip().frame(0);
        byte[] from = frame.frames().getFirst(), backdrop = example.background().frames().getFirst(), to = from.clone();
        int w = frame.width(), h = frame.height();
        for (Example.Shown object : example.objects()) {
            int[] box = example.firstFrameBox(object);
            if (box == null) continue;
            for (int y = box[1] / token * token; y < Math.min(h, (box[3] / token + 1) * token); y++) {
                for (int x = box[0] / token * token; x < Math.min(w, (box[2] / token + 1) * token); x++) {
                    int k = (y * w + x) * 3;
                    if (from[k] != backdrop[k] || from[k + 1] != backdrop[k + 1] || from[k + 2] != backdrop[k + 2]) continue;
                    for (int c = 0; c < 3; c++) {
                        int v = from[k + c] & 255;
                        to[k + c] = (byte) (v + delta > 255 ? v - delta : v + delta);
                    }
                }
            }
        }
        return new Clip(w, h, frame.fps(), List.of(to));
    }

    private static Clip blurred(Clip frame, double sigma) {
        try (Mat rgb = Frames.rgb(frame, 0); Mat soft = new Mat()) {
            GaussianBlur(rgb, soft, new Size(0, 0), sigma);
            return new Clip(frame.width(), frame.height(), frame.fps(), List.of(Frames.bytes(soft)));
        }
    }

    /** Shape checks passed / made when each clip is read as frame k alone. */
    private int roundTrip(VideoModel shipped, List<WorldClip> heldOut) {
        int[] frames = {0, 1, 4, 8, 12, 16};
        System.out.printf("%-16s %-12s %s%n", "clips", "source", "shape passed by frame read alone (frame: passed/checks)");
        Map<String, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < heldOut.size(); i++) {
            boolean spins = heldOut.get(i).scene().description().objects().stream().anyMatch(o -> o.motion() == Motion.ROTATE);
            boolean still = heldOut.get(i).scene().description().objects().stream().allMatch(o -> o.motion() == Motion.STILL);
            groups.computeIfAbsent(spins ? "spinning" : still ? "still" : "moving", k -> new ArrayList<>()).add(i);
            groups.computeIfAbsent("all", k -> new ArrayList<>()).add(i);
        }
        List<Clip> trips = new ArrayList<>();
        for (int from = 0; from < heldOut.size(); from += 8) {
            List<Clip> batch = heldOut.subList(from, Math.min(heldOut.size(), from + 8)).stream().map(WorldClip::clip).toList();
            try (NDManager m = shipped.manager().newSubManager()) {
                trips.addAll(VideoTensors.toClips(shipped.vae().decode(shipped.encode(m, batch)), 8));
            }
        }
        // tallies[source][clip][frame index]: shape checks passed and made when that frame is read alone; the third
        // source is the floor: the world's clip read against the next clip's prompt, a drawing that ignores its prompt
        String[] sources = {"world", "round trip", "other prompt"};
        int[][][][] tallies = new int[sources.length][heldOut.size()][frames.length][];
        for (int i = 0; i < heldOut.size(); i++) {
            String other = heldOut.get((i + 1) % heldOut.size()).caption();
            for (int f = 0; f < frames.length; f++) {
                tallies[0][i][f] = shapeChecks(heldOut.get(i).clip().frame(frames[f]), heldOut.get(i).caption(), 900_000 + i);
                tallies[1][i][f] = shapeChecks(trips.get(i).frame(frames[f]), heldOut.get(i).caption(), 900_000 + i);
                tallies[2][i][f] = shapeChecks(heldOut.get(i).clip().frame(frames[f]), other, 900_000 + i);
            }
        }
        for (var group : groups.entrySet()) {
            for (int source = 0; source < sources.length; source++) {
                StringBuilder line = new StringBuilder();
                for (int f = 0; f < frames.length; f++) {
                    int[] tally = new int[2];
                    for (int i : group.getValue()) add(tally, tallies[source][i][f]);
                    line.append(String.format(Locale.ROOT, "  %d: %d/%d", frames[f], tally[0], tally[1]));
                }
                System.out.printf("%-16s %-12s%s%n", group.getKey() + " (" + group.getValue().size() + ")", sources[source], line);
            }
        }
        return 0;
    }

    /**
     * An alpha arm's coverage channel read as a white object on black: the same seeds with the colours held draw the
     * same shapes in the same places, so their captions are what the mattes should show.
     */
    private void scoreMattes(FirstFrameArm race, List<Example> examples, double sampleShift, Path strip) throws IOException {
        List<Clip> mattes = race.firstFrames(examples, 900_000, RequestRules.DEFAULT_STEPS, RequestRules.DEFAULT_CFG, sampleShift, true);
        Set<World.Held> whiteOnBlack = java.util.EnumSet.of(World.Held.COLOURS);
        whiteOnBlack.addAll(held);
        List<Check> shapeChecks = new ArrayList<>();
        for (int i = 0; i < mattes.size(); i++) {
            String caption = World.sampleLoneStill(900_000 + i, FirstFrameArm.FRAME, whiteOnBlack).caption();
            Evaluator.evaluate(mattes.get(i), caption, 900_000 + i).checks().stream().filter(c -> c.category().equals("shape")).forEach(shapeChecks::add);
        }
        System.out.println("  matte: shapes asked → passed, read: " + confusion(shapeChecks));
        writeStrip(strip, mattes.subList(0, Math.min(16, mattes.size())));
    }

    /** Held-out prompt number i, rendered at spec: of the reduced world with --lone-still, else of the whole world. */
    private WorldClip heldOut(int i, RenderSpec spec) {
        return loneStill ? World.sampleLoneStill(900_000 + i, spec, held) : World.sample(900_000 + i, Split.HELDOUT, spec);
    }

    /** Trains one arm, scoring at each of --score-at; appends minutes, steps, shape and colour shares to OUT/ARM.csv. */
    private int race(VideoModel shipped, List<WorldClip> heldOut) throws IOException {
        if (pool < 0 || memorise && pool > 0) throw new IllegalArgumentException("--pool must be 0 or more, and not given with --memorise");
        if (matteOnly && !loneStill) throw new IllegalArgumentException("--matte-only is scored on the reduced world's white-on-black captions: give --lone-still too");
        FirstFrameArm.Recipe recipe = new FirstFrameArm.Recipe(objectWeights, shift,
                groundedColour ? FirstFrameArm.Grounding.SHAPE_AND_COLOUR : grounded ? FirstFrameArm.Grounding.SHAPE : FirstFrameArm.Grounding.NONE, patch, loneStill, placement, hourglass, hourglassLevels, rope, width, held, composite, matte, alpha, timeOnlyModulation, matteOnly);
        Files.createDirectories(out);
        String name = arm.name().toLowerCase(Locale.ROOT) + (recipe.equals(FirstFrameArm.Recipe.PLAIN) ? "" : "-" + recipe.label())
                + (memorise ? "-memorised" : "") + (pool > 0 ? "-pool" + pool : "");
        List<String> captions = heldOut.stream().map(WorldClip::caption).toList();
        List<Example> examples = heldOut.stream().map(clip -> WorldSource.of(clip, new SplittableRandom(0))).toList();
        writeStrip(out.resolve(name + "-world.png"), heldOut.stream().limit(16).map(clip -> clip.clip().frame(0)).toList()); // what the strips should show
        List<Example> seen = !memorise ? List.of() : IntStream.range(0, prompts).mapToObj(i -> WorldSource.of(heldOut(i, FirstFrameArm.FRAME), new SplittableRandom(0))).toList();
        ExampleSource world = FirstFrameArm.world(arm, recipe);
        ExampleSource training = memorise ? i -> seen.get((int) (i % seen.size())) : pool > 0 ? i -> world.get(i % pool) : world;
        try (FirstFrameArm race = new FirstFrameArm(arm, recipe, shipped, 1, training)) {
            List<Double> shifts = sampleShifts == null ? List.of(race.shift()) : sampleShifts;
            for (double s : shifts) Files.writeString(csv(name, s, race), "minutes,steps,shape,colour\n");
            for (double minutes : scoreAt) {
                race.trainUntil(minutes);
                for (double sampleShift : shifts) {
                    if (matteOnly) {
                        System.out.printf(Locale.ROOT, "%s at %.1f min (%d steps): matte only%n", name, race.trainingMinutes(), race.steps());
                        scoreMattes(race, examples, sampleShift, out.resolve(fileName(name, sampleShift, race) + "-" + Math.round(minutes) + "-matte.png"));
                        continue;
                    }
                    long start = System.nanoTime();
                    List<Clip> frames = race.firstFrames(examples, 900_000, RequestRules.DEFAULT_STEPS, RequestRules.DEFAULT_CFG, sampleShift, false);
                    int[] shape = new int[2], colour = new int[2];
                    List<Check> shapeChecks = new ArrayList<>();
                    for (int i = 0; i < frames.size(); i++) {
                        List<Check> checks = Evaluator.evaluate(frames.get(i), captions.get(i), 900_000 + i).checks();
                        add(shape, count(checks, "shape"));
                        add(colour, count(checks, "colour"));
                        checks.stream().filter(c -> c.category().equals("shape")).forEach(shapeChecks::add);
                    }
                    String row = String.format(Locale.ROOT, "%.1f,%d,%.4f,%.4f%n", race.trainingMinutes(), race.steps(), share(shape), share(colour));
                    Files.writeString(csv(name, sampleShift, race), row, StandardOpenOption.APPEND);
                    String sampled = sampleShift == race.shift() ? "" : " sampled at shift " + sampleShift;
                    System.out.printf(Locale.ROOT, "%s at %.1f min (%d steps)%s: shape %d/%d, colour %d/%d (scored in %.0f s)%n", name, race.trainingMinutes(),
                            race.steps(), sampled, shape[0], shape[1], colour[0], colour[1], (System.nanoTime() - start) / 1e9);
                    System.out.println("  shapes asked → passed, read: " + confusion(shapeChecks));
                    writeStrip(out.resolve(fileName(name, sampleShift, race) + "-" + Math.round(minutes) + ".png"), frames.subList(0, Math.min(16, frames.size())));
                    if (alpha && loneStill) scoreMattes(race, examples, sampleShift, out.resolve(fileName(name, sampleShift, race) + "-" + Math.round(minutes) + "-matte.png"));
                }
            }
        }
        return 0;
    }

    /** The arm's files: its name, and the scoring sampler's shift where it is not the training shift. */
    private static String fileName(String name, double sampleShift, FirstFrameArm race) {
        return sampleShift == race.shift() ? name : name + "-sampled" + (float) sampleShift;
    }

    private Path csv(String name, double sampleShift, FirstFrameArm race) {
        return out.resolve(fileName(name, sampleShift, race) + ".csv");
    }

    private int plot() throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title("Text → first frame: held-out shapes and colours drawn right")
                .xAxisTitle(plotBy == PlotAxis.minutes ? "training minutes (one thread)" : "training steps (batch 16)").yAxisTitle("share of checks passed").build();
        List<Path> csvs;
        try (var files = Files.list(out)) {
            csvs = files.filter(f -> f.getFileName().toString().endsWith(".csv")).sorted().toList();
        }
        for (Path csv : csvs) {
            List<String> lines = Files.readAllLines(csv);
            List<String> header = List.of(lines.getFirst().split(","));
            List<String> rows = lines.stream().skip(1).filter(r -> !r.isBlank()).toList();
            if (rows.isEmpty()) continue;
            String name = csv.getFileName().toString().replace(".csv", "").replace('_', ' ');
            for (String measure : List.of("shape", "colour")) {
                chart.addSeries(name + " " + measure, column(rows, header.indexOf(plotBy.name())), column(rows, header.indexOf(measure)));
            }
        }
        AtomicFiles.write(plot, tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
        System.out.println("wrote " + plot);
        return 0;
    }

    private static double[] column(List<String> rows, int index) {
        return rows.stream().mapToDouble(r -> Double.parseDouble(r.split(",")[index])).toArray();
    }

    /** The first frames side by side, for a look at what an arm draws. */
    private static void writeStrip(Path file, List<Clip> frames) throws IOException {
        BufferedImage strip = new BufferedImage(64 * frames.size(), 64, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < frames.size(); i++) strip.getGraphics().drawImage(frames.get(i).image(0), 64 * i, 0, null);
        AtomicFiles.write(file, tmp -> ImageIO.write(strip, "png", tmp.toFile()));
    }

    private static int[] shapeChecks(Clip clip, String prompt, long seed) {
        return count(Evaluator.evaluate(clip, prompt, seed).checks(), "shape");
    }

    /**
     * Each asked shape's passes (the reader's best reading, or one within its tie) and readings, most frequent first:
     * whether a shape figure is drawn outlines or blobs that pass as several shapes.
     */
    private static String confusion(List<Check> shapeChecks) {
        Map<String, List<Check>> byAsked = shapeChecks.stream().collect(Collectors.groupingBy(Check::expected, TreeMap::new, Collectors.toList()));
        return byAsked.entrySet().stream().map(asked -> {
            Map<String, Long> reads = asked.getValue().stream().collect(Collectors.groupingBy(Check::seen, Collectors.counting()));
            return asked.getKey() + " " + asked.getValue().stream().filter(Check::pass).count() + "/" + asked.getValue().size() + " "
                    + reads.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                            .map(read -> read.getKey() + ":" + read.getValue()).collect(Collectors.joining(","));
        }).collect(Collectors.joining("; "));
    }

    private static int[] count(List<Check> checks, String category) {
        List<Check> of = checks.stream().filter(c -> c.category().equals(category)).toList();
        return new int[] {(int) of.stream().filter(Check::pass).count(), of.size()};
    }

    private static void add(int[] tally, int[] more) {
        tally[0] += more[0];
        tally[1] += more[1];
    }

    private static double share(int[] tally) {
        return tally[1] == 0 ? 0 : (double) tally[0] / tally[1];
    }
}
