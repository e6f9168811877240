package dev.kineto.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./kineto launcher's first build, in a copy of the launcher whose PATH has a stand-in for Maven: one that prints
 * what Maven 3.8 prints in batch mode (colour codes) and writes this JVM's classpath where it is asked to.
 */
class LauncherTest {
    private static final String ESC = "\u001b";
    @TempDir Path root;
    Path bin, mavenArgs;

    @BeforeEach
    void copyTheLauncherBesideAStandInForMaven() throws Exception {
        Files.copy(Path.of("kineto"), root.resolve("kineto"));
        executable(root.resolve("kineto"));
        Files.createDirectories(root.resolve("src/main"));
        Files.writeString(root.resolve("pom.xml"), "");
        bin = Files.createDirectories(root.resolve("bin"));
        mavenArgs = root.resolve("maven-args");
        Files.writeString(bin.resolve("mvn"), """
                #!/usr/bin/env bash
                printf '%s\\n' "$@" > "$MAVEN_ARGS"
                printf '\\033[0m\\033[0m[INFO] compiling 120 source files\\n'
                for arg in "$@"; do [[ "$arg" == -Dmdep.outputFile=* ]] && printf '%s' "$CLASSPATH_TO_WRITE" > "${arg#-Dmdep.outputFile=}"; done
                exit "${MAVEN_EXIT:-0}"
                """);
        executable(bin.resolve("mvn"));
    }

    @Test
    void theFirstBuildSaysOneLineAndAsksForTheRuntimeScopeOnly() throws Exception {
        Result r = launch(Map.of(), "--version");
        assertEquals(0, r.exit, r.err);
        assertEquals("kineto 0.1.0", r.out.strip());
        assertEquals("kineto: building (first use or sources changed)...", r.err.strip(), "Maven's output (and colour codes) stay in the build log");
        assertTrue(Files.readAllLines(mavenArgs).contains("-DincludeScope=runtime"), "test-scope jars (JUnit, Selenium) stay off the classpath");
        assertTrue(Files.readString(root.resolve("target/build.log")).contains("compiling 120 source files"));
    }

    @Test
    void verboseShowsMavensOutput() throws Exception {
        Result r = launch(Map.of(), "--verbose", "--version");
        assertEquals(0, r.exit, r.err);
        assertTrue(r.err.contains("compiling 120 source files"), r.err);
        Files.delete(root.resolve("target/.kineto-built-runtime"));
        assertTrue(launch(Map.of("KINETO_VERBOSE", "1"), "--version").err.contains("compiling 120 source files"));
    }

    @Test
    void aFailedBuildShowsMavensOutputWithoutColourCodes() throws Exception {
        Result r = launch(Map.of("MAVEN_EXIT", "1"), "--version");
        assertEquals(1, r.exit);
        assertTrue(r.err.contains("[INFO] compiling 120 source files") && r.err.contains("build failed"), r.err);
        assertFalse(r.err.contains(ESC), r.err);
    }

    private record Result(int exit, String out, String err) {}

    private Result launch(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("kineto").toString()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command);
        builder.environment().remove("KINETO_VERBOSE");
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("MAVEN_ARGS", mavenArgs.toString());
        builder.environment().put("CLASSPATH_TO_WRITE", System.getProperty("java.class.path"));
        builder.environment().putAll(env);
        Path out = root.resolve("out"), err = root.resolve("err");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int exit = p.waitFor();
        return new Result(exit, Files.readString(out), Files.readString(err));
    }

    private static void executable(Path file) throws Exception {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
