package dev.kineto.cli;

import dev.kineto.model.DiffusionGenerator;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.Keyframes;
import dev.kineto.model.RequestRules;
import dev.kineto.model.Windows;
import dev.kineto.modes.Direction;
import dev.kineto.modes.Guides;
import dev.kineto.modes.MotionPath;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFiles;
import dev.kineto.world.Camera;
import dev.kineto.world.Style;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `kineto generate "prompt" -o out.mp4`: text to video with the bundled (or a given) model. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate a video from a text prompt, optionally from a first (and last) frame, along a motion path, with a camera move, or from a video (restyle).")
public final class GenerateCommand implements Callable<Integer> {
    /** The bundled model's size multiple, for --size's help (GenerateCommandTest holds it to the bundled model's rules). */
    static final int BUNDLED_SIZE_MULTIPLE = 16;

    @Parameters(index = "0", paramLabel = "PROMPT", description = "What the video shows, e.g. \"a red ball bouncing on a blue background\".")
    String prompt;

    @Option(names = "--seconds", description = "Length in seconds (default: the model's training length, 2 s for the bundled model).")
    Double seconds;

    @Option(names = "--fps", description = "Frames per second (default: the model's training fps).")
    Double fps;

    @Option(names = "--size", description = "WxH in pixels, multiples of the model's patch: " + BUNDLED_SIZE_MULTIPLE
            + " for the bundled model (default: the model's training size).")
    String size;

    @Option(names = "--aspect", description = RequestRules.ASPECTS + ", keeping the training size's short side (instead of --size).")
    String aspect;

    @Option(names = "--style", description = "Rendering style: flat, outlined, pixel-art or soft.")
    String style;

    @Option(names = "--path", paramLabel = "X,Y;X,Y;...", description = "Motion path: the subject's centroid in output pixels, the points spread evenly over the video.")
    String path;

    @Option(names = "--camera", description = "Camera move: pan-left, pan-right, pan-up, pan-down, zoom-in, zoom-out or static.")
    String camera;

    @Option(names = "--video", paramLabel = "CLIP", description = "Video-to-video: re-render this clip (mp4, mov, webm, gif; at most 8 s) following the prompt; the output has its length.")
    Path video;

    @Option(names = "--strength", description = "With --path, --camera or --video: how far the guide is re-imagined, 0 (kept) to 1 (ignored); default "
            + Direction.PATH_STRENGTH + " for a path, " + Direction.CAMERA_STRENGTH + " for a camera move, " + Direction.RESTYLE_STRENGTH + " for a restyle.")
    Double strength;

    @Option(names = "--image", paramLabel = "PNG|JPEG", description = "Image-to-video: the first frame, scaled to cover the output and centre-cropped (a pixel model).")
    Path image;

    @Option(names = "--last-image", paramLabel = "PNG|JPEG", description = "With --image: the last frame; the video goes from one to the other.")
    Path lastImage;

    @Mixin
    SamplingOptions sampling;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        if (lastImage != null && image == null) throw new IllegalArgumentException("--last-image needs --image: give the first frame too");
        if (image != null && video != null) throw new IllegalArgumentException("--image and --video are different modes: give one of them");
        MotionPath motion = path == null ? null : MotionPath.parse(path);
        Camera move = camera == null ? null : Direction.camera(camera);
        Style drawn = style == null ? null : Direction.style(style);
        try (DiffusionGenerator generator = sampling.load()) {
            String fullPrompt = new Direction(null, move, drawn, null, null).prompt(prompt);
            SamplingOptions.warnUnknown(generator, fullPrompt);
            int[] wh = size != null ? parseSize(size) : aspect != null ? generator.model().config().rules().sizeFor(aspect, 1, 1) : null;
            var resolved = sampling.request(generator, fullPrompt, wh, seconds, fps);
            Clip source = video == null ? null : Guides.source(Guides.readSource(video, resolved.width(), resolved.height()), resolved.fps());
            var request = source == null ? resolved : Guides.restyling(resolved, source);
            var direction = new Direction(motion, move, drawn, source, strength);
            if (direction.guided()) {
                Guides.check(request, direction); // bad paths and prompts fail here, before the model is asked
                sampling.sampleAndWrite(listener -> Guides.generate(generator, request, direction, listener), request, started);
                return 0;
            }
            Keyframes keyframes = image == null ? Keyframes.NONE
                    : lastImage == null ? Keyframes.first(frame(image, request))
                    : Keyframes.firstAndLast(frame(image, request), frame(lastImage, request), request.frames());
            sampling.sampleAndWrite(listener -> Windows.generate(generator, request, keyframes, listener), request, started);
        }
        return 0;
    }

    /** An image as one RGB frame at the request's size (scaled to cover, centre-cropped). */
    private static byte[] frame(Path image, GenerationRequest request) throws java.io.IOException {
        return VideoFiles.read(image, request.width(), request.height(), 1).frames().getFirst();
    }

    /** "WxH" → {W, H}. */
    static int[] parseSize(String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 2) return new int[] {Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip())};
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("size must look like 64x64 (width x height), got '" + text + "'");
    }
}
