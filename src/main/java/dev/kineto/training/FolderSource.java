package dev.kineto.training;

import dev.kineto.video.Clip;
import dev.kineto.video.Dataset;
import dev.kineto.video.VideoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's folder of captioned clips (the video package's dataset format), cycled through in order; each clip is
 * centre-cropped to the training size and cut or padded (by holding its last frame) to the training frame count.
 */
public record FolderSource(Dataset dataset, int width, int height, int frames) implements ExampleSource {
    public FolderSource {
        if (dataset.entries().isEmpty()) throw new IllegalArgumentException("the dataset has no clips: add videos with captions (see docs/video.md)");
    }

    @Override
    public Example get(long index) {
        Dataset.Entry entry = dataset.entries().get((int) Math.floorMod(index, (long) dataset.entries().size()));
        try {
            Clip clip = VideoFiles.read(entry.video(), width, height, frames);
            List<byte[]> held = new ArrayList<>(clip.frames());
            while (held.size() < frames) held.add(held.getLast());
            return new Example(new Clip(width, height, clip.fps(), held), List.of(entry.caption()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
