package dev.kineto.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/** The Prometheus metrics at /metrics: queue depth, job latency, generation time and seconds, busy workers. */
final class Metrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    final Histogram jobLatency = Histogram.builder().name("kineto_job_latency_seconds")
            .help("Time from submit to a finished job").labelNames("status").register(registry);
    final Histogram batchSeconds = Histogram.builder().name("kineto_generation_seconds")
            .help("Time of one batched generation pass").labelNames("batch_size").register(registry);
    final Counter videoSeconds = Counter.builder().name("kineto_video_seconds_generated")
            .help("Seconds of video generated").register(registry);
    final Histogram claimLatency = Histogram.builder().name("kineto_claim_latency_seconds")
            .help("Time from submit to a worker taking the job, on its first attempt").register(registry);
    final Gauge workersBusy = Gauge.builder().name("kineto_workers_busy").help("Workers generating now").register(registry);

    Metrics(LongSupplier queueDepth) {
        GaugeWithCallback.builder().name("kineto_queue_depth").help("Jobs waiting in the queue")
                .callback(cb -> cb.call(queueDepth.getAsLong())).register(registry);
    }

    /** Everything in Prometheus text format. */
    String scrape() {
        var out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
