package dev.kineto.training;

import java.util.Set;

/** Training data by index: the same index always gives the same example, so a resumed run sees the same stream. */
public interface ExampleSource {

    /** Example number index. */
    Example get(long index);

    /** Words to put in the tokenizer's vocabulary besides those of the captions seen (the world's whole vocabulary). */
    default Set<String> vocabulary() {
        return Set.of();
    }
}
