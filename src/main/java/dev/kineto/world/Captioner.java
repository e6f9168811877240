package dev.kineto.world;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Writes a Description as varied English: synonyms, several templates and word orders, optional articles, speeds as
 * adverbs or adjectives, motions before or after the noun. Every phrasing reads back to the same Description.
 */
final class Captioner {

    private final RandomGenerator rng;

    private Captioner(RandomGenerator rng) {
        this.rng = rng;
    }

    static String caption(Description d, RandomGenerator rng) {
        return new Captioner(rng).sentence(d);
    }

    private String sentence(Description d) {
        String objects = objects(d);
        String background = background(d.background());
        String style = style(d.style());
        String camera = camera(d.camera());
        String afterStyle = style.isEmpty() ? "" : ", " + style, afterCamera = camera.isEmpty() ? "" : ", " + camera;
        String text = switch (rng.nextInt(4)) {
            case 0 -> join(objects, background, afterStyle, afterCamera);
            case 1 -> background.isEmpty() ? join(objects, afterStyle, afterCamera) : join(background + ",", objects, afterStyle, afterCamera);
            case 2 -> style.isEmpty() ? join(objects, background, afterCamera) : join(stylePrefix(d.style()), objects, background, afterCamera);
            default -> camera.isEmpty() ? join(objects, background, afterStyle) : join(camera + ",", objects, background, afterStyle);
        };
        text = text.replace(" ,", ",").replace(",,", ",");
        if (rng.nextBoolean()) text = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return rng.nextInt(3) == 0 ? text : text + ".";
    }

    // ---- objects ----

    private String objects(Description d) {
        List<ObjectSpec> os = d.objects();
        boolean allSame = os.size() > 1 && os.stream().distinct().count() == 1;
        if (d.collide()) {
            String a = noun(os.get(0), 1, true), b = noun(os.get(1), 1, true);
            if (allSame && rng.nextBoolean()) return join(noun(os.get(0), 2, true), pick("collide", "crash into each other", "bump into each other"));
            return switch (rng.nextInt(4)) {
                case 0 -> join(a, "and", b, pick("collide", "crash into each other", "bump into each other", "collide with each other"));
                case 1 -> join(a, pick("collides with", "crashes into", "bumps into"), b);
                case 2 -> join(a, "and", b, "moving toward each other and colliding");
                default -> join(a, pick("crashing into", "colliding with", "bumping into"), b);
            };
        }
        if (d.relation() != null) {
            return join(phrase(os.get(0), 1), pick(d.relation().words()), phrase(os.get(1), 1));
        }
        if (allSame && rng.nextInt(3) > 0) return phrase(os.getFirst(), os.size());
        List<String> parts = os.stream().map(o -> phrase(o, 1)).toList();
        return switch (parts.size()) {
            case 1 -> parts.getFirst();
            case 2 -> join(parts.get(0), pick("and", "and", "with"), parts.get(1));
            default -> parts.get(0) + ", " + parts.get(1) + pick(" and ", ", and ") + parts.get(2);
        };
    }

    /** An object with its motion, before or after the noun. */
    private String phrase(ObjectSpec o, int count) {
        Motion m = o.motion();
        boolean plural = count > 1;
        if (m == Motion.STILL) {
            return switch (rng.nextInt(4)) {
                case 0 -> noun(o, count, false);
                case 1 -> noun(o, count, pick(m.adjectives()), false);
                case 2 -> join(noun(o, count, false), pick(m.participles()));
                default -> join(noun(o, count, false), plural ? pick(m.participles()) : pick(m.finite()));
            };
        }
        boolean adjectiveSpeed = o.speed() != Speed.NORMAL && rng.nextInt(4) == 0;
        String adverb = adjectiveSpeed ? "" : adverb(o.speed());
        if (!m.adjectives().isEmpty() && rng.nextInt(3) == 0) {
            return noun(o, count, join(adverb, pick(m.adjectives())), adjectiveSpeed);
        }
        String noun = noun(o, count, adjectiveSpeed);
        return switch (plural ? 0 : rng.nextInt(4)) {
            case 0, 1 -> join(noun, around(verb(m, m.participles(), Motion.MOVE_PARTICIPLES), adverb));
            case 2 -> join(noun, around(verb(m, m.finite(), Motion.MOVE_FINITE), adverb));
            default -> join(noun, pick("that", "which"), around(verb(m, m.finite(), Motion.MOVE_FINITE), adverb));
        };
    }

    /** The adverb before or after the verb phrase. */
    private String around(String verb, String adverb) {
        return rng.nextBoolean() && !adverb.equals("fast") ? join(adverb, verb) : join(verb, adverb);
    }

    /** The motion's own verb, or a movement verb and a direction. */
    private String verb(Motion m, List<String> own, List<String> movers) {
        if (!m.directions().isEmpty() && (own.isEmpty() || rng.nextBoolean())) return pick(movers) + " " + pick(m.directions());
        return pick(own);
    }

    private String adverb(Speed s) {
        if (s == Speed.NORMAL) return rng.nextInt(5) == 0 ? pick(s.adverbs()) : "";
        return pick(s.adverbs());
    }

    private String noun(ObjectSpec o, int count, boolean speedAdjective) {
        return noun(o, count, "", speedAdjective);
    }

    /** Determiner, speed adjective, size, pre-noun motion, colour, noun. */
    private String noun(ObjectSpec o, int count, String premotion, boolean speedAdjective) {
        String speed = speedAdjective && o.speed() != Speed.NORMAL ? pick(o.speed().adjectives()) : "";
        String size = o.size() != Size.MEDIUM || rng.nextInt(4) == 0 ? pick(o.size().words()) : "";
        int synonym = rng.nextInt(o.shape().words().size());
        String noun = count > 1 ? o.shape().plurals().get(synonym) : o.shape().words().get(synonym);
        String rest = join(speed, size, premotion, pick(o.colour().words()), noun);
        return join(determiner(count, rest), rest);
    }

    private String determiner(int count, String next) {
        if (count == 2) return pick("two", "two", "a pair of", "a couple of");
        if (count == 3) return pick("three", "three", "a trio of");
        return switch (rng.nextInt(6)) {
            case 0, 1, 2 -> article(next);
            case 3 -> "the";
            case 4 -> "one";
            default -> "";
        };
    }

    // ---- background, style, camera ----

    private String background(Background b) {
        String p = pick(b.primary().words()), s = pick(b.secondary().words());
        return switch (b.kind()) {
            case SOLID -> b.primary() == Colour.BLACK && rng.nextInt(3) == 0 ? "" : switch (rng.nextInt(5)) {
                case 0 -> "on " + article(p) + " " + p + " background";
                case 1 -> "against " + article(p) + " " + p + " backdrop";
                case 2 -> "on a plain " + p + " background";
                case 3 -> "over a solid " + p + " backdrop";
                default -> "in front of " + article(p) + " " + p + " background";
            };
            case GRADIENT -> switch (rng.nextInt(4)) {
                case 0 -> "on a gradient from " + p + " to " + s;
                case 1 -> "against " + article(p) + " " + p + " to " + s + " gradient";
                case 2 -> "over " + article(p) + " " + p + "-to-" + s + " gradient background";
                default -> "on a background fading from " + p + " to " + s;
            };
            case STRIPES -> switch (rng.nextInt(3)) {
                case 0 -> "on " + article(p) + " " + p + " and " + s + " striped background";
                case 1 -> "against " + p + " and " + s + " stripes";
                default -> "over a background of " + p + " and " + s + " stripes";
            };
            case CHECKER -> switch (rng.nextInt(3)) {
                case 0 -> "over a checkered " + p + " and " + s + " backdrop";
                case 1 -> "on " + article(p) + " " + p + " and " + s + " checkerboard";
                default -> "against a checkerboard of " + p + " and " + s;
            };
            case NOISE -> switch (rng.nextInt(3)) {
                case 0 -> "on a noisy " + p + " and " + s + " background";
                case 1 -> "against a speckled " + p + " and " + s + " backdrop";
                default -> "over a mottled " + p + " and " + s + " texture";
            };
        };
    }

    private String style(Style s) {
        return switch (s) {
            case FLAT -> rng.nextInt(4) == 0 ? pick("in a flat style", "flat-shaded", "in flat vector style") : "";
            case OUTLINED -> pick("outlined", "drawn in outline", "as line art", "in wireframe");
            case PIXEL_ART -> pick("in pixel art style", "as pixel art", "pixelated", "in 8-bit style");
            case SOFT -> pick("with soft shading", "softly shaded", "soft-shaded", "with smoothly shaded shapes");
        };
    }

    private String stylePrefix(Style s) {
        return switch (s) {
            case FLAT -> pick("a flat illustration of", "flat vector style:");
            case OUTLINED -> pick("line art of", "an outlined drawing of");
            case PIXEL_ART -> pick("pixel art of", "8-bit pixel art of", "a pixelated scene of");
            case SOFT -> pick("a softly shaded scene of", "soft shading:");
        };
    }

    private String camera(Camera c) {
        if (c == Camera.STATIC) return rng.nextInt(6) == 0 ? pick("with a static camera", "static camera", "with a fixed camera") : "";
        List<String> participles = c.words().stream().filter(w -> w.split(" ")[0].endsWith("ing")).toList();
        List<String> finite = c.words().stream().filter(w -> w.split(" ")[0].endsWith("s")).toList();
        return rng.nextBoolean()
                ? pick("with the camera ", "camera ", "the camera ") + pick(participles)
                : pick("as the camera ", "while the camera ") + pick(finite);
    }

    // ---- helpers ----

    private static String article(String next) {
        return "aeiou".indexOf(next.charAt(0)) >= 0 ? "an" : "a";
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[rng.nextInt(options.length)];
    }

    private <T> T pick(List<T> options) {
        return options.get(rng.nextInt(options.size()));
    }

    /** Words joined by single spaces, skipping empty ones. */
    private static String join(String... parts) {
        List<String> kept = new ArrayList<>();
        for (String p : parts) if (!p.isBlank()) kept.add(p.strip());
        return String.join(" ", kept);
    }
}
