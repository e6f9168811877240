package dev.kineto.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kineto.video.Clip;
import dev.kineto.video.VideoFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `kineto video ...`: look at and convert video files (mp4, mov, webm, mkv, gif, PNG-frame folders). */
@Command(name = "video", mixinStandardHelpOptions = true, description = "Inspect and convert video files.",
        subcommands = {VideoCommand.Info.class, VideoCommand.Convert.class})
public final class VideoCommand {

    /** `kineto video info FILE`: size, frame rate, frame count and duration as JSON. */
    @Command(name = "info", mixinStandardHelpOptions = true, description = "Print a video's size, fps, frames and duration as JSON.")
    static final class Info implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "A video file or PNG-frame folder.")
        Path file;

        @Override
        public Integer call() throws Exception {
            Clip clip = VideoFiles.read(file);
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("file", file.toString());
            info.put("width", clip.width());
            info.put("height", clip.height());
            info.put("fps", clip.fps());
            info.put("frames", clip.frameCount());
            info.put("seconds", clip.seconds());
            System.out.println(new ObjectMapper().writeValueAsString(info));
            return 0;
        }
    }

    /** `kineto video convert IN OUT`: re-encode, optionally resized (centre crop) and at another frame rate. */
    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = "Convert between mp4, gif and PNG-frame folders (reads mov, webm, mkv too).")
    static final class Convert implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "IN", description = "The video to read.")
        Path in;

        @Parameters(index = "1", paramLabel = "OUT", description = "Where to write: .mp4, .gif, or a folder name for PNG frames.")
        Path out;

        @Option(names = "--size", paramLabel = "WxH", description = "Scale to cover WxH and crop the centre.")
        String size;

        @Option(names = "--fps", paramLabel = "F", description = "Frame rate of the output (keeps the duration).")
        Double fps;

        @Option(names = "--frames", paramLabel = "N", description = "Keep at most the first N frames.")
        int frames;

        @Override
        public Integer call() throws Exception {
            Clip clip;
            if (size != null) {
                String[] wh = size.toLowerCase().split("x");
                if (wh.length != 2 || !wh[0].matches("\\d+") || !wh[1].matches("\\d+")) {
                    throw new IllegalArgumentException("--size must look like 256x256, got '" + size + "'");
                }
                clip = VideoFiles.read(in, Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), frames);
            } else {
                clip = VideoFiles.read(in, frames);
            }
            if (fps != null) clip = clip.atFps(fps);
            VideoFiles.write(clip, out);
            System.out.printf("wrote %s (%dx%d, %d frames at %.3g fps)%n", out, clip.width(), clip.height(), clip.frameCount(), clip.fps());
            return 0;
        }
    }
}
