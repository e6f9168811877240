package dev.kineto.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoFilesTest {
    @TempDir Path dir;

    @Test
    void mp4RoundTripKeepsFramesWithinCodecTolerance() throws IOException {
        for (int size : new int[] {64, 256}) {
            Clip clip = TestClips.movingShapes(size, size, 12, 24);
            Path mp4 = dir.resolve("clip" + size + ".mp4");
            VideoFiles.write(clip, mp4);
            Clip decoded = VideoFiles.read(mp4);
            assertEquals(size, decoded.width());
            assertEquals(size, decoded.height());
            assertEquals(12, decoded.frameCount());
            assertEquals(24, decoded.fps(), 1e-6);
            double psnr = Psnr.of(clip, decoded);
            System.out.printf("mp4 %dx%d: PSNR %.1f dB, %d bytes%n", size, size, psnr, Files.size(mp4));
            assertTrue(psnr >= 35, "PSNR at " + size + "x" + size + " was " + psnr);
        }
    }

    @Test
    void mp4IsBrowserPlayableH264WithIndexAtTheFront() throws IOException {
        Path mp4 = dir.resolve("web.mp4");
        VideoFiles.write(TestClips.movingShapes(64, 48, 3, 24), mp4);
        byte[] head = Arrays.copyOf(Files.readAllBytes(mp4), 4096);
        String text = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(text.indexOf("moov") >= 0 && text.indexOf("moov") < text.indexOf("mdat"), "faststart puts moov before mdat");
        assertTrue(text.contains("avc1"), "H.264 sample entry");
    }

    @Test
    void gifRoundTripKeepsColoursAndTiming() throws IOException {
        Clip clip = TestClips.movingShapes(64, 64, 6, 10);
        Path gif = dir.resolve("clip.gif");
        VideoFiles.write(clip, gif);
        Clip decoded = VideoFiles.read(gif);
        assertEquals(6, decoded.frameCount());
        assertEquals(10, decoded.fps(), 0.5);
        double psnr = Psnr.of(clip, decoded);
        System.out.printf("gif 64x64: PSNR %.1f dB%n", psnr);
        assertTrue(psnr >= 28, "GIF PSNR was " + psnr);
    }

    @Test
    void pngFolderRoundTripIsLossless() throws IOException {
        Clip clip = TestClips.movingShapes(40, 30, 3, 24);
        Path folder = dir.resolve("frames");
        VideoFiles.write(clip, folder);
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of("frame_00000.png", "frame_00001.png", "frame_00002.png"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        assertEquals(Psnr.IDENTICAL, Psnr.of(clip, VideoFiles.read(folder)));

        VideoFiles.write(TestClips.flat(40, 30, 1, 9, 9, 9), folder);
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(1, files.count(), "rewriting a frame folder replaces the old frames");
        }
    }

    @Test
    void readResizesWithCentreCropAndStopsAtMaxFrames() throws IOException {
        // 96x32: red left third, green middle third, blue right third; a square crop keeps only the green middle.
        byte[] frame = new byte[96 * 32 * 3];
        for (int p = 0; p < 96 * 32; p++) frame[p * 3 + (p % 96) / 32] = (byte) 255;
        Path mp4 = dir.resolve("wide.mp4");
        VideoFiles.write(new Clip(96, 32, 24, List.of(frame, frame, frame, frame)), mp4);

        Clip square = VideoFiles.read(mp4, 16, 16, 2);
        assertEquals(16, square.width());
        assertEquals(16, square.height());
        assertEquals(2, square.frameCount());
        for (int y = 0; y < 16; y++) {
            for (int x = 2; x < 14; x++) {
                assertTrue(square.sample(1, x, y, 1) > 200 && square.sample(1, x, y, 0) < 60 && square.sample(1, x, y, 2) < 60,
                        "pixel " + x + "," + y + " should be green");
            }
        }
    }

    @Test
    void readsWhatUsersBring() throws Exception {
        Clip clip = TestClips.movingShapes(48, 32, 6, 24);
        for (var format : Map.of("mov", AV_CODEC_ID_H264, "webm", AV_CODEC_ID_VP9, "mkv", AV_CODEC_ID_MPEG4).entrySet()) {
            Path file = dir.resolve("user." + format.getKey());
            try (var recorder = new FFmpegFrameRecorder(file.toFile(), 48, 32, 0)) {
                recorder.setVideoCodec(format.getValue());
                recorder.setFrameRate(24);
                recorder.setVideoBitrate(2_000_000);
                recorder.start();
                for (int i = 0; i < clip.frameCount(); i++) recorder.record(new Java2DFrameConverter().convert(clip.image(i)));
                recorder.stop();
            }
            Clip decoded = VideoFiles.read(file);
            assertEquals(6, decoded.frameCount(), format.getKey());
            assertEquals(24, decoded.fps(), 1e-6, format.getKey());
            assertTrue(Psnr.of(clip, decoded) > 28, format.getKey() + " PSNR " + Psnr.of(clip, decoded));
            Clip square = VideoFiles.read(file, 16, 16, 0);
            assertEquals(List.of(16, 16, 6), List.of(square.width(), square.height(), square.frameCount()), format.getKey());
        }
    }

    @Test
    void missingEmptyCorruptAndTruncatedInputsNameTheFile() throws IOException {
        Path missing = dir.resolve("missing.mp4");
        assertError(missing, "no such file");

        Path empty = Files.createFile(dir.resolve("empty.mp4"));
        assertError(empty, "empty");

        byte[] noise = new byte[20_000];
        new Random(1).nextBytes(noise);
        assertError(Files.write(dir.resolve("noise.mp4"), noise), "cannot be read");

        assertError(Files.writeString(dir.resolve("notes.gif"), "not a picture\n"), "cannot be read");

        Path full = dir.resolve("full.mp4");
        VideoFiles.write(TestClips.movingShapes(64, 64, 12, 24), full);
        byte[] bytes = Files.readAllBytes(full);
        assertError(Files.write(dir.resolve("half.mp4"), Arrays.copyOf(bytes, bytes.length / 2)), "truncated");
        assertError(Files.write(dir.resolve("head.mp4"), Arrays.copyOf(bytes, 200)), "cannot be read");

        assertError(Files.createDirectory(dir.resolve("no-frames")), "frame_00000.png");
    }

    @Test
    void unsupportedOutputsAndOddSizesFailWithoutLeavingFiles() throws IOException {
        Clip even = TestClips.flat(16, 16, 2, 10, 20, 30);
        var unsupported = assertThrows(VideoFileException.class, () -> VideoFiles.write(even, dir.resolve("clip.avi")));
        assertTrue(unsupported.getMessage().contains("clip.avi") && unsupported.getMessage().contains(".mp4"), unsupported.getMessage());

        Clip odd = TestClips.flat(15, 9, 2, 10, 20, 30);
        var oddSize = assertThrows(VideoFileException.class, () -> VideoFiles.write(odd, dir.resolve("odd.mp4")));
        assertTrue(oddSize.getMessage().contains("odd.mp4") && oddSize.getMessage().contains("15x9"), oddSize.getMessage());

        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "a failed write leaves nothing behind");
        }
        VideoFiles.write(odd, dir.resolve("odd.gif"));
        assertEquals(15, VideoFiles.read(dir.resolve("odd.gif")).width(), "GIF takes any size");
    }

    @Test
    void failedWriteKeepsThePreviousFile() throws IOException {
        Path mp4 = dir.resolve("keep.mp4");
        VideoFiles.write(TestClips.flat(16, 16, 2, 10, 20, 30), mp4);
        byte[] before = Files.readAllBytes(mp4);
        assertThrows(VideoFileException.class, () -> VideoFiles.write(TestClips.flat(15, 15, 1, 0, 0, 0), mp4));
        assertArrayEquals(before, Files.readAllBytes(mp4));
        try (Stream<Path> left = Files.list(dir)) {
            assertFalse(left.anyMatch(f -> f.getFileName().toString().contains("partial")));
        }
    }

    private static void assertError(Path file, String problem) {
        var e = assertThrows(VideoFileException.class, () -> VideoFiles.read(file));
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(problem), "says '" + problem + "': " + e.getMessage());
    }
}
