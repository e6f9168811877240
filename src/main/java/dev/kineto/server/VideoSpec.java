package dev.kineto.server;

import dev.kineto.model.GenerationRequest;
import dev.kineto.model.RequestRules;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The body of POST /v1/videos as sent; every field but prompt is optional. {@link #resolve} checks each against the
 * limits and fills the rest from the model's defaults: either size ("WxH"), or aspect_ratio and quality. image_id (and
 * last_image_id) give the first (and last) frame; extend_video_id continues a video by seconds, at its size and fps;
 * motion_path, camera, style and source_video_id with strength steer it (see {@link Steering}).
 */
public record VideoSpec(String prompt, String negativePrompt, Double seconds, String aspectRatio, String size, String quality,
                        Double fps, Long seed, Integer steps, Double cfg, String callbackUrl, Boolean shared,
                        String imageId, String lastImageId, String extendVideoId,
                        List<List<Double>> motionPath, String camera, String style, String sourceVideoId, Double strength) {

    /** Short side as a multiple of the model's trained size. */
    static final Map<String, Double> QUALITY_SCALE = Map.of("low", 0.5, "standard", 1.0, "high", 2.0);
    static final double MAX_FPS = 30;
    /** The H.264 encoder's smallest frame side. */
    static final int MIN_SIDE = 16;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");

    public JobSpec resolve(RequestRules rules, ServerConfig config) {
        return resolve(rules, config, null);
    }

    /**
     * The same for an extension of source (null when the body has no extend_video_id): the new frames take its size and
     * fps. The server's own limits (prompt length, seconds, fps, sides) are checked here; the model's rules and defaults
     * in {@link RequestRules#resolve}.
     */
    public JobSpec resolve(RequestRules rules, ServerConfig config, Job source) {
        try {
            return resolveWithin(rules, config, source);
        } catch (RequestRules.InvalidRequest e) {
            throw ApiError.invalid(switch (e.kind()) {
                case MISSING -> "missing_field";
                case OUT_OF_RANGE -> "out_of_range";
                case INVALID_SIZE -> "invalid_size";
                case UNSUPPORTED -> "unsupported_value";
            }, e.getMessage());
        }
    }

    private JobSpec resolveWithin(RequestRules rules, ServerConfig config, Job source) {
        var limits = config.limits();
        if (prompt != null) checkLength("prompt", prompt, limits.maxPromptChars());
        if (negativePrompt != null) checkLength("negative_prompt", negativePrompt, limits.maxPromptChars());
        RequestRules.inRange("seconds", seconds, 0, 0, limits.maxSeconds(), false);
        RequestRules.inRange("fps", fps, 0, 1, MAX_FPS, true);
        checkConditions(source);
        Steering steering = Steering.of(prompt, motionPath, camera, style, sourceVideoId, strength);
        checkSteering(steering);
        int[] wh = source != null ? new int[] {source.request().width(), source.request().height()} : size != null ? explicitSize(limits.maxSide()) : sizeFor(rules);
        String aspect = source != null ? source.spec().aspectRatio() : size != null ? ratio(wh[0], wh[1]) : aspectRatio == null ? "1:1" : aspectRatio;
        GenerationRequest request = rules.resolve(new RequestRules.Draft(prompt == null || prompt.isBlank() ? prompt : steering.modelPrompt(prompt), negativePrompt, wh[0], wh[1], seconds,
                source != null ? Double.valueOf(source.request().fps()) : fps, steps, cfg, seed));
        if (source != null && (source.spec().outputFrames() + request.frames()) / request.fps() > limits.maxSeconds()) {
            throw ApiError.invalid("out_of_range", "the extended video would last " + RequestRules.fmt((source.spec().outputFrames() + request.frames()) / request.fps())
                    + " s, the most allowed is " + RequestRules.fmt(limits.maxSeconds()) + " s; add fewer seconds");
        }
        var conditions = new Conditions(imageId, lastImageId, extendVideoId, source == null ? 0 : source.spec().outputFrames());
        return new JobSpec(request, aspect, checkedCallback(config.privateCallbacks()), Boolean.TRUE.equals(shared), conditions, steering);
    }

    /** A guide clip is drawn for the whole video: it cannot also start from an image or continue a video. */
    private void checkSteering(Steering steering) {
        if (steering.guided() && (imageId != null || extendVideoId != null)) {
            throw ApiError.invalid("conflicting_fields", "motion_path, camera and source_video_id draw the whole video; "
                    + "give them or image_id / extend_video_id, not both");
        }
        if (sourceVideoId != null && seconds != null) {
            throw ApiError.invalid("conflicting_fields", "a restyle has its source video's length; leave out seconds");
        }
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

    /** An explicit size within the server's sides (the model's multiple is the model's rule, checked when resolving). */
    private int[] explicitSize(int maxSide) {
        if (aspectRatio != null || quality != null) {
            throw ApiError.invalid("conflicting_fields", "give either size, or aspect_ratio and quality, not both");
        }
        Matcher m = SIZE.matcher(size);
        if (!m.matches()) throw ApiError.invalid("invalid_size", "size must be WIDTHxHEIGHT in pixels, e.g. \"64x64\", got \"" + size + "\"");
        int w = Integer.parseInt(m.group(1)), h = Integer.parseInt(m.group(2));
        if (w < MIN_SIDE || h < MIN_SIDE || w > maxSide || h > maxSide) {
            throw ApiError.invalid("invalid_size", "size sides must be from " + MIN_SIDE + " to " + maxSide + " pixels, got " + size);
        }
        return new int[] {w, h};
    }

    /** The size table: the short side from quality, the long side from the aspect ratio, as the model rounds them. */
    private int[] sizeFor(RequestRules rules) {
        Double scale = QUALITY_SCALE.get(quality == null ? "standard" : quality);
        if (scale == null) throw unsupported("quality", quality, "low, standard, high");
        return rules.sizeFor(aspectRatio == null ? "1:1" : aspectRatio, scale, MIN_SIDE);
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

    private static void checkLength(String field, String text, int max) {
        if (text.length() > max) {
            throw ApiError.invalid("prompt_too_long", field + " has " + text.length() + " characters, the most allowed is " + max + "; shorten it");
        }
    }

    private static ApiError unsupported(String field, String value, String allowed) {
        return ApiError.invalid("unsupported_value", field + " \"" + value + "\" is not supported; use one of " + allowed);
    }
}
