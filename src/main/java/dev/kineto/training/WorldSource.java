package dev.kineto.training;

import dev.kineto.model.Layout;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.Split;
import dev.kineto.world.World;
import dev.kineto.world.WorldClip;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The synthetic world rendered on the fly: example i is World.sample(seed + i), with several phrasings of its
 * description so the text encoder learns synonyms and word order rather than one sentence per clip, and the clip's
 * background rendered alone and its layout, so the trainer knows where the objects are.
 */
public record WorldSource(RenderSpec spec, Split split, long seed) implements ExampleSource {
    private static final int PHRASINGS = 4;

    @Override
    public Example get(long index) {
        return of(World.sample(seed + index, split, spec), new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L)));
    }

    /** A world clip as an example: its caption and more phrasings drawn with rng, its background and objects apart. */
    public static Example of(WorldClip sample, SplittableRandom rng) {
        List<String> captions = new ArrayList<>(List.of(sample.caption()));
        for (int i = 1; i < PHRASINGS; i++) captions.add(World.caption(sample.scene().description(), rng));
        List<Example.Shown> objects = new ArrayList<>();
        for (int i = 0; i < sample.scene().tracks().size(); i++) {
            var spec = sample.scene().tracks().get(i).spec();
            objects.add(new Example.Shown(World.renderObject(sample.scene(), i), spec.shape().ordinal(), spec.size().ordinal()));
        }
        return new Example(sample.clip(), captions, World.renderBackground(sample.scene()), objects, Layout.of(sample.scene()));
    }

    @Override
    public Set<String> vocabulary() {
        return World.vocabulary();
    }
}
