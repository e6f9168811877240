package dev.kineto.world;

/** The camera on one frame: its offset from the starting view in world pixels and its zoom (1 = as at the start). */
public record CameraState(double x, double y, double zoom) {

    public static final CameraState START = new CameraState(0, 0, 1);
}
