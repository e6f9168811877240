package dev.kineto.video;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A training dataset: a folder of clips with captions, listed in {@code manifest.jsonl} (one
 * {@code {"video": ..., "caption": ..., "scene": ...}} object a line, paths relative to the folder, scene optional),
 * or, without a manifest, every video in the folder with a same-named {@code .txt} caption beside it.
 */
public final class Dataset {
    public static final String MANIFEST = "manifest.jsonl";
    /** Extensions of the videos a captioned folder (one without a manifest) is searched for. */
    public static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "mov", "webm", "mkv", "gif");

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** One clip: its video file, its caption, and its scene description (a JSON file) or null. */
    public record Entry(Path video, String caption, Path scene) {}

    /** A manifest line as stored; paths are relative to the dataset folder. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Line(String video, String caption, String scene) {}

    private final List<Entry> entries;

    private Dataset(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Opens a dataset folder, checking that every listed video exists and has a caption. */
    public static Dataset open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new VideoFileException(dir, "no such dataset folder");
        Path manifest = dir.resolve(MANIFEST);
        List<Entry> entries = Files.exists(manifest) ? fromManifest(dir, manifest) : fromCaptionFiles(dir);
        if (entries.isEmpty()) {
            throw new VideoFileException(dir, "dataset holds no clips; add " + MANIFEST
                    + " or video files with same-named .txt captions");
        }
        for (Entry entry : entries) {
            if (!Files.isRegularFile(entry.video())) throw new VideoFileException(entry.video(), "listed in the dataset but missing");
            if (entry.scene() != null && !Files.isRegularFile(entry.scene())) {
                throw new VideoFileException(entry.scene(), "scene file listed in the dataset but missing");
            }
        }
        return new Dataset(entries);
    }

    private static List<Entry> fromManifest(Path dir, Path manifest) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            String where = "line " + (i + 1) + ": ";
            Line line;
            try {
                line = JSON.readValue(lines.get(i), Line.class);
            } catch (JsonProcessingException e) {
                throw new VideoFileException(manifest, where + "not a JSON object: " + e.getOriginalMessage());
            }
            if (line.video() == null || line.video().isBlank()) throw new VideoFileException(manifest, where + "needs a \"video\" path");
            if (line.caption() == null || line.caption().isBlank()) throw new VideoFileException(manifest, where + "needs a \"caption\"");
            entries.add(new Entry(dir.resolve(line.video()), line.caption().strip(), line.scene() == null ? null : dir.resolve(line.scene())));
        }
        return entries;
    }

    private static List<Entry> fromCaptionFiles(Path dir) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<Path> videos;
        try (Stream<Path> files = Files.list(dir)) {
            videos = files.filter(f -> VIDEO_EXTENSIONS.contains(VideoFiles.extension(f))).sorted().toList();
        }
        for (Path video : videos) {
            String name = video.getFileName().toString();
            Path caption = video.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".txt");
            if (!Files.isRegularFile(caption)) throw new VideoFileException(video, "has no caption; write it to " + caption.getFileName());
            String text = Files.readString(caption, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) throw new VideoFileException(caption, "caption is empty");
            entries.add(new Entry(video, text, null));
        }
        return entries;
    }

    /** Starts a new dataset in dir, which must not hold one already. */
    public static Writer create(Path dir) throws IOException {
        if (Files.exists(dir.resolve(MANIFEST))) {
            throw new VideoFileException(dir, "already holds a dataset (" + MANIFEST + "); choose a new folder");
        }
        Files.createDirectories(dir.resolve("clips"));
        return new Writer(dir);
    }

    /** Adds clips as clips/000001.mp4 (+ .json scene) and writes the manifest on close. */
    public static final class Writer implements AutoCloseable {
        private final Path dir;
        private final List<Line> lines = new ArrayList<>();

        private Writer(Path dir) {
            this.dir = dir;
        }

        /** Writes the clip (and its scene JSON, when not null) and returns its entry. */
        public Entry add(Clip clip, String caption, String sceneJson) throws IOException {
            if (caption == null || caption.isBlank()) throw new IllegalArgumentException("every clip needs a caption");
            String stem = "clips/%06d".formatted(lines.size() + 1);
            VideoFiles.write(clip, dir.resolve(stem + ".mp4"));
            String scene = null;
            if (sceneJson != null) {
                scene = stem + ".json";
                AtomicFiles.write(dir.resolve(scene), sceneJson.getBytes(StandardCharsets.UTF_8));
            }
            Line line = new Line(stem + ".mp4", caption.strip(), scene);
            lines.add(line);
            return new Entry(dir.resolve(line.video()), line.caption(), scene == null ? null : dir.resolve(scene));
        }

        /** Writes manifest.jsonl atomically, so a dataset is complete or absent. */
        @Override
        public void close() throws IOException {
            StringBuilder manifest = new StringBuilder();
            for (Line line : lines) manifest.append(JSON.writeValueAsString(line)).append('\n');
            AtomicFiles.write(dir.resolve(MANIFEST), manifest.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
