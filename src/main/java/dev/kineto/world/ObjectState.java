package dev.kineto.world;

/** An object on one frame: SCREEN centroid in pixels (x right, y down), half extent in pixels, rotation in radians, drawn colour. */
public record ObjectState(double x, double y, double size, double rotation, int rgb) {}
