package dev.kineto.training;

import dev.kineto.video.Clip;
import java.util.List;

/** One training clip with one or more phrasings of its caption (the trainer picks one each time it uses the clip). */
public record Example(Clip clip, List<String> captions) {
    public Example {
        if (captions.isEmpty()) throw new IllegalArgumentException("a training example needs at least one caption");
        captions = List.copyOf(captions);
    }
}
