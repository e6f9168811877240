package dev.kineto.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one batch's forward and backward as slices on worker threads, one PyTorch thread each; the slices' gradients add
 * up in the weights' gradients, as one backward of the whole batch would leave them.
 *
 * <p>Why: a DiT step is ~1,000 small ops, and a second OpenMP thread woken for each of them buys little (1.0-1.2× at
 * batch 16 on 2 cores), where two slices on two one-thread workers ran 1.5-1.7× faster (docs/model.md). Each slice's
 * backward runs through PyTorch directly, because DJL allows one GradientCollector at a time; PyTorch locks each
 * weight's gradient while it adds a slice's share; with two slices the sum is the same whichever lands first (with
 * more, on more cores, the order of the sum is not fixed). The weight update runs on the same workers, each on its
 * own share of the weights ({@link #sum}).
 */
public final class DataParallel implements AutoCloseable {
    /** The mean loss over samples [from, to) of the batch, built while gradients are recorded. */
    @FunctionalInterface
    public interface SliceLoss {
        NDArray of(int from, int to);
    }

    private final int workers;
    private final ExecutorService pool;

    /** As many workers as the machine has cores. */
    public DataParallel() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public DataParallel(int workers) {
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        Engine.getEngine("PyTorch"); // loads the native library the workers call into
        this.workers = workers;
        this.pool = Executors.newFixedThreadPool(workers, Thread.ofPlatform().name("data-parallel-", 0).daemon().factory());
    }

    public int workers() {
        return workers;
    }

    /** Forward and backward of the batch's mean loss, its slices in parallel; returns that loss. */
    public double backward(int batch, SliceLoss loss) {
        return sum(batch, (from, to) -> sliceBackward(loss, from, to, (double) (to - from) / batch));
    }

    /** Work on items [from, to) of a list, returning a number that is summed over the ranges. */
    @FunctionalInterface
    public interface Part {
        double of(int from, int to);
    }

    /**
     * Cuts [0, n) into one contiguous range a worker, runs part on each range on its worker's one PyTorch thread, and
     * returns the ranges' results added in range order (so the same inputs give the same sum).
     */
    public double sum(int n, Part part) {
        int ranges = Math.min(workers, n);
        List<Future<Double>> results = new ArrayList<>(ranges);
        for (int r = 0; r < ranges; r++) {
            int from = n * r / ranges, to = n * (r + 1) / ranges;
            results.add(pool.submit(() -> {
                // Settings of this thread alone: one OpenMP thread, and no autograd recording (PyTorch starts a new
                // thread recording; DJL turns it off on the thread that loads the engine only).
                JniUtils.setNumThreads(1);
                JniUtils.setGradMode(false);
                return part.of(from, to);
            }));
        }
        double total = 0;
        RuntimeException failure = null;
        for (Future<Double> result : results) {
            // Every range is waited for, even after one fails, so no worker is still writing into shared tensors on return.
            try {
                total += result.get();
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = new IllegalStateException("interrupted while the workers were running", e);
            }
        }
        if (failure != null) throw failure;
        return total;
    }

    /** One slice's loss, scaled by its share of the batch so the slices' gradients sum to the batch mean's. */
    private static double sliceBackward(SliceLoss loss, int from, int to, double share) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            JniUtils.setGradMode(true);
            try {
                NDArray scaled = loss.of(from, to).mul((float) share);
                JniUtils.backward((PtNDArray) scaled, (PtNDArray) scaled.onesLike(), false, false);
                return scaled.getFloat();
            } finally {
                JniUtils.setGradMode(false);
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
