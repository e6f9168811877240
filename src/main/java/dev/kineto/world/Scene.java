package dev.kineto.world;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/** A clip's ground truth: the description, the output geometry, every object's per-frame state, and the camera. */
public record Scene(Description description, RenderSpec spec, List<Trajectory> tracks, List<CameraState> camera) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public Scene {
        tracks = List.copyOf(tracks);
        camera = List.copyOf(camera);
        if (tracks.size() != description.objects().size()) {
            throw new IllegalArgumentException("a scene needs one track per object");
        }
        for (Trajectory t : tracks) {
            if (t.states().size() != spec.frames()) throw new IllegalArgumentException("a track needs one state per frame");
        }
        if (camera.size() != spec.frames()) throw new IllegalArgumentException("the camera needs one state per frame");
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("scene JSON could not be written: " + e.getMessage(), e);
        }
    }

    /** Reads a scene written by toJson; throws IllegalArgumentException naming the problem for anything else. */
    public static Scene fromJson(String json) {
        try {
            return JSON.readValue(json, Scene.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a scene JSON: " + e.getOriginalMessage(), e);
        }
    }
}
