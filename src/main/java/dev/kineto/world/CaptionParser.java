package dev.kineto.world;

import dev.kineto.world.Lexicon.Kind;
import dev.kineto.world.Lexicon.Word;
import dev.kineto.world.Stated.Trait;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a caption into a Description. Words that describe a thing (size, colour, count, motion, speed) wait until the
 * noun they belong to: a shape, or a background word. A motion or speed right after a shape belongs to it, and
 * colours or pattern words right after a background word belong to the background, until an article, a comma or
 * a conjunction starts the next phrase. Leftover colours colour the background; leftover motions the last shape.
 */
final class CaptionParser {

    /** Which noun the words after it may still attach to. */
    private enum Open { NOTHING, OBJECT, BACKGROUND }

    /** An object being assembled; fields stay null until the caption says them. */
    private static final class Part {
        Colour colour;
        ShapeKind shape;
        Size size;
        Motion motion;
        Speed speed;
    }

    private final String caption;
    private final List<Part> objects = new ArrayList<>();
    private List<Part> lastGroup = List.of();
    private final List<Word> pending = new ArrayList<>();
    private final List<Colour> backgroundColours = new ArrayList<>();
    private BackgroundKind backgroundKind;
    private boolean backgroundNamed;
    private Relation relation;
    private int objectsBeforeRelation;
    private boolean collide;
    private boolean countUnstated;
    private Style style;
    private Camera camera;
    private Open open = Open.NOTHING;

    private CaptionParser(String caption) {
        this.caption = caption;
    }

    static Caption parse(String caption) {
        if (caption == null || caption.isBlank()) {
            throw new CaptionException("the caption is empty; describe a scene, e.g. \"a red circle moving left on a blue background\"");
        }
        CaptionParser parser = new CaptionParser(caption);
        for (Word w : Lexicon.get().read(caption)) parser.accept(w);
        return parser.finish();
    }

    private void accept(Word w) {
        switch (w.kind()) {
            case ARTICLE, COUNT -> {
                open = Open.NOTHING;
                if (w.kind() == Kind.COUNT) pending.add(w);
            }
            case BOUNDARY -> {
                if (!(open == Open.BACKGROUND && w.text().equals("and"))) open = Open.NOTHING;
            }
            case SIZE -> pending.add(w);
            case COLOUR -> {
                if (open == Open.BACKGROUND && backgroundColours.size() < 2) backgroundColours.add((Colour) w.value());
                else pending.add(w);
            }
            case MOTION, SPEED -> {
                if (open == Open.OBJECT) lastGroup.forEach(p -> attach(p, w));
                else pending.add(w);
            }
            case SHAPE -> addObjects(w);
            case BACKGROUND, BACKGROUND_KIND -> {
                takePendingColours();
                backgroundNamed = true;
                if (w.kind() == Kind.BACKGROUND_KIND) backgroundKind = agree(backgroundKind, (BackgroundKind) w.value(), w, "background patterns");
                open = Open.BACKGROUND;
            }
            case RELATION -> {
                if (relation != null) throw error("it gives two relations ('" + w.text() + "' and another); use one, between two objects");
                relation = (Relation) w.value();
                objectsBeforeRelation = objects.size();
                open = Open.NOTHING;
            }
            case COLLIDE -> {
                collide = true;
                open = Open.NOTHING;
            }
            case STYLE -> style = agree(style, (Style) w.value(), w, "styles");
            case CAMERA -> camera = agree(camera, (Camera) w.value(), w, "camera moves");
            case POSITION -> throw error("positions such as '" + w.text() + "' are not modelled; place objects with a relation, "
                    + "e.g. \"a blue square left of a red circle\"");
            case FILLER -> { }
        }
    }

    /** A shape noun: one object, or as many as a count or a plural says, taking the waiting modifiers. */
    private void addObjects(Word noun) {
        int count = noun.plural() ? 2 : 1;
        boolean counted = false;
        Part template = new Part();
        template.shape = (ShapeKind) noun.value();
        for (Word w : pending) {
            if (w.kind() == Kind.COUNT) {
                count = (Integer) w.value();
                counted = true;
            }
            else if (w.kind() == Kind.COLOUR && template.colour != null) {
                throw error("the " + noun.text() + " is given two colours ('" + template.colour.word() + "' and '" + w.text() + "'); give each shape one colour");
            } else attach(template, w);
        }
        pending.clear();
        // A bare plural ("red circles") draws two, a number the caption never gave.
        if (noun.plural() && !counted) countUnstated = true;
        if (objects.size() + count > Description.MAX_OBJECTS) {
            throw error("it asks for more than " + Description.MAX_OBJECTS + " objects; the world draws one to three");
        }
        List<Part> group = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Part p = new Part();
            p.colour = template.colour;
            p.shape = template.shape;
            p.size = template.size;
            p.motion = template.motion;
            p.speed = template.speed;
            group.add(p);
        }
        objects.addAll(group);
        lastGroup = group;
        open = Open.OBJECT;
    }

    private void attach(Part p, Word w) {
        switch (w.kind()) {
            case COLOUR -> p.colour = (Colour) w.value();
            case SIZE -> p.size = agree(p.size, (Size) w.value(), w, "sizes for one shape");
            case MOTION -> p.motion = agree(p.motion, (Motion) w.value(), w, "motions for one shape");
            case SPEED -> p.speed = agree(p.speed, (Speed) w.value(), w, "speeds for one shape");
            default -> throw new IllegalStateException("cannot attach " + w);
        }
    }

    private void takePendingColours() {
        for (Word w : List.copyOf(pending)) {
            if (w.kind() == Kind.COLOUR) {
                if (backgroundColours.size() == 2) throw error("the background is given more than two colours; use one or two");
                backgroundColours.add((Colour) w.value());
                pending.remove(w);
            }
        }
    }

    private <T> T agree(T current, T next, Word w, String what) {
        if (current != null && !current.equals(next)) {
            throw error("'" + w.text() + "' contradicts what came before (two different " + what + ")");
        }
        return next;
    }

    private Caption finish() {
        takeLeftovers();
        if (objects.isEmpty()) {
            throw error("it names no shape to draw; say what to draw, e.g. \"a red circle\". " + Lexicon.summary());
        }
        if (relation != null && (objects.size() != 2 || objectsBeforeRelation != 1)) {
            throw error("a relation such as 'left of' goes between exactly two objects, e.g. \"a red circle left of a blue square\"");
        }
        if (collide && objects.size() != 2) {
            throw error("a collision needs exactly two objects, e.g. \"a red ball and a blue ball collide\"");
        }
        if (collide && relation != null) throw error("a collision and a relation cannot be combined; use one");
        Background background = background();
        Colour defaultColour = background.primary() == Colour.WHITE ? Colour.BLACK : Colour.WHITE;
        List<ObjectSpec> specs = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            Part p = objects.get(i);
            Motion motion = collide ? (i == 0 ? Motion.RIGHT : Motion.LEFT) : orDefault(p.motion, Motion.STILL);
            specs.add(new ObjectSpec(orDefault(p.colour, defaultColour), p.shape, orDefault(p.size, Size.MEDIUM), motion,
                    orDefault(p.speed, Speed.NORMAL)));
        }
        Description description = new Description(specs, relation, collide, background,
                orDefault(style, Style.FLAT), orDefault(camera, Camera.STATIC));
        return new Caption(description, stated());
    }

    private Stated stated() {
        List<Set<Trait>> perObject = new ArrayList<>();
        for (Part p : objects) {
            Set<Trait> traits = EnumSet.noneOf(Trait.class);
            if (p.colour != null) traits.add(Trait.COLOUR);
            if (p.size != null) traits.add(Trait.SIZE);
            if (p.motion != null || collide) traits.add(Trait.MOTION);
            if (p.speed != null) traits.add(Trait.SPEED);
            perObject.add(traits);
        }
        Set<Trait> scene = EnumSet.noneOf(Trait.class);
        if (!countUnstated) scene.add(Trait.COUNT);
        if (backgroundNamed || !backgroundColours.isEmpty()) scene.add(Trait.BACKGROUND);
        if (style != null) scene.add(Trait.STYLE);
        if (camera != null) scene.add(Trait.CAMERA);
        return new Stated(perObject, scene);
    }

    /** Colours left over colour the background; motions and speeds left over belong to the last shape. */
    private void takeLeftovers() {
        for (Word w : pending) {
            switch (w.kind()) {
                case COLOUR -> {
                    if (backgroundNamed || backgroundColours.size() == 2) throw error("the colour '" + w.text() + "' does not belong to any shape or background");
                    backgroundColours.add((Colour) w.value());
                }
                case MOTION, SPEED -> {
                    if (lastGroup.isEmpty()) throw error("'" + w.text() + "' does not belong to any shape");
                    lastGroup.forEach(p -> attach(p, w));
                }
                default -> throw error("'" + w.text() + "' does not belong to any shape; put it before a shape, e.g. \"a " + w.text() + " red circle\"");
            }
        }
    }

    private Background background() {
        BackgroundKind kind = orDefault(backgroundKind, backgroundColours.size() == 2 ? BackgroundKind.GRADIENT : BackgroundKind.SOLID);
        if (kind == BackgroundKind.SOLID && backgroundColours.size() == 2) {
            throw error("a " + kind.word() + " background has one colour; for two say 'gradient', 'striped', 'checkered' or 'noisy'");
        }
        Colour primary = backgroundColours.isEmpty() ? Colour.BLACK : backgroundColours.getFirst();
        Colour secondary = backgroundColours.size() == 2 ? backgroundColours.get(1) : primary == Colour.BLACK ? Colour.WHITE : Colour.BLACK;
        return new Background(kind, primary, secondary);
    }

    private static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private CaptionException error(String why) {
        return new CaptionException("cannot read \"" + caption.strip() + "\": " + why);
    }
}
