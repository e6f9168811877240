package dev.kineto.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.Rectangle2D;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimulationTest {

    private static final RenderSpec SPEC = new RenderSpec(64, 48, 17, 8);

    @Test
    void heldOutCombinationsNeverAppearInTenThousandTrainingSamples() {
        for (long seed = 0; seed < 10_000; seed++) {
            Description d = DescriptionSampler.describe(new SplittableRandom(seed), Split.TRAIN);
            assertFalse(Split.HELDOUT.contains(d), () -> "training sample holds a held-out triple: " + d);
        }
        Set<Split.Triple> seen = new java.util.HashSet<>();
        for (long seed = 0; seed < 2000; seed++) {
            Description d = DescriptionSampler.describe(new SplittableRandom(seed), Split.HELDOUT);
            assertTrue(Split.HELDOUT.contains(d));
            for (ObjectSpec o : d.objects()) seen.add(new Split.Triple(o.colour(), o.shape(), o.motion()));
        }
        assertTrue(seen.containsAll(Split.HELDOUT_TRIPLES), "the held-out sampler should produce every held-out triple");
    }

    @Test
    void sampledScenesKeepObjectsInFrameApartAndInTheirRelation() {
        for (long seed = 0; seed < 400; seed++) {
            Scene scene = World.simulate(DescriptionSampler.describe(new SplittableRandom(seed), Split.TRAIN), SPEC, seed);
            Description d = scene.description();
            for (int f = 0; f < SPEC.frames(); f++) {
                for (Trajectory t : scene.tracks()) {
                    Rectangle2D box = Renderer.outline(t.spec().shape(), t.states().get(f)).getBounds2D();
                    String where = d + " frame " + f + " " + box;
                    assertTrue(box.getMinX() > -1 && box.getMinY() > -1 && box.getMaxX() < SPEC.width() + 1 && box.getMaxY() < SPEC.height() + 1, where);
                }
                if (d.objects().size() > 1 && !d.collide()) {
                    for (int i = 0; i < d.objects().size(); i++) {
                        for (int j = i + 1; j < d.objects().size(); j++) {
                            ObjectState a = scene.tracks().get(i).states().get(f), b = scene.tracks().get(j).states().get(f);
                            assertTrue(Math.hypot(a.x() - b.x(), a.y() - b.y()) > Math.max(a.size(), b.size()), d + " objects overlap on frame " + f);
                        }
                    }
                }
                if (d.relation() != null) {
                    ObjectState a = scene.tracks().get(0).states().get(f), b = scene.tracks().get(1).states().get(f);
                    boolean holds = switch (d.relation()) {
                        case LEFT_OF -> a.x() < b.x();
                        case RIGHT_OF -> a.x() > b.x();
                        case ABOVE -> a.y() < b.y();
                        case BELOW -> a.y() > b.y();
                    };
                    assertTrue(holds, d + " relation broken on frame " + f);
                }
            }
        }
    }

    @Test
    void motionsGoWhereTheirNamesSay() {
        for (Motion m : EnumSet.range(Motion.LEFT, Motion.DOWN_RIGHT)) {
            Scene s = one(m, Camera.STATIC);
            ObjectState first = s.tracks().getFirst().states().getFirst(), second = s.tracks().getFirst().states().get(1);
            double[] dir = m.direction();
            assertEquals(Math.signum(dir[0]), Math.signum(Math.round((second.x() - first.x()) * 1000)), m.name());
            assertEquals(Math.signum(dir[1]), Math.signum(Math.round((second.y() - first.y()) * 1000)), m.name());
        }
        List<ObjectState> grow = one(Motion.GROW, Camera.STATIC).tracks().getFirst().states();
        assertTrue(grow.getLast().size() > grow.getFirst().size() * 1.5);
        List<ObjectState> shrink = one(Motion.SHRINK, Camera.STATIC).tracks().getFirst().states();
        assertTrue(shrink.getLast().size() < shrink.getFirst().size() / 1.5);
        List<ObjectState> spin = one(Motion.ROTATE, Camera.STATIC).tracks().getFirst().states();
        assertTrue(spin.getLast().rotation() > 1);
        List<ObjectState> orbit = one(Motion.ORBIT, Camera.STATIC).tracks().getFirst().states();
        double[] centre = circumcentre(orbit.get(0), orbit.get(4), orbit.get(8));
        double r0 = Math.hypot(orbit.getFirst().x() - centre[0], orbit.getFirst().y() - centre[1]);
        assertTrue(r0 > 3, "an orbit goes round");
        for (ObjectState s : orbit) assertEquals(r0, Math.hypot(s.x() - centre[0], s.y() - centre[1]), 1e-6);
    }

    private static double[] circumcentre(ObjectState a, ObjectState b, ObjectState c) {
        double d = 2 * (a.x() * (b.y() - c.y()) + b.x() * (c.y() - a.y()) + c.x() * (a.y() - b.y()));
        double a2 = a.x() * a.x() + a.y() * a.y(), b2 = b.x() * b.x() + b.y() * b.y(), c2 = c.x() * c.x() + c.y() * c.y();
        return new double[] {(a2 * (b.y() - c.y()) + b2 * (c.y() - a.y()) + c2 * (a.y() - b.y())) / d,
                (a2 * (c.x() - b.x()) + b2 * (a.x() - c.x()) + c2 * (b.x() - a.x())) / d};
    }

    @Test
    void fallingBouncesLowerEachTime() {
        List<ObjectState> fall = World.simulate(World.parse("a ball falling fast"), new RenderSpec(64, 64, 120, 30), 0).tracks().getFirst().states();
        double floor = fall.stream().mapToDouble(ObjectState::y).max().orElseThrow();
        assertTrue(fall.getFirst().y() < floor - 30, "it starts high");
        // heights of the tops between bounces (local minima of y) rise towards the floor
        double previous = fall.getFirst().y();
        int peaks = 0;
        for (int i = 1; i + 1 < fall.size(); i++) {
            double y = fall.get(i).y();
            if (y < fall.get(i - 1).y() && y <= fall.get(i + 1).y()) {
                assertTrue(y > previous + 1, "each bounce is lower than the last");
                previous = y;
                peaks++;
            }
        }
        assertTrue(peaks >= 2, "it bounces at least twice in 4 seconds, got " + peaks);
    }

    @Test
    void collidingObjectsMeetAndBounceApart() {
        Scene s = World.simulate(World.parse("a big red ball and a small blue ball collide"), new RenderSpec(64, 64, 33, 16), 3);
        List<ObjectState> a = s.tracks().get(0).states(), b = s.tracks().get(1).states();
        assertTrue(a.get(1).x() > a.get(0).x() && b.get(1).x() < b.get(0).x(), "they move towards each other");
        double closest = Double.MAX_VALUE;
        int contact = 0;
        for (int f = 0; f < a.size(); f++) {
            double gap = b.get(f).x() - a.get(f).x() - a.get(f).size() - b.get(f).size();
            if (gap < closest) {
                closest = gap;
                contact = f;
            }
        }
        assertTrue(closest < 2 && closest > -2, "they touch, gap " + closest);
        assertTrue(contact > 2 && contact < a.size() - 3, "they meet mid-clip, frame " + contact);
        assertTrue(b.get(contact + 2).x() > b.get(contact + 1).x(), "the light ball bounces back");
        assertTrue(a.get(contact + 2).x() - a.get(contact + 1).x() < a.get(1).x() - a.get(0).x(), "the heavy ball slows down");
    }

    @Test
    void panMovesTheSceneAndZoomEnlargesIt() {
        List<ObjectState> left = one(Motion.STILL, Camera.PAN_LEFT).tracks().getFirst().states();
        assertTrue(left.getLast().x() > left.getFirst().x() + 3, "panning left slides the scene right");
        List<ObjectState> right = one(Motion.STILL, Camera.PAN_RIGHT).tracks().getFirst().states();
        assertTrue(right.getLast().x() < right.getFirst().x() - 3);
        List<ObjectState> in = one(Motion.STILL, Camera.ZOOM_IN).tracks().getFirst().states();
        assertTrue(in.getLast().size() > in.getFirst().size() * 1.3);
        List<ObjectState> out = one(Motion.STILL, Camera.ZOOM_OUT).tracks().getFirst().states();
        assertTrue(out.getLast().size() < out.getFirst().size() / 1.3);
    }

    @Test
    void motionMeaningDoesNotDependOnFrameRate() {
        Description d = World.parse("a red ball moving right");
        ObjectState slow = World.simulate(d, new RenderSpec(64, 64, 9, 8), 1).tracks().getFirst().states().getLast();
        ObjectState fast = World.simulate(d, new RenderSpec(64, 64, 33, 32), 1).tracks().getFirst().states().getLast();
        assertEquals(slow.x(), fast.x(), 1e-9, "one second later the ball is in the same place at 8 and 32 fps");
    }

    private static Scene one(Motion m, Camera camera) {
        Description d = new Description(List.of(new ObjectSpec(Colour.RED, ShapeKind.SQUARE, Size.SMALL, m, Speed.NORMAL)), null, false,
                Background.solid(Colour.BLACK), Style.FLAT, camera);
        return World.simulate(d, SPEC, 11);
    }
}
