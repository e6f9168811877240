package dev.kineto.world;

import java.util.List;

/**
 * Camera moves; "pans left" means the camera turns left, so the scene slides right on screen. The sampler draws
 * training clips with the horizontal pans and zooms only; the vertical pans are asked for by parameter.
 */
public enum Camera {
    STATIC("static camera", "fixed camera", "still camera", "locked camera"),
    PAN_LEFT("pans left", "panning left", "pan left", "pans to the left", "panning to the left", "pan to the left"),
    PAN_RIGHT("pans right", "panning right", "pan right", "pans to the right", "panning to the right", "pan to the right"),
    PAN_UP("pans up", "panning up", "pan up"),
    PAN_DOWN("pans down", "panning down", "pan down"),
    ZOOM_IN("zooms in", "zooming in", "zoom in", "pushes in", "pushing in", "push in"),
    ZOOM_OUT("zooms out", "zooming out", "zoom out", "pulls back", "pulling back", "pull back");

    private final List<String> words;

    Camera(String... words) { this.words = List.of(words); }

    public List<String> words() { return words; }
}
