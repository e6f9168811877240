package dev.kineto.model;

import dev.kineto.video.Clip;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Videos longer than a pixel model's window, and continuations of any clip. Each window has the model's trained length
 * and starts from the last {@link Keyframes#EXTENSION_CONTEXT} frames of the video so far, held clean, so a window costs
 * what one short video costs however long the whole is, and motion carries across the joins.
 */
public final class Windows {
    private Windows() {}

    /** The request's video at any length; the key frames apply to the first window. */
    public static Clip generate(DiffusionGenerator generator, GenerationRequest request, Keyframes keyframes, StepListener listener) {
        int window = window(generator);
        // A latent model cannot continue a window, so it makes any length in one pass, as it always has.
        if (request.frames() <= window || !generator.model().config().takesFrames()) {
            return generator.generate(List.of(request), List.of(keyframes), listener).getFirst();
        }
        for (int frame : keyframes.frames().keySet()) {
            if (frame >= window) {
                throw new IllegalArgumentException("a key frame at " + frame + " is past the first window of a long video; the last image works for videos of up to "
                        + window + " frames (" + window / request.fps() + " s)");
            }
        }
        int windows = 1 + windowsAfter(request.frames() - window, window);
        // A grounded model follows one plan of the whole video, each window its own frames of it, so its objects keep
        // moving as planned across the joins; given frames leave it to the text, as in a short video.
        Layout plan = generator.model().config().grounded() && keyframes.isEmpty() ? Layout.plan(request) : null;
        Clip first = generator.generate(List.of(resized(request, window, 0)), List.of(keyframes), plan == null ? null : List.of(plan.window(0, window)),
                counted(listener, 0, windows)).getFirst();
        return continued(generator, first, request, request.frames() - window, 1, windows, plan, listener);
    }

    /** The source continued by request.frames() new frames following the request's prompt; the result holds both. */
    public static Clip extend(DiffusionGenerator generator, Clip source, GenerationRequest request, StepListener listener) {
        needsFrames(generator);
        if (source.width() != request.width() || source.height() != request.height()) {
            throw new IllegalArgumentException("the clip is " + source.width() + "x" + source.height() + ", the request " + request.width() + "x" + request.height()
                    + ": read the clip at the request's size");
        }
        if (source.frameCount() < Keyframes.EXTENSION_CONTEXT) {
            throw new IllegalArgumentException("the clip has " + source.frameCount() + " frames; extending needs at least " + Keyframes.EXTENSION_CONTEXT
                    + " to continue from");
        }
        int windows = windowsAfter(request.frames(), window(generator));
        return continued(generator, source, request, request.frames(), 0, windows, null, listener);
    }

    /** So far, then more new frames, window by window, each following its frames of the plan (null: none). */
    private static Clip continued(DiffusionGenerator generator, Clip soFar, GenerationRequest request, int more, int index, int windows, Layout plan,
                                  StepListener listener) {
        int window = window(generator), context = Keyframes.EXTENSION_CONTEXT;
        List<byte[]> frames = new ArrayList<>(soFar.frames());
        int target = frames.size() + more;
        for (int w = index; frames.size() < target; w++) {
            Map<Integer, byte[]> held = new HashMap<>();
            for (int i = 0; i < context; i++) held.put(i, frames.get(frames.size() - context + i));
            List<Layout> planned = plan == null ? null : List.of(plan.window(frames.size() - context, window));
            Clip next = generator.generate(List.of(resized(request, window, w)), List.of(new Keyframes(held)), planned, counted(listener, w, windows)).getFirst();
            frames.addAll(next.frames().subList(context, Math.min(window, context + target - frames.size())));
        }
        return new Clip(soFar.width(), soFar.height(), soFar.fps(), frames);
    }

    /** Windows of new frames needed for frames more frames. */
    private static int windowsAfter(int frames, int window) {
        int fresh = window - Keyframes.EXTENSION_CONTEXT;
        return (frames + fresh - 1) / fresh;
    }

    private static int window(DiffusionGenerator generator) {
        return generator.model().config().frames();
    }

    private static void needsFrames(DiffusionGenerator generator) {
        if (!generator.model().config().takesFrames()) {
            throw new IllegalArgumentException("this model (" + generator.model().config().preset() + ", a latent model) makes videos of up to "
                    + window(generator) + " frames in one pass and cannot continue one; long videos and extensions need a pixel model");
        }
    }

    /** The request as one window: the window's length and its own seed. */
    private static GenerationRequest resized(GenerationRequest r, int frames, int index) {
        return new GenerationRequest(r.prompt(), r.negativePrompt(), r.width(), r.height(), frames, r.fps(), r.steps(), r.cfg(), r.seed() + index);
    }

    /** Steps of window index of windows, counted over the whole video. */
    private static StepListener counted(StepListener listener, int index, int windows) {
        return (step, total, preview) -> listener.onStep(index * total + step, windows * total, preview);
    }
}
