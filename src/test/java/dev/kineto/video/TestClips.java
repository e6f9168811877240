package dev.kineto.video;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** Synthetic clips for the tests: a smooth gradient background with flat shapes moving across it. */
final class TestClips {
    private TestClips() {}

    static Clip movingShapes(int width, int height, int frames, double fps) {
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new GradientPaint(0, 0, new Color(40, 90, 160), width, height, new Color(230, 200, 120)));
            g.fillRect(0, 0, width, height);
            int size = Math.max(4, width / 4);
            g.setColor(new Color(210, 80, 70));
            g.fillOval(i * width / (2 * frames), height / 4, size, size);
            g.setColor(new Color(70, 170, 100));
            g.fillRect(width - size - i * width / (3 * frames), height / 2, size, size / 2 + 2);
            g.dispose();
            images.add(image);
        }
        return new Clip(width, height, fps, images.stream().map(Clip::rgb).toList());
    }

    /** A clip whose every frame is one flat colour. */
    static Clip flat(int width, int height, int frames, int red, int green, int blue) {
        List<byte[]> list = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            byte[] rgb = new byte[width * height * 3];
            for (int p = 0; p < rgb.length; p += 3) {
                rgb[p] = (byte) red;
                rgb[p + 1] = (byte) green;
                rgb[p + 2] = (byte) blue;
            }
            list.add(rgb);
        }
        return new Clip(width, height, 24, list);
    }
}
