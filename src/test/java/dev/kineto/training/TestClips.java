package dev.kineto.training;

import dev.kineto.model.Layout;
import dev.kineto.video.Clip;
import dev.kineto.world.ShapeKind;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** Tiny hand-drawn training clips for tests: one coloured square sliding left or right over a coloured background. */
final class TestClips {
    private TestClips() {}

    static final List<String> COLOURS = List.of("red", "green", "blue", "yellow");
    private static final List<Color> RGB = List.of(Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW);

    /** A clip of a square of colour object moving right (or left) on background, size×size pixels. */
    static Clip clip(int object, int background, boolean right, int size, int frames) {
        List<BufferedImage> images = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = img.createGraphics();
            g.setColor(RGB.get(background));
            g.fillRect(0, 0, size, size);
            int side = size / 3, travel = size - side, x = travel * f / (frames - 1);
            g.setColor(RGB.get(object));
            g.fillRect(right ? x : travel - x, (size - side) / 2, side, side);
            g.dispose();
            images.add(img);
        }
        return new Clip(size, size, 8, images.stream().map(Clip::rgb).toList());
    }

    /** The layout of clip(object, background, right, size, frames): its square's box on every frame. */
    static Layout layout(int object, boolean right, int size, int frames) {
        List<List<Layout.Placed>> placed = new ArrayList<>();
        int side = size / 3, travel = size - side;
        for (int f = 0; f < frames; f++) {
            int x = travel * f / (frames - 1), left = right ? x : travel - x;
            placed.add(List.of(new Layout.Placed(ShapeKind.SQUARE.ordinal(), left + side / 2.0, (size - side) / 2 + side / 2.0, side / 2.0, side / 2.0, 0,
                    RGB.get(object).getRGB() & 0xffffff)));
        }
        return new Layout(size, size, placed);
    }

    /** The RGB of colour index i. */
    static int[] rgb(int i) {
        Color c = RGB.get(i);
        return new int[] {c.getRed(), c.getGreen(), c.getBlue()};
    }

    static String caption(int object, int background, boolean right) {
        return "a " + COLOURS.get(object) + " square moving " + (right ? "right" : "left") + " on " + COLOURS.get(background);
    }

    /** A source cycling over a few fixed (object, background, direction) combinations. */
    static ExampleSource source(int size, int frames, int[][] combos) {
        return index -> {
            int[] c = combos[(int) Math.floorMod(index, (long) combos.length)];
            return new Example(clip(c[0], c[1], c[2] == 1, size, frames), List.of(caption(c[0], c[1], c[2] == 1)));
        };
    }
}
