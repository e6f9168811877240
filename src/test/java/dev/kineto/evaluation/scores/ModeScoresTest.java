package dev.kineto.evaluation.scores;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kineto.video.Clip;
import dev.kineto.world.ObjectState;
import dev.kineto.world.RenderSpec;
import dev.kineto.world.World;
import dev.kineto.world.WorldClip;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scores of the conditioned modes, on world renders whose ground truth is known. */
class ModeScoresTest {

    static final RenderSpec SPEC = new RenderSpec(64, 64, 17, 8);

    @Test
    void firstFrameFidelityIsPerfectForTheInputImageAndDropsForAnother() {
        Clip clip = World.render("a blue square on a white background", SPEC, 1).clip();
        ModeScores.Fidelity same = ModeScores.firstFrame(clip, clip.frames().getFirst());
        assertEquals(100, same.psnr(), 1e-9);
        assertEquals(1, same.ssim(), 1e-6);
        byte[] other = World.render("a red star on a black background", SPEC, 1).clip().frames().getFirst();
        ModeScores.Fidelity wrong = ModeScores.firstFrame(clip, other);
        assertTrue(wrong.psnr() < 15 && wrong.ssim() < 0.5, wrong.toString());
        ModeScores.Ends ends = ModeScores.firstAndLast(clip, clip.frames().getFirst(), other);
        assertTrue(ends.first().psnr() > ends.last().psnr());
        assertThrows(IllegalArgumentException.class, () -> ModeScores.firstFrame(clip, new byte[12]));
    }

    @Test
    void trajectoryErrorIsSmallAlongTheTruePathAndLargeAlongAnother() {
        WorldClip world = World.render("a red circle moving right on a black background", SPEC, 3);
        List<double[]> path = new ArrayList<>();
        for (ObjectState s : world.scene().tracks().getFirst().states()) path.add(new double[] {s.x(), s.y()});
        assertTrue(ModeScores.trajectoryError(world.clip(), path) < 0.5);
        double backwards = ModeScores.trajectoryError(world.clip(), path.reversed());
        assertTrue(backwards > 5, "error along the reversed path " + backwards);
        // Two key points joined by a line are the same straight path.
        assertTrue(ModeScores.trajectoryError(world.clip(), List.of(path.getFirst(), path.getLast())) < 0.5);
    }

    @Test
    void driftStaysNearOneForASteadySubjectAndFallsWhenItsColourDrifts() {
        Clip clip = World.render("a green circle sitting still on a black background", new RenderSpec(64, 64, 25, 8), 2).clip();
        List<Double> steady = ModeScores.drift(clip);
        assertEquals(3, steady.size(), "seconds 2, 3 and the last frame's part of the fourth");
        assertTrue(steady.stream().allMatch(d -> d > 0.99), steady.toString());
        List<byte[]> fading = new ArrayList<>();
        for (int i = 0; i < clip.frameCount(); i++) {
            byte[] f = clip.frames().get(i).clone();
            double t = (double) i / (clip.frameCount() - 1);
            for (int p = 0; p < f.length; p += 3) f[p] = (byte) Math.max(f[p] & 0xff, Math.round((f[p + 1] & 0xff) * t));
            fading.add(f);
        }
        List<Double> drifting = ModeScores.drift(new Clip(64, 64, 8, fading));
        assertTrue(drifting.getLast() < steady.getLast() - 0.1, drifting + " vs " + steady);
    }

    @Test
    void aVisibleJumpAtAJoinFlickers() {
        Clip first = World.render("a yellow circle moving right on a blue background", SPEC, 4).clip();
        Clip second = World.render("a white square moving left on a red background", SPEC, 4).clip();
        List<byte[]> joined = new ArrayList<>(first.frames());
        joined.addAll(second.frames());
        Clip extended = new Clip(64, 64, 8, joined);
        double seam = ModeScores.seamFlicker(extended, List.of(17)), smooth = ModeScores.seamFlicker(first, List.of(8));
        assertTrue(smooth > 0.99 && seam < smooth - 0.1, "seam " + seam + " vs smooth " + smooth);
        assertThrows(IllegalArgumentException.class, () -> ModeScores.seamFlicker(first, List.of(40)));
    }
}
