package dev.kineto.server;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.MemoryCost;
import dev.kineto.model.RequestRules;
import dev.kineto.model.StepListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Measures the resident memory one generation with the bundled model adds (the process's peak RSS over its RSS with the
 * model loaded and warmed up), each in its own JVM so one peak does not hide the next, and prints it beside
 * {@link MemoryCost}'s prediction. Run: {@code java -cp target/classes:target/test-classes:DEPS dev.kineto.server.MemoryPeakBench
 * [WxHxFRAMESxBATCH ...]}.
 */
public final class MemoryPeakBench {
    static final List<String> SIZES = List.of("64x64x17x1", "128x128x17x1", "128x128x41x1", "64x64x17x8", "256x256x17x1", "128x128x81x1", "192x192x41x1");

    /** A measured peak: the bytes one generation added, and what the model predicts. */
    record Peak(int width, int height, int frames, int batch, long measured, long predicted) {
        @Override
        public String toString() {
            return "%dx%d x%d frames, batch %d: measured %.2f GB, model %.2f GB (%+.0f %%)".formatted(width, height, frames, batch,
                    measured / 1e9, predicted / 1e9, 100.0 * (predicted - measured) / measured);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            return;
        }
        for (String size : args.length > 0 ? List.of(args) : SIZES) {
            String[] p = size.split("x");
            System.out.println(measure(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3])));
        }
    }

    /** Runs one generation (2 Heun steps, guided) in a child JVM and reads the memory it added. */
    static Peak measure(int width, int height, int frames, int batch) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                MemoryPeakBench.class.getName(), "child", "" + width, "" + height, "" + frames, "" + batch));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0 || !out.contains("peak ")) throw new IOException("the measuring JVM failed:\n" + out);
        long measured = Long.parseLong(out.substring(out.lastIndexOf("peak ") + 5).strip());
        try (DiffusionGenerator g = DiffusionGenerator.loadDefault()) {
            return new Peak(width, height, frames, batch, measured, new MemoryCost(g.model().config()).bytes(width, height, frames, batch, true));
        }
    }

    private static void child(int width, int height, int frames, int batch) throws IOException {
        try (DiffusionGenerator generator = DiffusionGenerator.loadDefault()) {
            generator.generate(List.of(request(16, 16, 1)), StepListener.NONE); // loads the engine's kernels
            System.gc();
            long before = status("VmRSS");
            generator.generate(Collections.nCopies(batch, request(width, height, frames)), StepListener.NONE);
            System.out.println("peak " + (status("VmHWM") - before));
        }
    }

    private static GenerationRequest request(int width, int height, int frames) {
        return new GenerationRequest("a red ball moves right", "", width, height, frames, 8, 2, RequestRules.DEFAULT_CFG, 1);
    }

    /** A /proc/self/status figure in bytes. */
    private static long status(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(field + ":"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).findFirst().orElseThrow();
    }
}
