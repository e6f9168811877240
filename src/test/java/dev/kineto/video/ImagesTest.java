package dev.kineto.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {
    @TempDir Path dir;

    @Test
    void pngRoundTripIsExact() throws IOException {
        Clip clip = TestClips.movingShapes(24, 18, 1, 24);
        Path png = dir.resolve("still.png");
        assertTrue(ImageIO.write(clip.image(0), "png", png.toFile()));
        assertEquals(Psnr.IDENTICAL, Psnr.of(clip.frames().getFirst(), Clip.rgb(Images.read(png))));
    }

    @Test
    void aTextFileNamedPngIsAClearError() throws IOException {
        Path fake = Files.writeString(dir.resolve("fake.png"), "hello");
        var e = assertThrows(VideoFileException.class, () -> Images.read(fake));
        assertTrue(e.getMessage().contains("fake.png") && (e.getMessage().contains("cannot be read") || e.getMessage().contains("can decode")), e.getMessage());
    }
}
