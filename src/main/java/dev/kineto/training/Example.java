package dev.kineto.training;

import dev.kineto.model.Layout;
import dev.kineto.model.ModelConfig;
import dev.kineto.video.Clip;
import dev.kineto.world.ShapeKind;
import dev.kineto.world.Size;
import java.util.List;

/**
 * One training clip with one or more phrasings of its caption (the trainer picks one each time it uses the clip), and,
 * when the source knows them (null otherwise), the same clip without its objects, which tells the trainer where the
 * objects are, and the clip's layout, which a grounded DiT is given.
 */
public record Example(Clip clip, List<String> captions, Clip background, List<Shown> objects, Layout layout) {
    /** One object drawn alone over the background, with its shape and size class (for the DiT's probe). */
    public record Shown(Clip alone, int shape, int size) {
        /** config with a DiT probe over the classes a Shown's shape and size come from (the world's). */
        static ModelConfig probed(ModelConfig config) {
            return config.withProbe(ShapeKind.values().length, Size.values().length);
        }
    }

    public Example {
        if (captions.isEmpty()) throw new IllegalArgumentException("a training example needs at least one caption");
        captions = List.copyOf(captions);
        objects = List.copyOf(objects);
    }

    public Example(Clip clip, List<String> captions, Clip background) {
        this(clip, captions, background, List.of(), null);
    }

    /** An example whose objects are not known apart from its background. */
    public Example(Clip clip, List<String> captions) {
        this(clip, captions, null);
    }

    /** The box {minX, minY, maxX, maxY} the object covers in frame 0, or null where it shows nothing over the background. */
    public int[] firstFrameBox(Shown object) {
        return ObjectWeights.firstFrameBox(object.alone(), background);
    }

    /** The colour {r, g, b} the object is drawn in, most of its pixels in frame 0, or null where it shows nothing. */
    public int[] firstFrameColour(Shown object) {
        return ObjectWeights.firstFrameColour(object.alone(), background);
    }
}
