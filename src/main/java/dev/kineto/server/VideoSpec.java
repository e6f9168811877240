package dev.kineto.server;

import dev.kineto.model.GenerationRequest;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The body of POST /v1/videos as sent; every field but prompt is optional. {@link #resolve} checks each against the
 * limits and fills the rest from the model's defaults: either size ("WxH"), or aspect_ratio and quality. image_id (and
 * last_image_id) give the first (and last) frame; extend_video_id continues a video by seconds, at its size and fps.
 */
public record VideoSpec(String prompt, String negativePrompt, Double seconds, String aspectRatio, String size, String quality,
                        Double fps, Long seed, Integer steps, Double cfg, String callbackUrl, Boolean shared,
                        String imageId, String lastImageId, String extendVideoId) {

    /** Short side as a multiple of the model's trained size. */
    static final Map<String, Double> QUALITY_SCALE = Map.of("low", 0.5, "standard", 1.0, "high", 2.0);
    /** Long side over short side, and whether the long side is the width. */
    static final Map<String, double[]> ASPECT_RATIOS = Map.of("16:9", new double[] {16 / 9.0, 1}, "9:16", new double[] {16 / 9.0, 0}, "1:1", new double[] {1, 1});
    static final double MAX_FPS = 30, MAX_CFG = 20;
    /** The H.264 encoder's smallest frame side. */
    static final int MIN_SIDE = 16;
    static final long MAX_SEED = 4_294_967_295L;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");

    public JobSpec resolve(ServerConfig config) {
        return resolve(config, null);
    }

    /** The same for an extension of source (null when the body has no extend_video_id): the new frames take its size and fps. */
    public JobSpec resolve(ServerConfig config, Job source) {
        var d = config.defaults();
        var limits = config.limits();
        if (prompt == null || prompt.isBlank()) throw ApiError.invalid("missing_field", "prompt is required: describe the video to generate");
        checkLength("prompt", prompt, limits.maxPromptChars());
        checkLength("negative_prompt", negativePrompt == null ? "" : negativePrompt, limits.maxPromptChars());
        double secs = inRange("seconds", seconds, d.seconds(), 0, limits.maxSeconds(), false);
        double rate = inRange("fps", fps, d.fps(), 1, MAX_FPS, true);
        int stepCount = (int) inRange("steps", steps == null ? null : steps.doubleValue(), d.steps(), 1, limits.maxSteps(), true);
        double guidance = inRange("cfg", cfg, d.cfg(), 0, MAX_CFG, true);
        long seedUsed = seed != null ? (long) inRange("seed", seed.doubleValue(), 0, 0, MAX_SEED, true) : ThreadLocalRandom.current().nextLong(MAX_SEED + 1);
        checkConditions(source);
        if (source != null) rate = source.request().fps();
        int frames = GenerationRequest.framesFor(secs, rate);
        int[] wh = source != null ? new int[] {source.request().width(), source.request().height()}
                : size != null ? explicitSize(d.sizeMultiple(), limits.maxSide()) : sizeFor(d.size(), d.sizeMultiple());
        String aspect = source != null ? source.spec().aspectRatio() : size != null ? ratio(wh[0], wh[1]) : aspectRatio == null ? "1:1" : aspectRatio;
        if (source != null && (source.spec().outputFrames() + frames) / rate > limits.maxSeconds()) {
            throw ApiError.invalid("out_of_range", "the extended video would last " + fmt((source.spec().outputFrames() + frames) / rate) + " s, the most allowed is "
                    + fmt(limits.maxSeconds()) + " s; add fewer seconds");
        }
        var conditions = new Conditions(imageId, lastImageId, extendVideoId, source == null ? 0 : source.spec().outputFrames());
        return new JobSpec(new GenerationRequest(prompt.strip(), negativePrompt == null ? "" : negativePrompt.strip(), wh[0], wh[1], frames,
                rate, stepCount, guidance, seedUsed), aspect, checkedCallback(config.privateCallbacks()), Boolean.TRUE.equals(shared), conditions);
    }

    /** The modes' fields that do not go together, each refused with what to send instead. */
    private void checkConditions(Job source) {
        if (lastImageId != null && imageId == null) {
            throw ApiError.invalid("missing_field", "last_image_id needs image_id: give the first frame too (upload both with POST /v1/images)");
        }
        if (extendVideoId == null) return;
        if (imageId != null) throw ApiError.invalid("conflicting_fields", "give either extend_video_id or image_id, not both: an extension starts from its source's last frames");
        if (size != null || aspectRatio != null || quality != null || fps != null) {
            throw ApiError.invalid("conflicting_fields", "an extension has its source video's size and fps; leave out size, aspect_ratio, quality and fps");
        }
        if (source == null) throw new IllegalArgumentException("extend_video_id " + extendVideoId + " needs its source job");
    }

    private int[] explicitSize(int multiple, int maxSide) {
        if (aspectRatio != null || quality != null) {
            throw ApiError.invalid("conflicting_fields", "give either size, or aspect_ratio and quality, not both");
        }
        Matcher m = SIZE.matcher(size);
        if (!m.matches()) throw ApiError.invalid("invalid_size", "size must be WIDTHxHEIGHT in pixels, e.g. \"64x64\", got \"" + size + "\"");
        int w = Integer.parseInt(m.group(1)), h = Integer.parseInt(m.group(2));
        int min = Math.max(MIN_SIDE, multiple);
        if (w % multiple != 0 || h % multiple != 0 || w < min || h < min || w > maxSide || h > maxSide) {
            throw ApiError.invalid("invalid_size", "size sides must be multiples of " + multiple + " from " + min + " to " + maxSide + ", got " + size);
        }
        return new int[] {w, h};
    }

    /** The size table: the short side from quality, the long side from the aspect ratio, both rounded to the model's multiple. */
    private int[] sizeFor(int trainedSize, int multiple) {
        Double scale = QUALITY_SCALE.get(quality == null ? "standard" : quality);
        if (scale == null) throw unsupported("quality", quality, "low, standard, high");
        double[] aspect = ASPECT_RATIOS.get(aspectRatio == null ? "1:1" : aspectRatio);
        if (aspect == null) throw unsupported("aspect_ratio", aspectRatio, "16:9, 9:16, 1:1");
        int shortSide = round(trainedSize * scale, multiple), longSide = round(shortSide * aspect[0], multiple);
        return aspect[1] == 1 ? new int[] {longSide, shortSide} : new int[] {shortSide, longSide};
    }

    private String checkedCallback(boolean privateAllowed) {
        if (callbackUrl == null) return null;
        URI uri = null;
        try {
            uri = new URI(callbackUrl);
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw ApiError.invalid("invalid_url", "callback_url must be an absolute http:// or https:// URL, got \"" + callbackUrl + "\"");
        }
        Callbacks.refusal(uri, privateAllowed).ifPresent(why -> {
            throw ApiError.invalid("callback_not_allowed", why);
        });
        return callbackUrl;
    }

    /** An explicit size's aspect ratio in lowest terms, e.g. 112x64 is "7:4". */
    private static String ratio(int w, int h) {
        int gcd = java.math.BigInteger.valueOf(w).gcd(java.math.BigInteger.valueOf(h)).intValue();
        return w / gcd + ":" + h / gcd;
    }

    private static int round(double x, int multiple) {
        return (int) Math.max(Math.max(MIN_SIDE, multiple), multiple * Math.round(x / multiple));
    }

    private static void checkLength(String field, String text, int max) {
        if (text.length() > max) {
            throw ApiError.invalid("prompt_too_long", field + " has " + text.length() + " characters, the most allowed is " + max + "; shorten it");
        }
    }

    /** The value or its default, which must lie in [min, max], or (min, max] when min is excluded. */
    private static double inRange(String field, Double value, double fallback, double min, double max, boolean minIncluded) {
        if (value == null) return fallback;
        if (value.isNaN() || (minIncluded ? value < min : value <= min) || value > max) {
            throw ApiError.invalid("out_of_range", field + " must be " + (minIncluded ? "from " : "above ")
                    + fmt(min) + (minIncluded ? " to " : " up to ") + fmt(max) + ", got " + fmt(value));
        }
        return value;
    }

    private static ApiError unsupported(String field, String value, String allowed) {
        return ApiError.invalid("unsupported_value", field + " \"" + value + "\" is not supported; use one of " + allowed);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
