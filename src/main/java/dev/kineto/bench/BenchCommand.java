package dev.kineto.bench;

import picocli.CommandLine.Command;

/** `kineto bench ...`: benchmarks that print figures (medians of repeated runs, side by side). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure speed and memory; prints figures.",
        subcommands = {
                RenderBench.class,
                EvalBench.class,
                ApiBench.Api.class, ApiBench.Batching.class,
                ScaleOutBench.Workers.class, ScaleOutBench.OpenLoop.class,
                ModelBench.Train.class,
                ModelBench.Generate.class,
                ModelBench.Peer.class,
                RepresentationBench.class,
                ModesBench.class,
        })
public final class BenchCommand {
}
