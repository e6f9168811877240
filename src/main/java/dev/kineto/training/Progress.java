package dev.kineto.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kineto.video.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where a training run stands, saved with each checkpoint so a killed run resumes where it left off. */
record Progress(Stage stage, long vaeSteps, long ditSteps, double vaeSeconds, double ditSeconds, long nextExample,
                List<double[]> vaeLoss, List<double[]> ditLoss, double heldOutPsnr) {
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Stage { VAE, DIT, DONE }

    static Progress start() {
        return new Progress(Stage.VAE, 0, 0, 0, 0, 0, new ArrayList<>(), new ArrayList<>(), 0);
    }

    void write(Path file) throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(this));
    }

    static Progress read(Path file) throws IOException {
        Progress p = JSON.readValue(Files.readString(file), Progress.class);
        return new Progress(p.stage, p.vaeSteps, p.ditSteps, p.vaeSeconds, p.ditSeconds, p.nextExample,
                new ArrayList<>(p.vaeLoss), new ArrayList<>(p.ditLoss), p.heldOutPsnr);
    }
}
