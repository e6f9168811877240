package dev.kineto.world;

import java.util.List;

/** One object through the clip: its description and its state on every frame. */
public record Trajectory(ObjectSpec spec, List<ObjectState> states) {

    public Trajectory {
        states = List.copyOf(states);
    }
}
