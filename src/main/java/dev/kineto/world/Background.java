package dev.kineto.world;

import java.util.Objects;

/** The backdrop: a pattern in one or two colours (a SOLID background's secondary is its primary). */
public record Background(BackgroundKind kind, Colour primary, Colour secondary) {

    public Background {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(primary, "primary");
        secondary = kind == BackgroundKind.SOLID || secondary == null ? primary : secondary;
    }

    public static Background solid(Colour colour) {
        return new Background(BackgroundKind.SOLID, colour, colour);
    }
}
