package dev.kineto.model;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a model takes and what a request gets for what it leaves out, as the model publishes them
 * ({@link ModelConfig#rules()}): its trained size, length and fps, what width and height must be multiples of, the
 * frame rule and the ranges of steps, guidance and seed. {@link #resolve} is the one place a partial request becomes a
 * {@link GenerationRequest}: the CLI, the API, its OpenAPI document, the studio's form and the trainer's samples all
 * go through it, so a seed or size one accepts the others accept too.
 */
public record RequestRules(int width, int height, int frames, double fps, int sizeMultiple) {

    /**
     * Frames come in 4k+1: the causal VAE encodes the first frame on its own and then 4 frames per latent step (a pixel
     * model keeps the rule, so a video's length does not depend on the model and windows overlap by whole steps).
     */
    public static final int FRAME_STEP = 4;

    /** The sampling steps when none are asked for (24 and 32 steps did not pass more checks on both seed sets, docs/model.md). */
    public static final int DEFAULT_STEPS = 16;

    /** The most sampling steps: each costs a pass of the model (or two, with Heun), and 24 or 32 passed no more checks than 16. */
    public static final int MAX_STEPS = 100;

    /**
     * The guidance scale when none is asked for: the one that passed the most world-v1 checks on the shipped model, on
     * both seed sets (the sweep and its figures are in docs/model.md, "…until the model matured"; re-run it after a
     * retraining). Changing it changes every video made without an explicit cfg.
     */
    public static final double DEFAULT_CFG = 2.5;

    /**
     * The largest guidance scale. The suite was measured from 2 to 6 (docs/model.md); 20 leaves room to try more and was
     * already the API's cap (the CLI's 30 was the only larger one).
     */
    public static final double MAX_CFG = 20;

    /** The highest frame rate a video may ask for. */
    public static final double MAX_FPS = 120;

    /**
     * The largest seed: 2^53 − 1, the largest whole number a JSON reader in JavaScript (the studio) keeps exactly, so a
     * seed survives every client that shows it and can be sent back.
     */
    public static final long MAX_SEED = (1L << 53) - 1;

    /** Long side over short side, and whether the long side is the width. */
    private static final Map<String, double[]> ASPECT_RATIOS = Map.of("16:9", new double[] {16 / 9.0, 1}, "9:16", new double[] {16 / 9.0, 0}, "1:1", new double[] {1, 1});

    /** The aspect ratios {@link #sizeFor} knows, for help texts and errors. */
    public static final String ASPECTS = "16:9, 9:16, 1:1";

    /** A request as asked for: every field but prompt may be null, and resolve fills it from the rules. */
    public record Draft(String prompt, String negativePrompt, Integer width, Integer height, Double seconds, Double fps,
                        Integer steps, Double cfg, Long seed) {}

    /** A request that breaks a rule: which kind of rule, and a message that says what to send instead. */
    public static final class InvalidRequest extends IllegalArgumentException {
        public enum Kind { MISSING, OUT_OF_RANGE, INVALID_SIZE, UNSUPPORTED }

        private final Kind kind;

        InvalidRequest(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    /** The length a request gets when it gives none: the trained clip's. */
    public double seconds() {
        return (frames - 1) / fps;
    }

    /**
     * The request draft asks for, its blanks filled in: the trained size and fps, the trained length, the default steps
     * and guidance, a random seed. Throws {@link InvalidRequest} naming the first field that breaks a rule.
     */
    public GenerationRequest resolve(Draft draft) {
        if (draft.prompt() == null || draft.prompt().isBlank()) throw new InvalidRequest(InvalidRequest.Kind.MISSING, "prompt is required: describe the video to generate");
        double rate = draft.fps() != null ? draft.fps() : fps;
        double secs = inRange("seconds", draft.seconds(), seconds(), 0, Double.MAX_VALUE, false);
        long seed = draft.seed() != null ? draft.seed() : ThreadLocalRandom.current().nextLong(MAX_SEED + 1);
        if (seed < 0 || seed > MAX_SEED) throw new InvalidRequest(InvalidRequest.Kind.OUT_OF_RANGE, "seed must be from 0 to " + MAX_SEED + ", got " + seed);
        var request = new GenerationRequest(draft.prompt().strip(), draft.negativePrompt() == null ? "" : draft.negativePrompt().strip(),
                draft.width() != null ? draft.width() : width, draft.height() != null ? draft.height() : height, framesFor(secs, rate), rate,
                draft.steps() != null ? draft.steps() : DEFAULT_STEPS, draft.cfg() != null ? draft.cfg() : DEFAULT_CFG, seed);
        check(request);
        return request;
    }

    /**
     * What the sampler needs of any request, resolved or built by hand (a suite's, a benchmark's, a window's): fps,
     * steps and guidance in range, a size that fits the model, 4k+1 frames. The fps comes first, as the frames follow from it.
     */
    public void check(GenerationRequest r) {
        inRange("fps", r.fps(), 0, 0, MAX_FPS, false);
        inRange("steps", (double) r.steps(), 0, 1, MAX_STEPS, true);
        inRange("cfg", r.cfg(), 0, 0, MAX_CFG, true);
        checkSize(r.width(), r.height());
        checkFrames(r.frames());
    }

    /** Width and height must be multiples of the model's patch in pixels (one token each way at least). */
    public void checkSize(int w, int h) {
        if (w < sizeMultiple || h < sizeMultiple || w % sizeMultiple != 0 || h % sizeMultiple != 0) {
            throw new InvalidRequest(InvalidRequest.Kind.INVALID_SIZE, "size sides must be multiples of " + sizeMultiple
                    + " (this model's patch in pixels), got " + w + "x" + h);
        }
    }

    /** The frame rule: 4k+1 frames. */
    public static void checkFrames(int frames) {
        if (frames < 1 || (frames - 1) % FRAME_STEP != 0) {
            throw new InvalidRequest(InvalidRequest.Kind.OUT_OF_RANGE, "frames must be " + FRAME_STEP + "k+1 (1, 5, 9, 17, 33, ...), got " + frames);
        }
    }

    /** The 4k+1 frame count closest to seconds × fps (at least 1). */
    public static int framesFor(double seconds, double fps) {
        if (!(seconds > 0)) throw outOfRange("seconds", 0, Double.MAX_VALUE, false, seconds);
        long k = Math.round((seconds * fps - 1) / FRAME_STEP);
        return (int) (FRAME_STEP * Math.max(0, k) + 1);
    }

    /**
     * The size for an aspect ratio (16:9, 9:16 or 1:1) whose short side is scale × the trained size's: both sides
     * rounded to the size multiple, at least minSide (what the output's encoder needs).
     */
    public int[] sizeFor(String aspectRatio, double scale, int minSide) {
        double[] aspect = ASPECT_RATIOS.get(aspectRatio);
        if (aspect == null) throw new InvalidRequest(InvalidRequest.Kind.UNSUPPORTED, "aspect_ratio \"" + aspectRatio + "\" is not supported; use one of " + ASPECTS);
        int shortSide = round(Math.min(width, height) * scale, minSide), longSide = round(shortSide * aspect[0], minSide);
        return aspect[1] == 1 ? new int[] {longSide, shortSide} : new int[] {shortSide, longSide};
    }

    /** A side of x pixels rounded to the nearest multiple of the size multiple, at least minSide and one multiple. */
    public int round(double x, int minSide) {
        return (int) Math.max(Math.max(minSide, sizeMultiple), sizeMultiple * Math.round(x / sizeMultiple));
    }

    /**
     * The value or its default, which must lie in [min, max], or (min, max] when min is excluded: the one wording of a
     * range's error, for the model's rules and a server's limits alike.
     */
    public static double inRange(String field, Double value, double fallback, double min, double max, boolean minIncluded) {
        if (value == null) return fallback;
        if (value.isNaN() || (minIncluded ? value < min : value <= min) || value > max) throw outOfRange(field, min, max, minIncluded, value);
        return value;
    }

    private static InvalidRequest outOfRange(String field, double min, double max, boolean minIncluded, double value) {
        String range = max == Double.MAX_VALUE ? (minIncluded ? "at least " : "above ") + fmt(min)
                : (minIncluded ? "from " : "above ") + fmt(min) + (minIncluded ? " to " : " up to ") + fmt(max);
        return new InvalidRequest(InvalidRequest.Kind.OUT_OF_RANGE, field + " must be " + range + ", got " + fmt(value));
    }

    /** A number as a person writes it: whole numbers without a decimal point. */
    public static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e18 ? Long.toString((long) v) : Double.toString(v);
    }
}
