package dev.kineto.cli;

import dev.kineto.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `kineto` command line: every subcommand is registered here, so the whole CLI is visible at a glance. */
@Command(name = "kineto", mixinStandardHelpOptions = true, version = "kineto 0.1.0",
        description = "Open, self-hostable AI video generation on the JVM.",
        subcommands = {
                CommandLine.HelpCommand.class,
                BenchCommand.class,
                GenerateCommand.class,
                TrainCommand.class,
                EvalCommand.class,
                VideoCommand.class,
                WorldCommand.class,
                ServeCommand.class,
                UserCommand.class,
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code: 0 success, 1 a failure at run time, 2 bad usage. */
    public static int run(String... args) {
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
