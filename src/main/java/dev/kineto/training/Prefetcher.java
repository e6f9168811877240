package dev.kineto.training;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/** Renders or reads examples on a background thread while the main thread trains. */
final class Prefetcher implements AutoCloseable {
    private final BlockingQueue<Example> queue = new ArrayBlockingQueue<>(64);
    private final Thread thread;
    private volatile RuntimeException failure;
    private long next;

    /** Starts producing source.get(first), source.get(first + 1), ... */
    Prefetcher(ExampleSource source, long first) {
        next = first;
        thread = Thread.ofPlatform().daemon().name("kineto-data").start(() -> {
            try {
                for (long i = first; ; i++) queue.put(source.get(i));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure = e;
            }
        });
    }

    /** The next example in index order. */
    Example take() {
        try {
            while (true) {
                Example e = queue.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                if (e != null) {
                    next++;
                    return e;
                }
                if (failure != null) throw new IllegalStateException("training data failed: " + failure.getMessage(), failure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for training data", e);
        }
    }

    /** The index of the next example take() returns (saved for resuming). */
    long nextIndex() { return next; }

    @Override
    public void close() {
        thread.interrupt();
    }
}
