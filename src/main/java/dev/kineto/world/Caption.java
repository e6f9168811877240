package dev.kineto.world;

/** A caption read: the description it gives (defaults filled in) and which of its traits the words stated. */
public record Caption(Description description, Stated stated) {}
