package dev.kineto.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.kineto.model.Checkpoint;
import dev.kineto.model.Noise;
import dev.kineto.model.VideoModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The DiT of model/Dit.java in Python PyTorch (dit-peer.py beside this class), run on this model's weights. Before it times
 * anything the peer must give this DiT's velocity on the same inputs, so the two cannot drift apart unnoticed.
 */
final class PythonPeer {
    static final String SCRIPT = "dit-peer.py";
    /** Largest |difference| between the two velocities, relative to the largest velocity, that still counts as the same network. */
    static final double TOLERANCE = 1e-3;

    /** The peer's figures: how far its velocity was from ours, its median forward seconds per batch size, its sgemm GFLOP/s. */
    record Figures(double difference, Map<Integer, Double> seconds, double sgemm) {}

    private final String python;

    PythonPeer(String python) {
        this.python = python;
    }

    String python() { return python; }

    /**
     * The first interpreter that imports torch: Debian's /usr/bin/python3 (python3-torch) first, then every python3 and
     * python on the PATH (a pyenv or venv python3 usually comes first there and has no torch).
     */
    static PythonPeer find() throws IOException, InterruptedException {
        Set<String> candidates = new LinkedHashSet<>(List.of("/usr/bin/python3"));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            for (String name : List.of("python3", "python")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) candidates.add(p.toString());
            }
        }
        return find(List.copyOf(candidates));
    }

    /** The first of candidates that imports torch. */
    static PythonPeer find(List<String> candidates) throws IOException, InterruptedException {
        for (String candidate : candidates) {
            if (!Files.isExecutable(Path.of(candidate))) continue;
            Process p = new ProcessBuilder(candidate, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() == 0) return new PythonPeer(candidate);
        }
        throw new IllegalStateException("no Python with PyTorch found (tried " + String.join(", ", candidates)
                + "): install Debian's python3-torch with a fast BLAS (apt-get install -y python3-torch libopenblas0-pthread) or pass --python");
    }

    /**
     * Runs the peer on model's DiT (a model made for this: its DiT weights are nudged off adaLN-Zero's zeros, so every
     * weight counts) and one batch of caption, then times the peer's forward pass at each batch size.
     */
    Figures run(VideoModel model, String caption, int repeats, int... batches) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("kineto-dit-peer");
        try {
            Path script = dir.resolve(SCRIPT), reference = dir.resolve("reference.safetensors");
            try (InputStream in = PythonPeer.class.getResourceAsStream(SCRIPT)) {
                Files.copy(in, script);
            }
            float scale = writeReference(model, caption, reference);
            List<String> command = new ArrayList<>(List.of(python, script.toString(), reference.toString(),
                    Integer.toString(model.dit().config().heads()), Integer.toString(model.dit().config().patch()), Integer.toString(repeats)));
            for (int b : batches) command.add(Integer.toString(b));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.waitFor() != 0) throw new IllegalStateException("the Python peer (" + python + ") failed: " + lastLines(output));
            return parse(output, scale);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.delete(p);
            }
            Files.delete(dir);
        }
    }

    /** Throws unless the peer's velocity was this DiT's. */
    static void requireSame(Figures figures) {
        if (!(figures.difference() <= TOLERANCE)) {
            throw new IllegalStateException(String.format("the Python peer's DiT does not compute Dit.java's velocity (largest relative difference %.2g,"
                    + " allowed %.0g): bring src/main/resources/dev/kineto/bench/%s in line with model/Dit.java", figures.difference(), TOLERANCE, SCRIPT));
        }
    }

    /** Writes the DiT's weights and one forward pass of batch 2, its inputs and its velocity; returns the velocity's largest |value|. */
    private static float writeReference(VideoModel model, String caption, Path file) throws IOException {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDManager m = model.manager();
            SplittableRandom rng = new SplittableRandom(7);
            for (var entry : model.params().arrays().entrySet()) {
                if (entry.getKey().startsWith("dit.")) entry.getValue().addi(Noise.gaussian(m, entry.getValue().getShape(), rng).mul(0.05f));
            }
            long[] latent = model.vae().latentShape(model.config().frames(), model.config().height(), model.config().width());
            NDArray z = Noise.gaussian(m, new Shape(2, latent[0], latent[1], latent[2], latent[3]), rng);
            NDArray t = m.create(new float[] {0.3f, 0.8f});
            var text = model.text().encode(m, Collections.nCopies(2, caption));
            NDArray velocity = model.dit().forward(z, t, text);
            float scale = Math.max(1e-6f, velocity.abs().max().getFloat());
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            model.params().arrays().forEach((name, array) -> {
                if (name.startsWith("dit.")) arrays.put(name, array);
            });
            arrays.putAll(Map.of("input.z", z, "input.t", t, "input.text", text.tokens(), "input.mask", text.keyMask(), "input.pooled", text.pooled(),
                    "output.velocity", velocity));
            Checkpoint.write(file, arrays);
            return scale;
        }
    }

    private static Figures parse(String output, float scale) {
        double difference = Double.NaN, sgemm = Double.NaN;
        Map<Integer, Double> seconds = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
            String[] f = line.strip().split(" ");
            switch (f[0]) {
                case "check" -> difference = Double.parseDouble(f[1]) / scale;
                case "batch" -> seconds.put(Integer.parseInt(f[1]), Double.parseDouble(f[2]));
                case "sgemm" -> sgemm = Double.parseDouble(f[1]);
                default -> { } // the peer's own warnings
            }
        }
        if (Double.isNaN(difference)) throw new IllegalStateException("the Python peer printed no check: " + lastLines(output));
        return new Figures(difference, seconds, sgemm);
    }

    private static String lastLines(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }
}
