package dev.kineto.cli;

import dev.kineto.bench.BenchCommand;
import dev.kineto.model.NativeWarnings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The `kineto` command line: every subcommand is registered here, so the whole CLI is visible at a glance. */
@Command(name = "kineto", mixinStandardHelpOptions = true, version = "kineto 0.1.0",
        description = "Open, self-hostable AI video generation on the JVM.",
        subcommands = {
                CommandLine.HelpCommand.class,
                BenchCommand.class,
                GenerateCommand.class,
                ExtendCommand.class,
                TrainCommand.class,
                EvalCommand.class,
                VideoCommand.class,
                WorldCommand.class,
                ServeCommand.class,
                WorkerCommand.class,
                UserCommand.class,
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Libraries' own output (libtorch's warnings) is quiet unless asked for; the launcher reads the same option and variable. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show what the libraries print (libtorch's warnings); or set KINETO_VERBOSE=1.")
    void verbose(boolean verbose) {
        if (verbose) NativeWarnings.show();
    }

    /** Runs the CLI and returns its exit code: 0 success, 1 a failure at run time, 2 bad usage. */
    public static int run(String... args) {
        if (System.getenv("KINETO_VERBOSE") != null) NativeWarnings.show();
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("kineto: " + oneLine(e));
            if (System.getenv("KINETO_DEBUG") != null) e.printStackTrace(commandLine.getErr());
            return 1;
        });
        return cli.execute(args);
    }

    /** The exception's message, or its type when it has none, on one line. */
    static String oneLine(Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return message.replace('\n', ' ').strip();
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
