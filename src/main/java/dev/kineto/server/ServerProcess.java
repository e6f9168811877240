package dev.kineto.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server in a process of its own: how a process serves until it is told to stop, and how a benchmark or a crash
 * test starts one in a child JVM and finds the URL it listens on.
 */
public record ServerProcess(Process process, String url) {
    private static final Pattern SERVING = Pattern.compile("serving http://localhost:(\\d+)/");

    /**
     * Serves until the JVM is told to stop (Ctrl-C, a plain kill), then closes the server: the jobs it was running are
     * requeued for the next start. Prints "PREFIXserving http://localhost:PORT/ SUFFIX" once it listens.
     */
    public static void serveUntilStopped(KinetoServer server, String prefix, String suffix) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        System.out.println(prefix + "serving http://localhost:" + server.port() + "/ " + suffix);
        stopped.await();
    }

    /**
     * Starts main with args in a child JVM on this JVM's classpath, with stderr going to log, and waits until it says
     * it is serving (see {@link #serveUntilStopped}).
     */
    public static ServerProcess start(Class<?> main, List<String> args, Path log) throws IOException {
        return start(List.of(), main, args, log);
    }

    /** The same under wrapper, a command such as `ip netns exec NS` that runs the JVM on another network. */
    public static ServerProcess start(List<String> wrapper, Class<?> main, List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        var builder = new ProcessBuilder(command).redirectError(log.toFile());
        // PyTorch's OpenMP threads would otherwise spin at every barrier, taking the cores the HTTP threads need (docs/model.md).
        builder.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        Process process = builder.start();
        var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            Matcher m = SERVING.matcher(line);
            if (m.find()) return new ServerProcess(process, "http://localhost:" + m.group(1));
        }
        throw new IOException("the server did not start; its log " + log + " ends with:\n" + Files.readString(log).lines()
                .reduce((a, b) -> b).orElse("(empty)"));
    }
}
