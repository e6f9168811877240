package dev.kineto.server;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.MemoryCost;
import dev.kineto.model.RequestRules;
import dev.kineto.model.VideoGenerator;

/**
 * The worker pool's memory budget against each job's predicted cost: a request the budget cannot hold even alone is
 * refused at submit (saying the largest video the server can make instead), and workers only claim batches that fit
 * beside what the others hold. A pixel model makes a video longer than its window (and any extension) window by window
 * (model.Windows), so such a job costs one window's memory however long it is.
 */
final class JobMemory {
    private final MemoryCost cost;
    /** Frames one pass of a pixel model makes; 0 when every video is made in one pass. */
    private final int window;
    private final long budget;
    /** The model's request rules, for the largest size that fits; null when the generator's memory does not grow with the request. */
    private final RequestRules rules;
    private long reserved;

    JobMemory(VideoGenerator generator, ServerConfig config) {
        // Only the diffusion model's memory grows with the request; other generators render or copy frames.
        this.cost = generator instanceof DiffusionGenerator d ? new MemoryCost(d.model().config()) : null;
        this.window = generator instanceof DiffusionGenerator d && d.model().config().takesFrames() ? d.model().config().frames() : 0;
        this.budget = config.memoryBudget();
        this.rules = generator instanceof DiffusionGenerator d ? d.model().config().rules() : null;
    }

    long bytes(GenerationRequest r, int batch) {
        return cost == null ? 0 : cost.bytes(r.width(), r.height(), framesAtOnce(r.frames()), batch, r.cfg() != 1);
    }

    /** Whether the model can take frames as conditions: images, extensions, windows. */
    boolean takesFrames() {
        return window > 0;
    }

    /** Frames one pass makes; 0 when every video is made in one pass. */
    int window() {
        return window;
    }

    /** Whether a video of this many frames is made window by window, so alone (never in a batch). */
    boolean windowed(int frames) {
        return window > 0 && frames > window;
    }

    private int framesAtOnce(int frames) {
        return window > 0 ? Math.min(frames, window) : frames;
    }

    /** Refuses (422) a request that would not fit the budget even as the only job running. */
    void check(GenerationRequest r) {
        long need = bytes(r, 1);
        if (need <= budget) return;
        String message = "a %dx%d video of %d frames needs about %s to generate and this server's budget is %s".formatted(
                r.width(), r.height(), r.frames(), gb(need), gb(budget));
        int frames = largestFrames(r);
        if (frames > 0) message += "; at %dx%d it can make up to %d frames (%s s at %s fps)".formatted(r.width(), r.height(), frames,
                trim(frames / r.fps()), trim(r.fps()));
        int[] size = largestSize(r);
        if (size != null) message += "; at %d frames it can make up to %dx%d".formatted(r.frames(), size[0], size[1]);
        throw new ApiError(422, "too_large_for_server", message + ": make it shorter or smaller");
    }

    /** The most frames (4k + 1) at the request's size that fit the budget; 0 when not even one frame does. */
    private int largestFrames(GenerationRequest r) {
        int frames = 0;
        for (int f = 1; f < r.frames() && fits(r.width(), r.height(), f, r); f += RequestRules.FRAME_STEP) frames = f;
        return frames;
    }

    /** The largest size with the request's aspect ratio and frames that fits the budget, or null. */
    private int[] largestSize(GenerationRequest r) {
        int multiple = rules.sizeMultiple();
        for (int w = r.width() - multiple; w >= Math.max(VideoSpec.MIN_SIDE, multiple); w -= multiple) {
            int h = rules.round((double) w * r.height() / r.width(), VideoSpec.MIN_SIDE);
            if (fits(w, h, r.frames(), r)) return new int[] {w, h};
        }
        return null;
    }

    private boolean fits(int width, int height, int frames, GenerationRequest r) {
        return cost == null || cost.bytes(width, height, framesAtOnce(frames), 1, r.cfg() != 1) <= budget;
    }

    /** The most jobs like head that fit beside what other workers hold now, up to maxBatch (0: none fits yet). */
    synchronized int batchLimit(GenerationRequest head, int maxBatch) {
        int n = 0;
        while (n < maxBatch && reserved + bytes(head, n + 1) <= budget) n++;
        return n;
    }

    synchronized void reserve(long bytes) {
        reserved += bytes;
    }

    synchronized void release(long bytes) {
        reserved -= bytes;
    }

    private static String gb(long bytes) {
        return "%.1f GB".formatted(bytes / 1e9);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(Math.round(v * 1000) / 1000.0);
    }
}
