package dev.kineto.model;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * libtorch's once-per-process warnings that say nothing to a user: DJL's first NDArray.set makes libtorch print a
 * 430-character deprecation notice (AutoNonVariableTypeMode) straight to file descriptor 2, past any Java logging. A
 * model absorbs it before its first weights are set, by making that first set with descriptor 2 pointed at /dev/null;
 * {@link #show} (the CLI's --verbose) lets it through.
 */
public final class NativeWarnings {
    private static boolean shown, absorbed;

    private NativeWarnings() {}

    /** Lets libtorch's warnings through from now on. */
    public static synchronized void show() {
        shown = true;
    }

    /** Spends libtorch's one-time deprecation warning where no one sees it (once; not when shown). */
    static synchronized void absorb() {
        if (shown || absorbed) return;
        absorbed = true;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray first = manager.zeros(new Shape(1)); // loads the engine first, so only the set itself runs unheard
            withStderrDiscarded(() -> first.set(new float[] {0}));
        }
    }

    /** Runs body with file descriptor 2 on /dev/null; where the C library cannot be reached, runs it as it is. */
    private static void withStderrDiscarded(Runnable body) {
        int saved;
        try (Arena arena = Arena.ofConfined()) {
            saved = libc("dup", 2);
            int devNull = libc("creat", arena.allocateFrom("/dev/null"), 0);
            if (saved < 0 || devNull < 0 || libc("dup2", devNull, 2) < 0) {
                body.run();
                return;
            }
            libc("close", devNull);
        } catch (Throwable noNativeAccess) {
            body.run();
            return;
        }
        try {
            body.run();
        } finally {
            try {
                libc("dup2", saved, 2);
                libc("close", saved);
            } catch (Throwable e) {
                throw new IllegalStateException("could not give stderr back after libtorch's warning", e);
            }
        }
    }

    /** Calls the C library's function of int (or pointer) arguments that returns an int. */
    private static int libc(String function, Object... args) throws Throwable {
        Linker linker = Linker.nativeLinker();
        var parameters = new java.lang.foreign.MemoryLayout[args.length];
        for (int i = 0; i < args.length; i++) parameters[i] = args[i] instanceof Integer ? JAVA_INT : ADDRESS;
        MethodHandle handle = linker.downcallHandle(linker.defaultLookup().find(function).orElseThrow(), FunctionDescriptor.of(JAVA_INT, parameters));
        return (int) handle.invokeWithArguments(args);
    }
}
